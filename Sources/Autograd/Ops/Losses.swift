import Glibc

// Loss functions with PyTorch's semantics: `reduction` is 'mean' (the default), 'sum' or
// 'none'. Forwards are computed directly on tensors (stably); VJPs use differentiable ops, so
// second derivatives of a loss work. Targets get gradients wherever PyTorch gives them one.

extension Ops {
    static let losses: [OpSpec] = [mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy,
                                   binaryCrossEntropyWithLogits, crossEntropy, nllLoss]

    static let target = Param("target", .tensor)
    static let reduction = Param("reduction", .string(choices: ["none", "mean", "sum"]), default: .string("mean"))
    /// PyTorch's deprecated `size_average` and `reduce`, still the third and fourth positional
    /// parameters of most losses: the language turns them into `reduction` as PyTorch does
    /// (`F.mse_loss(x, y, 'sum')` is a mean: the string is a true `size_average`).
    static let legacyReductionFlags = [Param("size_average", .bool, default: AttrValue.none), Param("reduce", .bool, default: AttrValue.none)]

    /// The `reduction` attribute, checked.
    static func reductionName(_ attrs: Attrs) throws -> String {
        let name = attrs.string("reduction") ?? "mean"
        guard ["none", "mean", "sum"].contains(name) else { throw OpError.value("\(name) is not a valid value for reduction") }
        return name
    }

    /// Elementwise losses reduced as `reduction` asks.
    /// In float32 (`dtype`) the losses are rounded to float32 first and summed in PyTorch's order.
    static func reduce(_ losses: Tensor, _ attrs: Attrs, dtype: DType = .float64) throws -> Tensor {
        let name = try reductionName(attrs)
        if name == "none" { return losses }
        // `loss.sum()` or `loss.mean()` in PyTorch's order for the loss's dtype.
        let flat = Tensor(shape: [losses.count], data: losses.data).converted(to: dtype)
        let total = flat.summed(dims: [0], keepdim: false).data[0]
        return Tensor(name == "sum" ? total : total / Double(losses.count))
    }

    /// The incoming gradient of a reduced loss, spread back over the elementwise losses of `shape`.
    static func spread(_ g: Variable, _ attrs: Attrs, shape: [Int]) throws -> Variable {
        switch try reductionName(attrs) {
        case "none": return g
        case "sum": return try g.expand(shape)
        default: return try g.expand(shape) / Variable(Double(Tensor.count(of: shape)))
        }
    }

    /// The shape of the elementwise losses of `input` against `target` (they broadcast).
    static func lossShape(_ ctx: VJPContext) -> [Int] {
        Tensor.broadcastShape(ctx[0].shape, ctx[1].shape) ?? ctx[0].shape
    }

    /// A regression loss of `input - target`: `f(diff, attrs)` per element, `dloss(diff, attrs)`
    /// its derivative with respect to the difference (a differentiable expression).
    static func regressionLoss(_ name: String, params: [Param] = [], gradFn: String,
                               gradFnForInputs: (([Variable], Attrs) -> String)? = nil, summary: String,
                               kinks: String? = nil, samples: @autoclosure @escaping () -> [OpSample]? = nil,
                               _ f: @escaping (Attrs) throws -> (Double) -> Double,
                               legacyFlags: Bool = true,
                               dloss: @escaping (Variable, Attrs) throws -> Variable) -> OpSpec {
        // PyTorch's positional order: `smooth_l1_loss(input, target, size_average, reduce, reduction, beta)`;
        // `huber_loss(input, target, reduction, delta)` came after the legacy flags were retired.
        OpSpec(name, params: [input, target] + (legacyFlags ? legacyReductionFlags : []) + [reduction] + params,
               gradFn: gradFn, gradFnForInputs: gradFnForInputs,
               summary: summary, kinks: kinks,
               samples: samples() ?? [OpSample([[3, 2], [3, 2]]),
                                    OpSample([[3, 2], [3, 2]], attrs: Attrs(["reduction": .string("sum")])),
                                    OpSample([[3, 2], [3, 2]], attrs: Attrs(["reduction": .string("none")]))],
               dtype: .floating,
               forward: { args in
                   let perElement = try f(args.attrs)
                   guard args.dtype == .float32 else {
                       return try reduce(Tensor.zip(args[0], args[1]) { perElement($0 - $1) }, args.attrs)
                   }
                   // float32 rounds the difference as PyTorch's float32 kernel does.
                   let losses = try Tensor.zip(args[0], args[1]) { perElement(Double(Float($0 - $1))) }
                   return try reduce(losses, args.attrs, dtype: .float32)
               },
               derivative: .vjp { ctx, g in
                   let gx = try spread(g, ctx.attrs, shape: lossShape(ctx)) * dloss(ctx[0] - ctx[1], ctx.attrs)
                   return [gx, try -gx]
               })
    }

    /// `mse_loss(input, target, reduction='mean')`: squared error.
    public static let mseLoss = regressionLoss("mse_loss", gradFn: "MseLossBackward0",
                                               summary: "(input - target)^2, reduced by reduction",
                                               { _ in { d in d * d } }) { d, _ in try 2 * d }

    /// The grad_fn PyTorch shows for l1_loss, which it builds from abs and then mean or sum.
    static func l1GradFn(_ attrs: Attrs) -> String {
        switch attrs.string("reduction") {
        case "none": return "AbsBackward0"
        case "sum": return "SumBackward0"
        default: return "MeanBackward0"
        }
    }

    /// `l1_loss(input, target, reduction='mean')`: absolute error. PyTorch builds it from
    /// abs and mean or sum, so its grad_fn is `MeanBackward0`, `SumBackward0` or `AbsBackward0`.
    public static let l1Loss = regressionLoss("l1_loss", gradFn: "MeanBackward0", gradFnForInputs: { _, attrs in l1GradFn(attrs) },
                                              summary: "|input - target|, reduced by reduction",
                                              kinks: "the gradient is 0 where input == target",
                                              { _ in { d in Swift.abs(d) } }) { d, _ in
        Variable(d.value.map(signum))
    }

    /// `smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1)`.
    public static let smoothL1Loss = regressionLoss(
        "smooth_l1_loss", params: [Param("beta", .double, default: .double(1))], gradFn: "SmoothL1LossBackward0",
        // With beta = 0 PyTorch runs l1_loss instead, and shows its grad_fn.
        gradFnForInputs: { _, attrs in attrs.optionalDouble("beta") == 0 ? l1GradFn(attrs) : "SmoothL1LossBackward0" },
        summary: "0.5 * d^2 / beta where |d| < beta, else |d| - 0.5 * beta (d = input - target)",
        kinks: "with beta = 0 it is l1_loss: the gradient is 0 where input == target",
        samples: [OpSample([[3, 2], [3, 2]]), OpSample([[3, 2], [3, 2]], attrs: Attrs(["beta": .double(0.5), "reduction": .string("sum")]))],
        { attrs in
            let beta = try smoothL1Beta(attrs)
            return { d in Swift.abs(d) < beta ? 0.5 * d * d / beta : Swift.abs(d) - 0.5 * beta }
        }) { d, attrs in
        let beta = try smoothL1Beta(attrs)
        // NaN takes the inner piece (NaN), as PyTorch's tests; `where`, not mask * d, so an
        // infinite difference takes the outer slope, not inf * 0.
        let outer = Variable(d.value.map { Swift.abs($0) >= beta ? signum($0) : 0 })
        guard beta > 0 else { return outer }
        return try Variable.where(mask(d) { !(Swift.abs($0) >= beta) }, d / Variable(beta), 0) + outer
    }

    static func smoothL1Beta(_ attrs: Attrs) throws -> Double {
        let beta = try attrs.double("beta")
        guard beta >= 0 else { throw OpError.value("smooth_l1_loss does not support negative values for beta.") }
        return beta
    }

    /// `huber_loss(input, target, reduction='mean', delta=1)`.
    public static let huberLoss = regressionLoss(
        "huber_loss", params: [Param("delta", .double, default: .double(1))], gradFn: "HuberLossBackward0",
        summary: "0.5 * d^2 where |d| < delta, else delta * (|d| - 0.5 * delta) (d = input - target)",
        samples: [OpSample([[3, 2], [3, 2]]), OpSample([[3, 2], [3, 2]], attrs: Attrs(["delta": .double(0.5), "reduction": .string("none")]))],
        { attrs in
            let delta = try huberDelta(attrs)
            return { d in Swift.abs(d) < delta ? 0.5 * d * d : delta * (Swift.abs(d) - 0.5 * delta) }
        }, legacyFlags: false) { d, attrs in
        let delta = try huberDelta(attrs)
        // At |d| = delta the outer piece (slope delta * sign d, the same value): the second
        // derivative there is 0, as PyTorch's and smooth_l1_loss's.
        let outer = Variable(d.value.map { Swift.abs($0) >= delta ? delta * signum($0) : 0 })
        return try Variable.where(mask(d) { !(Swift.abs($0) >= delta) }, d, 0) + outer
    }

    static func huberDelta(_ attrs: Attrs) throws -> Double {
        let delta = try attrs.double("delta")
        guard delta > 0 else { throw OpError.value("huber_loss does not support non-positive values for delta.") }
        return delta
    }
}

extension Variable {
    /// The mean squared error against `target` (see `Ops.mseLoss`).
    public func mseLoss(_ target: Variable, reduction: String = "mean") throws -> Variable {
        try apply(Ops.mseLoss, [self, target], Attrs(["reduction": .string(reduction)]))
    }

    /// The mean absolute error against `target` (see `Ops.l1Loss`).
    public func l1Loss(_ target: Variable, reduction: String = "mean") throws -> Variable {
        try apply(Ops.l1Loss, [self, target], Attrs(["reduction": .string(reduction)]))
    }

    /// The smooth L1 loss against `target`, quadratic where |input - target| < beta.
    public func smoothL1Loss(_ target: Variable, reduction: String = "mean", beta: Double = 1) throws -> Variable {
        try apply(Ops.smoothL1Loss, [self, target], Attrs(["reduction": .string(reduction), "beta": .double(beta)]))
    }

    /// The Huber loss against `target`, quadratic where |input - target| < delta.
    public func huberLoss(_ target: Variable, reduction: String = "mean", delta: Double = 1) throws -> Variable {
        try apply(Ops.huberLoss, [self, target], Attrs(["reduction": .string(reduction), "delta": .double(delta)]))
    }
}
