import CKernels
import Glibc

// Binary cross-entropy on probabilities and on logits, with PyTorch's optional `weight`
// (rescales each element's loss) and, on logits, `pos_weight` (rescales the positive term).
// Both broadcast to the input's shape. PyTorch refuses to differentiate them, so they get
// no gradient.

extension Ops {
    static let lossWeight = Param("weight", .tensor, default: AttrValue.none)

    /// An optional loss weight broadcast to the input's shape.
    static func broadcastWeight(_ weight: Tensor?, _ name: String, to shape: [Int]) throws -> Tensor? {
        guard let weight else { return nil }
        guard Tensor.broadcastShape(weight.shape, shape) == shape else {
            throw OpError.shape("\(name) of shape \(describe(shape: weight.shape)) cannot be broadcast to the input's shape \(describe(shape: shape))")
        }
        return weight.shape == shape ? weight : try weight.expanded(to: shape)
    }

    /// A binary cross-entropy's elementwise `gradient` finished in PyTorch's order: times the
    /// weight, then divided by the count for a mean. The weight gets no gradient, so it enters as
    /// a constant (else Hessians would be lopsided).
    static func lossGradient(_ gradient: Variable, _ ctx: VJPContext) throws -> Variable {
        var r = gradient
        if let w = ctx.optional("weight")?.detached() { r = try r * w }
        if try reductionName(ctx.attrs) == "mean" { r = try r / Variable(Double(Tensor.count(of: ctx[0].shape))) }
        return r
    }

    /// `binary_cross_entropy(input, target, weight=None, reduction='mean')` on probabilities in [0, 1].
    public static let binaryCrossEntropy = OpSpec(
        "binary_cross_entropy", params: [input, target, lossWeight] + legacyReductionFlags + [reduction], gradFn: "BinaryCrossEntropyBackward0",
        summary: "-weight * (target * log(input) + (1 - target) * log(1 - input)), logs clamped to >= -100",
        kinks: "each log is clamped to >= -100 and the input gradient's denominator to >= 1e-12, as in PyTorch",
        samples: [OpSample([[3, 2], [3, 2]], range: 0.1...0.9),
                  OpSample([[4], [4]], attrs: Attrs(["reduction": .string("none")]), range: 0.1...0.9),
                  OpSample([[3, 2], [3, 2], [2]], range: 0.1...0.9, constantInputs: [2])],
        dtype: .floating,
        forward: { args in
            let x = args[0], t = args[1]
            guard x.shape == t.shape else {
                throw OpError.shape("Using a target size (\(describe(shape: t.shape))) that is different to the input size (\(describe(shape: x.shape))) is deprecated. Please ensure they have the same size.")
            }
            guard x.data.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw OpError.value("all elements of input should be between 0 and 1") }
            // A target outside [0, 1] (or NaN) is PyTorch's error too, not a loss.
            guard t.data.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw OpError.value("all elements of target should be between 0 and 1") }
            if args.dtype.isFloat32 {
                // PyTorch's float kernel with the C library's log1pf and logf, then its float sum.
                var losses = try Tensor.zip(x, t) { a, b in
                    let p = Float(a), y = Float(b)
                    return Double((y - 1) * Swift.max(Glibc.log1pf(-p), -100) - y * Swift.max(Glibc.logf(p), -100))
                }
                if let w = try broadcastWeight(args.optional("weight"), "weight", to: x.shape) {
                    losses = try Tensor.zip(losses, w) { Double(Float($0) * Float($1)) }
                }
                return try reduce(losses, args.attrs, dtype: .float32)
            }
            var losses = try Tensor.zip(x, t) { p, y in
                (y - 1) * Swift.max(Glibc.log1p(-p), -100) - y * Swift.max(Glibc.log(p), -100)
            }
            if let w = try broadcastWeight(args.optional("weight"), "weight", to: x.shape) { losses = try Tensor.zip(losses, w, *) }
            return try reduce(losses, args.attrs)
        },
        derivative: .vjp { ctx, g in
            // Loss.cpp's binary_cross_entropy_backward and FunctionsManual.cpp's _target_backward.
            let x = ctx[0], t = ctx[1]
            // PyTorch's floor on the denominator is the float32 constant 1e-12.
            let gx = try lossGradient(g * (x - t) / ((1 - x) * x).clamp(min: Double(Float(1e-12))), ctx)
            // -logit(input) * grad: PyTorch leaves the target's logs unclamped.
            let gt = try lossGradient(-apply(logit, [x]) * g, ctx)
            return [gx, gt, nil]
        })

    /// `binary_cross_entropy_with_logits(input, target, weight=None, reduction='mean',
    /// pos_weight=None)`: sigmoid and binary cross-entropy in one stable step.
    public static let binaryCrossEntropyWithLogits = OpSpec(
        "binary_cross_entropy_with_logits",
        params: [input, target, lossWeight] + legacyReductionFlags + [reduction, Param("pos_weight", .tensor, default: AttrValue.none)],
        gradFn: "BinaryCrossEntropyWithLogitsBackward0",
        summary: "binary_cross_entropy(sigmoid(input), target), stable; pos_weight scales the positive term",
        samples: [OpSample([[3, 2], [3, 2]]), OpSample([[4], [4]], attrs: Attrs(["reduction": .string("sum")])),
                  OpSample([[3, 2], [3, 2], [3, 1]], constantInputs: [2]),
                  OpSample([[3, 2], [3, 2], [2]], attrs: Attrs(["weight": .bool(false), "pos_weight": .bool(true)]),
                           range: 0.2...2, constantInputs: [2]),
                  OpSample([[3, 2], [3, 2], [2], [2]], attrs: Attrs(["reduction": .string("none")]),
                           range: 0.2...2, constantInputs: [2, 3])],
        dtype: .floating,
        forward: { args in
            let x = args[0], t = args[1]
            guard x.shape == t.shape else {
                throw OpError.shape("Target size (\(describe(shape: t.shape))) must be the same as input size (\(describe(shape: x.shape)))")
            }
            return try composedBCEWithLogits(args, x, t)
        },
        derivative: .vjp { ctx, g in
            // FunctionsManual.cpp's binary_cross_entropy_with_logits_backward and _target_backward:
            // the elementwise factor times grad, then lossGradient (pos_weight, too, is a constant).
            let x = ctx[0], t = ctx[1]
            guard let pw = ctx.optional("pos_weight")?.detached() else {
                return [try lossGradient((x.sigmoid() - t) * g, ctx), try lossGradient(-x * g, ctx), nil, nil]
            }
            let pt = try pw * t
            let gx = try lossGradient(((pt + 1 - t) * x.sigmoid() - pt) * g, ctx)
            let gt = try lossGradient(((-x).logsigmoid() - x.logsigmoid() * pw) * g, ctx)
            return [gx, gt, nil, nil]
        })
}

extension Ops {
    /// binary_cross_entropy_with_logits as PyTorch's Loss.cpp composes it, each step rounded to the
    /// dtype: (1 - target) * input - logsigmoid(input) * ((pos_weight - 1) * target + 1), times weight.
    static func composedBCEWithLogits(_ args: ForwardArgs, _ x: Tensor, _ t: Tensor) throws -> Tensor {
        // One rounding per step (in double, exact before the rounding to float for one + - *).
        let round: (Double) -> Double = args.dtype.isFloat32 ? { Double(Float($0)) } : { $0 }
        func f(_ a: Tensor, _ b: Tensor, _ op: @escaping (Double, Double) -> Double) throws -> Tensor {
            try Tensor.zip(a, b) { round(op(round($0), round($1))) }
        }
        func plus(_ a: Tensor, _ c: Double, _ sign: Double) -> Tensor { a.map { round(c + sign * round($0)) } }
        var logSigmoid = args.dtype.isFloat32 ? TorchFloat32Math.unary(x, GK_F32_LOGSIGMOID) : TorchFloat64Math.activation(x, GK_F64_LOGSIGMOID)
        if let pw = try broadcastWeight(args.optional("pos_weight"), "pos_weight", to: x.shape) {
            logSigmoid = try f(logSigmoid, plus(f(plus(pw, -1, 1), t, *), 1, 1), *)
        }
        var losses = try f(f(plus(t, 1, -1), x, *), logSigmoid, -)
        if let w = try broadcastWeight(args.optional("weight"), "weight", to: x.shape) { losses = try f(losses, w, *) }
        return try reduce(losses, args.attrs, dtype: args.dtype)
    }
}

extension Variable {
    /// The binary cross-entropy of probabilities `self` against `target`, each element's
    /// loss scaled by `weight` (broadcast to the input's shape).
    public func binaryCrossEntropy(_ target: Variable, weight: Variable? = nil, reduction: String = "mean") throws -> Variable {
        try apply(Ops.binaryCrossEntropy, [self, target, weight], Attrs(["reduction": .string(reduction)]))
    }

    /// The binary cross-entropy of logits `self` against `target`; `weight` scales each
    /// element's loss, `posWeight` the positive term (both broadcast to the input's shape).
    public func binaryCrossEntropyWithLogits(_ target: Variable, weight: Variable? = nil, reduction: String = "mean",
                                             posWeight: Variable? = nil) throws -> Variable {
        try apply(Ops.binaryCrossEntropyWithLogits, [self, target, weight, posWeight], Attrs(["reduction": .string(reduction)]))
    }
}
