// gradcheck: autograd's Jacobian against central finite differences, like
// `torch.autograd.gradcheck`, plus kink detection and a second-order check.

/// Tolerances and step of a gradient check; the defaults are PyTorch's.
public struct GradcheckOptions: Equatable {
    /// The finite-difference step.
    public var eps: Double
    /// The absolute tolerance.
    public var atol: Double
    /// The relative tolerance, applied to the numerical value.
    public var rtol: Double
    /// Whether a NaN agrees with a NaN at the same place (`torch.allclose(equal_nan=True)`);
    /// otherwise a NaN never agrees.
    public var equalNaN: Bool

    /// Creates options; the defaults are `torch.autograd.gradcheck`'s.
    public init(eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-3, equalNaN: Bool = false) {
        self.eps = eps
        self.atol = atol
        self.rtol = rtol
        self.equalNaN = equalNaN
    }

    /// True when `analytical` is within tolerance of `numerical`:
    /// `|a - n| <= atol + rtol * |n|`. Equal values (also equal infinities) always agree;
    /// two NaNs only with `equalNaN`.
    public func agree(_ analytical: Double, _ numerical: Double) -> Bool {
        same(analytical, numerical) || Swift.abs(analytical - numerical) <= atol + rtol * Swift.abs(numerical)
    }

    /// Equal, or both NaN under `equalNaN`: the error is zero.
    func same(_ a: Double, _ b: Double) -> Bool { a == b || (equalNaN && a.isNaN && b.isNaN) }
}

/// A Jacobian element where the function has a kink: its one-sided difference quotients
/// `(f(x+eps) - f(x)) / eps` and `(f(x) - f(x-eps)) / eps` disagree, so the central
/// difference is not a derivative and a mismatch there is not a bare failure.
public struct GradcheckKink: Equatable {
    /// Which checked input (its position in the function's input list).
    public let input: Int
    /// The index into the Jacobian block: output index followed by input index
    /// (just the input index for a one-element output).
    public let index: [Int]
    /// The slope from the left, `(f(x) - f(x-eps)) / eps`.
    public let leftSlope: Double
    /// The slope from the right, `(f(x+eps) - f(x)) / eps`.
    public let rightSlope: Double
    /// What autograd gives there (its convention at the kink).
    public let analytical: Double
    /// The central difference, for reference.
    public let numerical: Double
    /// True when the analytical value lies between the one-sided slopes (within tolerance),
    /// as every one of PyTorch's conventions does (0 for relu, abs; 1 for clamp at a bound;
    /// an even split for ties). Such an element does not fail the check.
    public let isConsistent: Bool
}

/// The outcome of checking one input.
public struct GradcheckInputResult {
    /// The position of the input in the function's input list.
    public let input: Int
    /// True when every element agrees or sits on a consistent kink.
    public let passed: Bool
    /// Autograd's Jacobian block, shape `output.shape + input.shape`.
    public let analytical: Tensor
    /// The central-difference Jacobian block, same shape.
    public let numerical: Tensor
    /// The index of the element that is furthest outside tolerance (relative to its tolerance);
    /// consistent kinks are left out. Empty when nothing else remains.
    public let worstIndex: [Int]
    /// The largest `|a - n|` over the elements compared (consistent kinks left out).
    public let maxAbsError: Double
    /// The largest `|a - n| / |n|` over the elements compared (0 where both are 0).
    public let maxRelError: Double
    /// Elements where the function has a kink.
    public let kinks: [GradcheckKink]
}

/// The outcome of `gradcheck`: one result per checked input.
public struct GradcheckResult {
    /// True when every checked input passed.
    public var passed: Bool { inputs.allSatisfy(\.passed) }
    /// One result per checked input, in input order.
    public let inputs: [GradcheckInputResult]
    /// Every kink found, across inputs.
    public var kinks: [GradcheckKink] { inputs.flatMap(\.kinks) }
}

/// Compares autograd's Jacobian of `f` at `inputs` with central finite differences
/// `(f(x+eps) - f(x-eps)) / (2 eps)`, element by element, like `torch.autograd.gradcheck`.
///
/// An element passes iff `|a - n| <= atol + rtol * |n|`. For a non-scalar output the full
/// Jacobian is compared. Where an element fails and its one-sided differences disagree, the
/// result reports a kink (both slopes and the analytical value) instead of a bare failure.
///
/// - Parameters:
///   - f: Builds the output from leaves; it is called once for the analytical Jacobian and
///     three times per checked input element (at x, x+eps and x-eps).
///   - wrt: The input positions to check (and to mark as requiring grad); all by default.
///     The others are passed as constants.
public func gradcheck(_ f: ([Variable]) throws -> Variable, at inputs: [Tensor], wrt: [Int]? = nil,
                      options: GradcheckOptions = GradcheckOptions()) throws -> GradcheckResult {
    let checked = wrt ?? Array(inputs.indices)
    func evaluate(_ xs: [Tensor]) throws -> Tensor {
        let vars = xs.enumerated().map { i, x in Variable(x, requiresGrad: checked.contains(i)) }
        return try GradMode.with(enabled: true) { try f(vars) }.value
    }
    let leaves = inputs.enumerated().map { i, x in Variable(x, requiresGrad: checked.contains(i)) }
    let output = try GradMode.with(enabled: true) { try f(leaves) }
    let analytical = try jacobian(of: output, wrt: checked.map { leaves[$0] })
    let center = output.value
    var results: [GradcheckInputResult] = []
    for (k, i) in checked.enumerated() {
        var numerical = Tensor.zeros(center.shape + inputs[i].shape)
        var left = numerical, right = numerical
        let n = inputs[i].count
        for j in 0..<n {
            var shifted = inputs
            shifted[i].data[j] = inputs[i].data[j] + options.eps
            let plus = try evaluate(shifted)
            shifted[i].data[j] = inputs[i].data[j] - options.eps
            let minus = try evaluate(shifted)
            guard plus.shape == center.shape, minus.shape == center.shape else {
                throw OpError.shape("gradcheck: the output shape changed under a perturbation of input \(i)")
            }
            for row in 0..<center.count {
                numerical.data[row * n + j] = (plus.data[row] - minus.data[row]) / (2 * options.eps)
                right.data[row * n + j] = (plus.data[row] - center.data[row]) / options.eps
                left.data[row * n + j] = (center.data[row] - minus.data[row]) / options.eps
            }
        }
        results.append(compare(input: i, analytical: analytical[k], numerical: numerical,
                               left: left, right: right, options: options))
    }
    return GradcheckResult(inputs: results)
}

/// A second-order check, like `torch.autograd.gradgradcheck`: for a fixed random `v` shaped
/// like the output, it gradchecks each map `x -> (v^T J(x))_i`, whose analytical derivative
/// comes from double backward through the VJP rules (`createGraph`).
///
/// The VJP is linear in `v`, so its derivative with respect to `v` is `J^T` itself, which the
/// first-order check already covers; only the inputs are perturbed here.
/// The results come in pairs `(i, j)`, `i` the gradient and `j` the perturbed input, both
/// running over the checked inputs: `inputs[i * checked + j]` (its `input` field is `j`).
/// - Parameter seed: Fixes `v`, drawn uniformly from [-1, 1).
public func gradgradcheck(_ f: ([Variable]) throws -> Variable, at inputs: [Tensor], wrt: [Int]? = nil,
                          seed: UInt64 = 0, options: GradcheckOptions = GradcheckOptions()) throws -> GradcheckResult {
    let checked = wrt ?? Array(inputs.indices)
    let shape = try GradMode.with(enabled: false) { try f(inputs.map { Variable($0) }) }.shape
    var generator = RandomGenerator(seed: seed)
    let v = Variable(Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in 2 * generator.nextUniform() - 1 }))
    var results: [GradcheckInputResult] = []
    for i in checked {
        let firstOrder = { (xs: [Variable]) throws -> Variable in
            let out = try f(xs)
            guard out.requiresGrad else { return Variable(Tensor.zeros(xs[i].shape)) }
            let g = try grad(outputs: [out], inputs: [xs[i]], gradOutputs: [v], createGraph: true, allowUnused: true)[0]
            return g ?? Variable(Tensor.zeros(xs[i].shape))
        }
        let result = try gradcheck(firstOrder, at: inputs, wrt: checked, options: options)
        results += result.inputs
    }
    return GradcheckResult(inputs: results)
}

/// How far one tensor is from another, element by element, under gradcheck's tolerance.
public struct TensorComparison: Equatable {
    /// True when every element compared agrees: `|a - e| <= atol + rtol * |e|`.
    public let passed: Bool
    /// The element furthest outside tolerance relative to its tolerance; empty when none was compared.
    public let worstIndex: [Int]
    /// The largest `|a - e|` (NaN when any element is NaN on one side only).
    public let maxAbsError: Double
    /// The largest `|a - e| / |e|` (0 where both are 0, infinite where only `e` is 0).
    public let maxRelError: Double
}

/// Compares `actual` with `expected` (a hand-derived derivative, say) under `options`'
/// tolerance, as gradcheck compares analytical with numerical values.
/// - Throws: `OpError.shape` when the shapes differ.
public func compare(_ actual: Tensor, to expected: Tensor,
                    options: GradcheckOptions = GradcheckOptions()) throws -> TensorComparison {
    guard actual.shape == expected.shape else {
        throw OpError.shape("expected a tensor of shape \(describe(shape: expected.shape)), got \(describe(shape: actual.shape))")
    }
    var stats = ToleranceStats()
    for e in 0..<actual.count { stats.add(offset: e, actual.data[e], expected.data[e], options) }
    return stats.result(shape: actual.shape)
}

/// Running maxima of the errors of compared elements, under one tolerance and one NaN policy
/// (`GradcheckOptions.equalNaN`): the statistics of gradcheck and of a check against a
/// hand-derived derivative alike.
public struct ToleranceStats {
    var passed = true
    var maxAbs = 0.0, maxRel = 0.0
    var worst: (offset: Int, ratio: Double)?

    public init() {}

    /// Adds the element at `offset`: `a` the actual (autograd) value, `n` the reference.
    public mutating func add(offset: Int, _ a: Double, _ n: Double, _ options: GradcheckOptions) {
        if !options.agree(a, n) { passed = false }
        let absError = options.same(a, n) ? 0 : Swift.abs(a - n)
        let relError = absError == 0 ? 0 : absError / Swift.abs(n)
        // NaN compares false everywhere: it sticks in the maxima and ranks as the worst error.
        let ratio = absError.isNaN ? Double.infinity : absError / (options.atol + options.rtol * Swift.abs(n))
        maxAbs = maxAbs.isNaN || absError.isNaN ? .nan : Swift.max(maxAbs, absError)
        maxRel = maxRel.isNaN || relError.isNaN ? .nan : Swift.max(maxRel, relError)
        if worst == nil || ratio > worst!.ratio { worst = (offset, ratio) }
    }

    /// The comparison so far; `shape` places the worst element.
    public func result(shape: [Int]) -> TensorComparison {
        let strides = Tensor.strides(of: shape)
        let index = worst.map { w in zip(strides, shape).map { stride, size in (w.offset / stride) % Swift.max(size, 1) } }
        return TensorComparison(passed: passed, worstIndex: index ?? [], maxAbsError: maxAbs, maxRelError: maxRel)
    }
}

/// Compares one Jacobian block element by element and classifies the failures.
private func compare(input: Int, analytical: Tensor, numerical: Tensor, left: Tensor, right: Tensor,
                     options: GradcheckOptions) -> GradcheckInputResult {
    var stats = ToleranceStats()
    var kinks: [GradcheckKink] = []
    for e in 0..<analytical.count {
        let a = analytical.data[e], n = numerical.data[e]
        if !options.agree(a, n), !options.agree(right.data[e], left.data[e]) {
            let l = left.data[e], r = right.data[e]
            // Outside the domain on one side (NaN) there is no interval to be consistent with.
            let consistent = !l.isNaN && !r.isNaN && !a.isNaN
                && options.agree(a, Swift.max(Swift.min(l, r), Swift.min(Swift.max(l, r), a)))
            kinks.append(GradcheckKink(input: input, index: analytical.index(ofOffset: e), leftSlope: l,
                                       rightSlope: r, analytical: a, numerical: n, isConsistent: consistent))
            if consistent { continue }
        }
        stats.add(offset: e, a, n, options)
    }
    let c = stats.result(shape: analytical.shape)
    return GradcheckInputResult(input: input, passed: c.passed, analytical: analytical, numerical: numerical,
                                worstIndex: c.worstIndex, maxAbsError: c.maxAbsError, maxRelError: c.maxRelError,
                                kinks: kinks)
}
