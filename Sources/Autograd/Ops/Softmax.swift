import Glibc

// softmax, log_softmax and logsumexp. Forwards subtract the maximum along the reduced
// dimensions first, so large inputs neither overflow nor lose precision.

extension Ops {
    static let softmaxFamily: [OpSpec] = [softmax, logSoftmax, logsumexp]

    /// The dimension a softmax runs along: `dim`, or when it is omitted PyTorch's implicit
    /// (deprecated) choice for `F.softmax(x)`: dim 0 for 0-, 1- and 3-D inputs, else dim 1.
    /// A 0-d input has nothing to reduce.
    static func softmaxDims(_ attrs: Attrs, rank: Int) throws -> [Int] {
        let dim = try normalize(dim: attrs.optionalInt("dim") ?? ([0, 1, 3].contains(rank) ? 0 : 1), rank: rank)
        return rank == 0 ? [] : [dim]
    }

    /// The maximum over `dims` (kept as size-1 dimensions), with infinities replaced by 0 so
    /// that subtracting it never gives inf - inf.
    static func stableShift(_ x: Tensor, dims: [Int]) -> Tensor {
        x.reduced(dims: dims, keepdim: true, initial: -.infinity) { a, b in b > a ? b : a }
            .map { $0.isInfinite ? 0 : $0 }
    }

    /// The plain maximum over `dims` (kept as size-1 dimensions) that PyTorch's softmax and
    /// log_softmax kernels subtract: a lane holding +inf (or only -inf) gives NaN there.
    static func laneMax(_ x: Tensor, dims: [Int]) -> Tensor {
        x.reduced(dims: dims, keepdim: true, initial: -.infinity) { a, b in b > a ? b : a }
    }

    /// log(sum(exp(x))) over `dims`, kept as size-1 dimensions.
    static func logSumExp(_ x: Tensor, dims: [Int]) throws -> Tensor {
        let shift = stableShift(x, dims: dims)
        if x.dtype.isFloat32 {
            // PyTorch composes it in float: exp(x - max) (MKL's exp), its float sum, log (MKL's), + max.
            let e = try Tensor.zip(x, shift) { Double(Float(Glibc.exp(Double(Float($0) - Float($1))))) }
            let sum = Tensor(shape: e.shape, data: e.data, dtype: .float32).summed(dims: dims, keepdim: true)
            return try Tensor.zip(sum, shift) { Double(Float(Glibc.log($0)) + Float($1)) }
        }
        let sum = try Tensor.zip(x, shift) { Glibc.exp($0 - $1) }.reduced(dims: dims, keepdim: true, initial: 0, +)
        return try Tensor.zip(sum, shift) { Glibc.log($0) + $1 }
    }

    static let softmaxDim = Param("dim", .int, default: AttrValue.none)

    /// Floating inputs only, refused as PyTorch's CPU kernels are: `softmax_lastdim_kernel_impl`
    /// along the last dimension, `softmax_kernel_impl` along another.
    static func softmaxKernel(_ name: String) -> DTypeRule {
        .promoteRefusing(accepted: "float32, float64") { inputs, attrs, t in
            guard !t.isFloatingPoint else { return nil }
            let rank = inputs[0].shape.count
            let last = rank == 0 || (try? softmaxDims(attrs, rank: rank)) == [rank - 1]
            return DTypeRule.notImplemented(name + (last ? "_lastdim_kernel_impl" : "_kernel_impl"), t)
        }
    }

    /// PyTorch's float64 backward kernel along the last dimension, for a backward pass that records
    /// nothing (nil otherwise: the composed formula, which is differentiable).
    static func lastDimBackward(_ ctx: VJPContext, _ g: Variable, _ y: Variable, dims: [Int], log: Bool) -> Variable? {
        guard !ctx.createGraph, y.dtype.isFloat64, g.dtype.isFloat64, g.shape == y.shape,
              (dims.first ?? 0) == Swift.max(y.shape.count - 1, 0) else { return nil }
        return Variable(TorchFloat64Math.softmaxBackwardLastDim(g.value, y.value, log: log))
    }

    static let softmaxSamples = [OpSample([[3, 4]], attrs: Attrs(["dim": .int(1)])),
                                 OpSample([[3, 4]], attrs: Attrs(["dim": .int(0)])),
                                 OpSample([[4]])]

    /// `softmax(input, dim)`: exp(input) normalised to sum to 1 along `dim` (default: the last).
    public static let softmax = OpSpec(
        "softmax", params: [input, softmaxDim, .dtype], gradFn: "SoftmaxBackward0",
        summary: "exp(input) / sum(exp(input)) along dim (default: the last dimension)",
        samples: softmaxSamples,
        dtype: softmaxKernel("softmax"),
        forward: { args in
            let x = args[0], dims = try softmaxDims(args.attrs, rank: args[0].rank)
            if x.dtype.isFloat32 { return TorchFloat32Math.softmax(x, dim: dims.first, log: false) }
            if x.dtype.isFloat64, (dims.first ?? 0) == Swift.max(x.rank - 1, 0) { return TorchFloat64Math.softmaxLastDim(x, log: false) }
            let e = try Tensor.zip(x, laneMax(x, dims: dims)) { Glibc.exp($0 - $1) }
            return try Tensor.zip(e, e.reduced(dims: dims, keepdim: true, initial: 0, +), /)
        },
        derivative: .vjp { ctx, g in
            let dims = try softmaxDims(ctx.attrs, rank: ctx[0].shape.count)
            let y = try ctx.result()
            if let kernel = lastDimBackward(ctx, g, y, dims: dims, log: false) { return [kernel] }
            // PyTorch's _softmax_backward_data: output * (grad - sum(grad * output)), in its order.
            return [try y * (g - (g * y).sum(dim: dims, keepdim: true))]
        }).castingInputToDType(recorded: true).savingResult()

    /// `log_softmax(input, dim)`: log(softmax(input, dim)), computed stably.
    public static let logSoftmax = OpSpec(
        "log_softmax", params: [input, softmaxDim, .dtype], gradFn: "LogSoftmaxBackward0",
        summary: "log(softmax(input, dim)), computed stably (dim defaults to the last dimension)",
        samples: softmaxSamples,
        dtype: softmaxKernel("log_softmax"),
        forward: { args in
            // PyTorch's kernel: (x - max) - log(sum(exp(x - max))), NaN along a lane holding +inf.
            let x = args[0], dims = try softmaxDims(args.attrs, rank: args[0].rank)
            if x.dtype.isFloat32 { return TorchFloat32Math.softmax(x, dim: dims.first, log: true) }
            if x.dtype.isFloat64, (dims.first ?? 0) == Swift.max(x.rank - 1, 0) { return TorchFloat64Math.softmaxLastDim(x, log: true) }
            let shifted = try Tensor.zip(x, laneMax(x, dims: dims), -)
            let logSum = shifted.map(Glibc.exp).reduced(dims: dims, keepdim: true, initial: 0, +).map(Glibc.log)
            return try Tensor.zip(shifted, logSum, -)
        },
        derivative: .vjp { ctx, g in
            let dims = try softmaxDims(ctx.attrs, rank: ctx[0].shape.count)
            let y = try ctx.result()
            if let kernel = lastDimBackward(ctx, g, y, dims: dims, log: true) { return [kernel] }
            return [try g - y.exp() * g.sum(dim: dims, keepdim: true)]
        }).castingInputToDType(recorded: true).savingResult()

    /// `logsumexp(input, dim=None, keepdim=False)`: log(sum(exp(input))) over `dim`
    /// (every dimension when omitted), computed stably.
    public static let logsumexp = OpSpec(
        "logsumexp", params: [input, optionalDim, keepdim], gradFn: "LogsumexpBackward0",
        summary: "log(sum(exp(input))) over dim (all dimensions when omitted), computed stably",
        samples: [OpSample([[3, 4]]), OpSample([[3, 4]], attrs: Attrs(["dim": .int(1), "keepdim": .bool(true)])),
                  OpSample([[2, 3, 2]], attrs: Attrs(["dim": .ints([0, 2])]))],
        dtype: .floating,
        forward: { args in
            let x = args[0], dims = try reductionDims(args.attrs, rank: args[0].rank)
            let kept = try logSumExp(x, dims: dims)
            return args.attrs.bool("keepdim") ? kept : kept.reshaped(x.shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element))
        },
        derivative: .vjp { ctx, g in
            // d/dx logsumexp = softmax over the reduced dimensions = exp(x - result).
            let shape = ctx[0].shape
            var kept = shape
            for d in try reductionDims(ctx.attrs, rank: shape.count) { kept[d] = 1 }
            let result = try ctx.result().reshape(kept)
            return [try g.reshape(kept) * (ctx[0] - result).exp()]
        }).savingResult()
}

extension Variable {
    /// `exp(x) / sum(exp(x))` along `dim` (the last dimension when nil).
    public func softmax(dim: Int? = nil) throws -> Variable {
        try apply(Ops.softmax, [self], Attrs(["dim": dim.map(AttrValue.int) ?? .none]))
    }

    /// `log(softmax(x, dim))`, computed stably (`dim` defaults to the last dimension).
    public func logSoftmax(dim: Int? = nil) throws -> Variable {
        try apply(Ops.logSoftmax, [self], Attrs(["dim": dim.map(AttrValue.int) ?? .none]))
    }

    /// `log(sum(exp(x)))` over `dim` (all dimensions when nil), computed stably.
    public func logsumexp(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.logsumexp, [self], Attrs(["dim": dim.map(AttrValue.ints) ?? .none, "keepdim": .bool(keepdim)]))
    }
}
