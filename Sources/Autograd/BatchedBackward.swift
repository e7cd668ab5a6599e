// Jacobian rows in batches: one backward pass carries a batch of one-hot cotangents (a leading
// dimension of size C on every gradient, as `vmap` over `vjp` does), so an n-row Jacobian costs
// about n / C passes instead of n, and the per-row products become matrix products (the
// Jacobian of `tanh(W @ x)` is one matrix product). Only ops with a batched rule take part;
// a graph through any other op is left to one pass per row.

/// A vector-Jacobian product for a cotangent with a leading batch dimension: `g` has shape
/// `[C] + output.shape` and each gradient comes back as `[C]` followed by a shape that folds
/// onto its input the way the plain VJP's does (the broadcast shape, or the input's own).
/// Nil when the rule cannot batch these particular inputs.
public typealias BatchedVJP = (VJPContext, Variable) throws -> [Variable?]?

/// The largest number of elements one batched gradient may hold: bounds the extra memory a
/// batch costs over a single row.
private let batchedGradientElements = 1 << 22

/// The Jacobian blocks of `output` with respect to the leaves `inputs` (`output.shape +
/// input.shape` each), or nil when the graph cannot be run in batches (a node without a batched
/// rule, a non-leaf input, a released graph, a non-finite result): the caller then runs one
/// pass per row, which also reports errors and non-finite values as a plain backward does.
///
/// The pass keeps its scratch state (pending gradients, dependency counts) in local tables,
/// not on the nodes, and leaves the graph as it found it.
func batchedJacobian(of output: Variable, wrt inputs: [Variable]) throws -> [Tensor]? {
    guard let root = output.gradFn, inputs.allSatisfy(\.isLeaf) else { return nil }
    guard let order = batchableOrder(from: root) else { return nil }
    let rows = output.value.count
    var largest = max(rows, 1)
    for fn in order {
        largest = max(largest, Tensor.count(of: fn.resultShape))
        for input in fn.inputs { largest = max(largest, Tensor.count(of: input.shape)) }
    }
    let chunk = max(1, min(rows, batchedGradientElements / largest))
    let targets = inputs.map(ObjectIdentifier.init)
    let inCounts = inputs.map(\.value.count)
    var blocks = inputs.map { Tensor.zeros(output.shape + $0.shape) }
    let finished: Bool = try GradMode.with(enabled: false) {
        var first = 0
        while first < rows {
            let size = min(chunk, rows - first)
            guard let captured = try batchedPass(order, seed: oneHotRows(output.shape, first, size), targets: targets) else {
                return false
            }
            for (i, g) in captured.enumerated() {
                guard let g else { continue }
                let range = first * inCounts[i]..<(first + size) * inCounts[i]
                blocks[i].data.replaceSubrange(range, with: g.value.data)
            }
            first += size
        }
        return true
    }
    guard finished, blocks.allSatisfy(\.isFinite) else { return nil }
    return blocks
}

/// The nodes reachable from `root`, each after every node that feeds it a gradient, or nil
/// when one of them has no batched rule, was released by an earlier backward, or was made
/// before an in-place update: the plain pass then checks what the node saved and follows the
/// edges it had when it was made (an input's node now may be the update's).
private func batchableOrder(from root: GradFn) -> [GradFn]? {
    var dependencies: [ObjectIdentifier: Int] = [ObjectIdentifier(root): 0]
    var stack = [root], all: [GradFn] = []
    let modifications = ThreadState.current.modifications
    while let fn = stack.popLast() {
        guard !fn.released, fn.spec.batchedVJP != nil, fn.madeAfterModifications == modifications else { return nil }
        all.append(fn)
        for input in fn.inputs {
            guard let next = input.gradFn else { continue }
            let id = ObjectIdentifier(next)
            if let count = dependencies[id] {
                dependencies[id] = count + 1
            } else {
                dependencies[id] = 1
                stack.append(next)
            }
        }
    }
    var ready = [root], order: [GradFn] = []
    order.reserveCapacity(all.count)
    while let fn = ready.popLast() {
        order.append(fn)
        for input in fn.inputs {
            guard let next = input.gradFn else { continue }
            let id = ObjectIdentifier(next)
            let count = dependencies[id]! - 1
            dependencies[id] = count
            if count == 0 { ready.append(next) }
        }
    }
    return order
}

/// `size` one-hot rows of the output: row `c` is 1 at output element `first + c`.
private func oneHotRows(_ shape: [Int], _ first: Int, _ size: Int) -> Variable {
    let count = Tensor.count(of: shape)
    var seed = Tensor.zeros([size] + shape)
    for c in 0..<size { seed.data[c * count + first + c] = 1 }
    return Variable(seed)
}

/// One backward pass over `order` from `seed` (shape `[C] + output.shape`), returning the
/// gradient of each target leaf (shape `[C] + leaf.shape`, nil when none reached it), or nil
/// when a rule declines its inputs or returns a shape that does not fold.
private func batchedPass(_ order: [GradFn], seed: Variable, targets: [ObjectIdentifier]) throws -> [Variable?]? {
    let size = seed.shape[0]
    var pending: [ObjectIdentifier: Variable] = [ObjectIdentifier(order[0]): seed]
    var captured: [ObjectIdentifier: Variable] = [:]
    for fn in order {
        guard let g = pending.removeValue(forKey: ObjectIdentifier(fn)), let rule = fn.spec.batchedVJP else { continue }
        guard let grads = try rule(VJPContext(node: fn, createGraph: false), g) else { return nil }
        for (input, grad) in zip(fn.inputs, grads) where input.requiresGrad {
            guard let grad else { continue }
            guard var folded = try fold(grad, onto: input.shape, batch: size) else { return nil }
            // A gradient has its input's dtype, as the engine casts it.
            if folded.dtype != input.dtype { folded = try folded.to(input.dtype) }
            if let next = input.gradFn {
                let id = ObjectIdentifier(next)
                pending[id] = try Engine.accumulate(pending[id], folded, createGraph: false)
            } else {
                let id = ObjectIdentifier(input)
                if targets.contains(id) { captured[id] = try Engine.accumulate(captured[id], folded, createGraph: false) }
            }
        }
    }
    return targets.map { captured[$0] }
}

/// A batched gradient summed onto `[batch] + shape`, the batched form of the engine's
/// `sumToSize(input.shape)`; nil when its shape does not fold there.
private func fold(_ grad: Variable, onto shape: [Int], batch: Int) throws -> Variable? {
    let target = [batch] + shape
    if grad.shape == target { return grad }
    // Zeros of the input's own shape (a rule whose gradient ignores the cotangent, such as a
    // step function's) hold for every row.
    if grad.shape == shape && grad.value.data.allSatisfy({ $0 == 0 }) { return try grad.expand(target) }
    guard let first = grad.shape.first, first == batch, grad.shape.count - 1 >= shape.count else { return nil }
    let padded = [batch] + Array(repeating: 1, count: grad.shape.count - 1 - shape.count) + shape
    guard Tensor.broadcastShape(padded, grad.shape) == grad.shape else { return nil }
    return try grad.sumToSize(padded).reshaped(to: target)
}
