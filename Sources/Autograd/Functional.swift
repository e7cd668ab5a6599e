// The functional layer: vector-Jacobian and Jacobian-vector products, full Jacobians and
// Hessians, like `torch.autograd.functional`. Every result is exact (built from the op
// registry's VJPs), never a finite-difference estimate.
//
// Each function comes in two forms: one that takes an output whose graph is already built
// (what the CLI uses, after evaluating an expression once) and a closure form that builds
// leaves from tensors, runs the closure and then calls the first.

/// How `jacobian` walks the graph.
public enum JacobianMode: Equatable {
    /// Reverse mode when the output has no more elements than the inputs together, else forward.
    case auto
    /// One vector-Jacobian product (a backward pass) per output element: each gives a row.
    case reverse
    /// One Jacobian-vector product per input element: each gives a column.
    case forward
}

// MARK: - Products on a built graph

/// The vector-Jacobian product `v^T J` of `output` with respect to each of `inputs`.
///
/// The graph is kept (`retainGraph`), so further products may follow. An input the output
/// does not depend on gets zeros, as in `torch.autograd.functional.vjp`.
/// - Parameter v: Shaped like `output`; may be nil for a one-element output (then 1).
public func vjp(of output: Variable, wrt inputs: [Variable], v: Tensor? = nil) throws -> [Tensor] {
    guard output.requiresGrad else {
        if let v, v.shape != output.shape { throw mismatch(v.shape, output.shape) }
        return inputs.map { Tensor.zeros($0.shape) }
    }
    let grads = try grad(outputs: [output], inputs: inputs, gradOutputs: [v.map { Variable($0) }],
                         retainGraph: true, allowUnused: true)
    return zip(inputs, grads).map { input, g in g?.value ?? Tensor.zeros(input.shape) }
}

/// The Jacobian-vector product `J v` of `output` with respect to `inputs`, shaped like `output`.
///
/// It is exact: the VJP `u -> J^T u` is recorded with `createGraph` (it is linear in `u`), and
/// differentiating `<J^T u, v>` with respect to `u` gives `J v` (the "double-vjp trick").
/// - Parameter v: One tangent per input, each shaped like its input.
public func jvp(of output: Variable, wrt inputs: [Variable], v: [Tensor]) throws -> Tensor {
    guard v.count == inputs.count else {
        throw OpError.value("jvp: expected \(inputs.count) tangents (one per input), got \(v.count)")
    }
    for (input, t) in zip(inputs, v) where input.shape != t.shape {
        throw OpError.shape("jvp: a tangent has shape \(describe(shape: t.shape)) but its input has shape \(describe(shape: input.shape))")
    }
    guard let transposed = try TransposedVJP(output: output, inputs: inputs) else { return Tensor.zeros(output.shape) }
    let pairs = zip(transposed.grads, v).compactMap { g, t in g.map { ($0, Variable(t)) } }
    guard !pairs.isEmpty else { return Tensor.zeros(output.shape) }
    let result = try grad(outputs: pairs.map(\.0), inputs: [transposed.u], gradOutputs: pairs.map(\.1),
                          retainGraph: true, allowUnused: true)
    return result[0]?.value ?? Tensor.zeros(output.shape)
}

/// The full Jacobian of `output` with respect to each input, like
/// `torch.autograd.functional.jacobian`: entry `i` has shape `output.shape + inputs[i].shape`,
/// rows = output elements, columns = input elements.
///
/// The forward pass is not repeated: each row (reverse mode) or column (forward mode) is one
/// pass over the same retained graph, and in reverse mode rows go through in batches when every
/// op on the way has a batched rule. An input the output does not depend on gets zeros.
public func jacobian(of output: Variable, wrt inputs: [Variable], mode: JacobianMode = .auto) throws -> [Tensor] {
    try jacobianWithMethod(of: output, wrt: inputs, mode: mode).blocks
}

/// How a Jacobian was computed, as `jacobian` reports it: the mode and why.
public struct JacobianMethod: Equatable {
    /// `reverse` (rows by backward passes) or `forward` (columns by Jacobian-vector products).
    public let mode: String
    /// Why, with the counts: `3 input elements < 100 output elements: one Jacobian-vector product per input element`.
    public let reason: String
}

/// The Jacobian, as `jacobian(of:wrt:mode:)`, with the method used.
public func jacobianWithMethod(of output: Variable, wrt inputs: [Variable],
                               mode: JacobianMode = .auto) throws -> (blocks: [Tensor], method: JacobianMethod) {
    let outCount = output.value.count
    let inCounts = inputs.map(\.value.count)
    let inTotal = inCounts.reduce(0, +)
    for input in inputs { _ = try Tensor.checkedCount(of: output.shape + input.shape) }
    var blocks = inputs.map { Tensor.zeros(output.shape + $0.shape) }
    let reverse: Bool
    switch mode {
    case .auto: reverse = outCount <= inTotal
    case .reverse: reverse = true
    case .forward: reverse = false
    }
    func counted(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }
    let outputs = counted(outCount, "output element"), inputElements = counted(inTotal, "input element")
    func method(batched: Bool = false) -> JacobianMethod {
        reverse ? JacobianMethod(mode: "reverse", reason: "\(outputs) <= \(inputElements): "
                                    + (batched ? "all rows batched through one backward pass" : "one backward pass per output element"))
                : JacobianMethod(mode: "forward", reason: "\(inputElements) < \(outputs): one Jacobian-vector product per input element")
    }
    guard output.requiresGrad, outCount > 0 else { return (blocks, method()) }
    // Each pass walks the graph the forward pass built: about its cost, which is what the
    // request has spent so far. The whole Jacobian is checked against the budget first.
    let passes = reverse ? outCount : inCounts.reduce(0, +)
    try WorkBudget.require(WorkBudget.product(passes, Swift.max(WorkBudget.spent, 1)),
                           for: "this Jacobian (\(passes) \(reverse ? "backward" : "forward") passes)")
    if reverse {
        // Rows in batches where every op on the way has a batched rule; else one pass per row.
        if let batched = try batchedJacobian(of: output, wrt: inputs) { return (batched, method(batched: true)) }
        for row in 0..<outCount {
            let grads = try grad(outputs: [output], inputs: inputs, gradOutputs: [oneHot(output.shape, row)],
                                 retainGraph: true, allowUnused: true)
            for (i, g) in grads.enumerated() {
                guard let g else { continue }
                blocks[i].data.replaceSubrange(row * inCounts[i]..<(row + 1) * inCounts[i], with: g.value.data)
            }
        }
        return (blocks, method())
    }
    guard let transposed = try TransposedVJP(output: output, inputs: inputs) else { return (blocks, method()) }
    for (i, g) in transposed.grads.enumerated() {
        guard let g else { continue }
        for column in 0..<inCounts[i] {
            let result = try grad(outputs: [g], inputs: [transposed.u], gradOutputs: [oneHot(g.shape, column)],
                                  retainGraph: true, allowUnused: true)
            guard let dColumn = result[0] else { continue }
            for row in 0..<outCount { blocks[i].data[row * inCounts[i] + column] = dColumn.value.data[row] }
        }
    }
    return (blocks, method())
}

/// The Hessian of a one-element `output`: block `[i][j]` has shape
/// `inputs[i].shape + inputs[j].shape` and holds the second derivatives with respect to
/// elements of input `i` (rows) and input `j` (columns), like `torch.autograd.functional.hessian`.
///
/// The gradient is computed once with `createGraph`, then differentiated row by row.
public func hessian(of output: Variable, wrt inputs: [Variable]) throws -> [[Tensor]] {
    guard output.value.count == 1 else {
        throw OpError.value("The Tensor returned by the function given to hessian should contain a single element")
    }
    for a in inputs { for b in inputs { _ = try Tensor.checkedCount(of: a.shape + b.shape) } }
    let zeros = inputs.map { a in inputs.map { b in Tensor.zeros(a.shape + b.shape) } }
    guard output.requiresGrad else { return zeros }
    let grads = try grad(outputs: [output], inputs: inputs, createGraph: true, allowUnused: true)
    return try zip(grads, zeros).map { g, zeroRow in
        guard let g else { return zeroRow }
        return try jacobian(of: g, wrt: inputs)
    }
}

// MARK: - Closure forms

/// Builds one leaf per tensor (each requiring grad), runs `f` on them and returns the leaves
/// with the output, so the functional forms share their set-up.
private func leaves(_ inputs: [Tensor], _ f: ([Variable]) throws -> Variable) throws -> ([Variable], Variable) {
    let xs = inputs.map { Variable($0, requiresGrad: true) }
    return (xs, try GradMode.with(enabled: true) { try f(xs) })
}

/// The value of `f` at `inputs` and the vector-Jacobian product `v^T J` for each input.
public func vjp(_ f: ([Variable]) throws -> Variable, at inputs: [Tensor],
                v: Tensor? = nil) throws -> (value: Tensor, vjp: [Tensor]) {
    let (xs, out) = try leaves(inputs, f)
    return (out.value, try vjp(of: out, wrt: xs, v: v))
}

/// The value of `f` at `inputs` and the Jacobian-vector product `J v` (exact, see `jvp(of:wrt:v:)`).
public func jvp(_ f: ([Variable]) throws -> Variable, at inputs: [Tensor],
                v: [Tensor]) throws -> (value: Tensor, jvp: Tensor) {
    let (xs, out) = try leaves(inputs, f)
    return (out.value, try jvp(of: out, wrt: xs, v: v))
}

/// The Jacobian of `f` at `inputs`, one block of shape `output.shape + input.shape` per input.
public func jacobian(_ f: ([Variable]) throws -> Variable, at inputs: [Tensor],
                     mode: JacobianMode = .auto) throws -> [Tensor] {
    let (xs, out) = try leaves(inputs, f)
    return try jacobian(of: out, wrt: xs, mode: mode)
}

/// The Hessian of a scalar `f` at `inputs`, blocks `[i][j]` of shape `input_i.shape + input_j.shape`.
public func hessian(_ f: ([Variable]) throws -> Variable, at inputs: [Tensor]) throws -> [[Tensor]] {
    let (xs, out) = try leaves(inputs, f)
    return try hessian(of: out, wrt: xs)
}

// MARK: - Helpers

/// The VJP `u -> J^T u` recorded with `createGraph` for a dummy `u` shaped like the output.
/// Differentiating its results with respect to `u` gives columns of `J`: forward mode
/// without a separate tangent implementation.
private struct TransposedVJP {
    let u: Variable
    /// `J^T u` for each input; nil where the input is unused or the product does not depend on `u`.
    let grads: [Variable?]

    /// Nil when `output` does not require grad (its Jacobian is zero).
    init?(output: Variable, inputs: [Variable]) throws {
        guard output.requiresGrad else { return nil }
        // The value of u is irrelevant (the VJP is linear in it); zeros as in PyTorch.
        u = Variable(Tensor.zeros(output.shape), requiresGrad: true)
        let raw = try grad(outputs: [output], inputs: inputs, gradOutputs: [u], createGraph: true, allowUnused: true)
        grads = raw.map { g in g.flatMap { $0.requiresGrad ? $0 : nil } }
    }
}

/// A tensor of `shape` that is 1 at row-major `offset` and 0 elsewhere, as a constant.
private func oneHot(_ shape: [Int], _ offset: Int) -> Variable {
    var t = Tensor.zeros(shape)
    t.data[offset] = 1
    return Variable(t)
}

private func mismatch(_ given: [Int], _ expected: [Int]) -> OpError { shapeMismatch(given, expected) }
