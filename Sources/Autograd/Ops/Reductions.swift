import Glibc

// Reductions over all elements or over `dim` (an int or a list), with `keepdim`.

extension Ops {
    static let reductions: [OpSpec] = [sum, mean] + moreReductions

    /// The shape `input` has after reducing `dims` with keepdim, for re-expanding gradients.
    static func keptShape(_ shape: [Int], dims: [Int]) -> [Int] {
        var kept = shape
        for d in dims { kept[d] = 1 }
        return kept
    }

    /// The incoming gradient of a reduction, reshaped to keep the reduced dimensions and
    /// broadcast back over them.
    static func expandReduced(_ g: Variable, _ ctx: VJPContext) throws -> Variable {
        let shape = ctx[0].shape
        let dims = try reductionDims(ctx.attrs, rank: shape.count)
        // A one-element gradient broadcasts as it is; otherwise put the reduced dimensions back first.
        if g.value.count == 1 && !ctx.createGraph { return filled(shape, with: g.value.data[0], dtype: g.dtype) }
        let kept = g.value.count == 1 ? g : try g.reshape(keptShape(shape, dims: dims))
        return try kept.expand(shape)
    }

    /// A constant gradient of `shape`, every element `value` (held as `dtype` holds it): what
    /// expanding a one-element gradient gives, without the op, when no graph is recorded.
    static func filled(_ shape: [Int], with value: Double, dtype: DType) -> Variable {
        var t = Tensor(repeating: dtype.convert(value), shape: shape)
        t.dtype = dtype
        return Variable(t)
    }

    /// PyTorch's error for `mean`, `var` and `std` of an integer or bool tensor.
    static func meanDTypeError(_ name: String) -> (String) -> String {
        { "\(name)(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: \($0)" }
    }

    /// PyTorch's refusal of integer and bool inputs to `var` and `std`.
    static let varianceDTypeError = "std and var only support floating point and complex dtypes"

    /// Sum of elements, over `dim` when given.
    public static let sum = OpSpec(
        "sum", params: [input, optionalDim, keepdim, .dtype], gradFn: "SumBackward0", gradFnWithDim: "SumBackward1",
        summary: "sum of the elements, over dim when given",
        samples: [OpSample([[3, 2]]), OpSample([[3, 2]], attrs: Attrs(["dim": .int(1), "keepdim": .bool(true)])),
                  OpSample([[2, 3, 2]], attrs: Attrs(["dim": .ints([0, -1])]))],
        dtype: .integralToInt64,
        forward: exactInt64 { args in
            let dims = try reductionDims(args.attrs, rank: args[0].rank)
            return args[0].summed(dims: dims, keepdim: args.attrs.bool("keepdim"))
        },
        derivative: .vjp { ctx, g in [try expandReduced(g, ctx)] }).castingInputToDType(recorded: false).readingInputShapesOnly()

    /// Mean of elements, over `dim` when given.
    public static let mean = OpSpec(
        "mean", params: [input, optionalDim, keepdim, .dtype], gradFn: "MeanBackward0", gradFnWithDim: "MeanBackward1",
        summary: "mean of the elements, over dim when given",
        samples: [OpSample([[3, 2]]), OpSample([[3, 2]], attrs: Attrs(["dim": .int(0)]))],
        dtype: .floatingOnly(meanDTypeError("mean")),
        forward: { args in
            let x = args[0]
            let dims = try reductionDims(args.attrs, rank: x.rank)
            let n = Double(dims.reduce(1) { $0 * x.shape[$1] })
            // PyTorch's mean is the sum divided by n (in float32 for float32: `apply` rounds),
            // divided in the sum's own storage.
            var mean = x.summed(dims: dims, keepdim: args.attrs.bool("keepdim"))
            mean.data.withUnsafeMutableBufferPointer { p in
                for i in p.indices { p[i] /= n }
            }
            return mean
        },
        derivative: .vjp { ctx, g in
            let shape = ctx[0].shape
            let dims = try reductionDims(ctx.attrs, rank: shape.count)
            let n = Double(dims.reduce(1) { $0 * shape[$1] })
            // Divide before expanding: one element instead of n for a full mean. n is PyTorch's
            // integer scalar, so a float32 gradient stays float32 (no float64 detour and cast back).
            if g.value.count == 1 && !ctx.createGraph && g.dtype.isFloatingPoint {
                // The division as the op does it: in float32, n rounded to float32 first.
                let divisor = g.dtype.isFloat32 ? Double(Float(n)) : n
                return [filled(shape, with: g.value.data[0] / divisor, dtype: g.dtype)]
            }
            return [try expandReduced(g / Variable(wrappedNumber: n, dtype: .int64), ctx)]
        }).castingInputToDType(recorded: false) { dtype in
            dtype.isFloatingPoint ? nil : "mean(): could not infer output dtype. Optional dtype must be either a floating point or complex dtype. Got: \(dtype.pytorchTypeName)"
        }.readingInputShapesOnly()
}

extension Variable {
    /// The sum of all elements, or over `dim` (see `Ops.sum`).
    public func sum(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.sum, [self], Attrs(["dim": dim.map(AttrValue.ints) ?? .none, "keepdim": .bool(keepdim)]))
    }

    /// The mean of all elements, or over `dim` (see `Ops.mean`).
    public func mean(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.mean, [self], Attrs(["dim": dim.map(AttrValue.ints) ?? .none, "keepdim": .bool(keepdim)]))
    }
}

// prod, max/min/amax/amin, norm, var and std. Their VJPs are written with differentiable
// ops (masks from comparisons are constants), so Hessians go through them.

extension Ops {
    static let moreReductions: [OpSpec] = [prod, max, min, amax, amin, norm, var_, std]

    /// Throws PyTorch's error when `dims` of `shape` would reduce an empty set (no identity).
    static func requireNonEmpty(_ name: String, _ shape: [Int], dims: [Int], dimGiven: Bool) throws {
        if !dimGiven && Tensor.count(of: shape) == 0 {
            throw OpError.value("\(name)(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.")
        }
        for d in dims where shape[d] == 0 {
            throw OpError.value("\(name)(): Expected reduction dim \(d) to have non-zero size.")
        }
    }

    /// Number of elements each output element of a reduction over `dims` combines.
    static func groupSize(_ shape: [Int], _ dims: [Int]) -> Int { dims.reduce(1) { $0 * shape[$1] } }

    /// `g` reshaped to keep the reduced dimensions of `ctx`'s input (size 1), ready to broadcast.
    static func keptGradient(_ g: Variable, _ ctx: VJPContext) throws -> Variable {
        let dims = try reductionDims(ctx.attrs, rank: ctx[0].shape.count)
        return try g.reshaped(to: keptShape(ctx[0].shape, dims: dims))
    }

    /// Product of elements, over `dim` when given.
    public static let prod = OpSpec(
        "prod", params: [input, optionalDim, keepdim], gradFn: "ProdBackward0", gradFnWithDim: "ProdBackward1",
        summary: "product of the elements, over dim when given",
        kinks: "with a zero in the input each gradient is the product of the other elements (x=[2,0,3] gives [0,6,0]); without one it is result / input, as PyTorch",
        samples: [OpSample([[4]], range: 0.5...2), OpSample([[2, 3]], attrs: Attrs(["dim": .int(1)]), range: -2...(-0.5)),
                  OpSample([[3, 2]], attrs: Attrs(["dim": .int(0), "keepdim": .bool(true)]))],
        dtype: .integralToInt64,
        forward: exactInt64 { args in
            let dims = try reductionDims(args.attrs, rank: args[0].rank)
            if args[0].dtype.isFloat32 { return TorchFloat32Math.prod(args[0], dims: dims, keepdim: args.attrs.bool("keepdim")) }
            return args[0].reduced(dims: dims, keepdim: args.attrs.bool("keepdim"), initial: 1, *)
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0]
            let dims = try reductionDims(ctx.attrs, rank: x.shape.count)
            // PyTorch's prod_backward: without a zero anywhere in the input it is
            // grad * (result / input) (so inf and NaN inputs give NaN, and the last bits are its).
            if !x.value.data.contains(0) {
                let result = try ctx.result().reshaped(to: keptShape(x.shape, dims: dims))
                return [try keptGradient(g, ctx) * (result / x)]
            }
            // Over all elements, two zeros make every gradient 0 (also beside an inf), as PyTorch.
            if ctx.attrs["dim"] == .none, x.value.data.lazy.filter({ $0 == 0 }).prefix(2).count == 2 {
                return [Variable(Tensor(shape: x.shape, data: [Double](repeating: 0, count: x.value.count), dtype: x.value.dtype))]
            }
            let kept = (0..<x.shape.count).filter { !dims.contains($0) }
            let order = kept + dims
            let moved = try x.permute(order)
            let n = groupSize(x.shape, dims)
            let others = try moved.reshape([x.value.count / Swift.max(n, 1), n]).productOfOthers()
            let grad = try (others * g.reshape([g.value.count, 1])).reshape(moved.shape)
            return [try grad.permute(inversePermutation(order))]
        }).savingResult()

    /// The gradient of a max-like reduction: `g` split evenly among the elements equal to
    /// the result (ties share it), zero elsewhere. With `nanAware` (`max`/`min` over all
    /// elements, PyTorch's `evenly_distribute_backward`) a NaN result is shared by the NaN
    /// elements; otherwise (`amax`/`amin`) a NaN result gives NaN gradients, as in PyTorch.
    static func evenlyDistributed(_ ctx: VJPContext, _ g: Variable, nanAware: Bool) throws -> Variable {
        let dims = try reductionDims(ctx.attrs, rank: ctx[0].shape.count)
        let kept = keptShape(ctx[0].shape, dims: dims)
        let result = try ctx.result().reshaped(to: kept)
        let mask = nanAware
            ? Variable(try Tensor.zip(ctx[0].value, result.value) { $0 == $1 || ($0.isNaN && $1.isNaN) ? 1 : 0 })
            : try ctx[0] == result
        let count = try mask.sum(dim: dims, keepdim: true)
        return try keptGradient(g, ctx) * mask / count
    }

    /// A 0/1 mask over `x` marking, for each output element of a reduction over `dims`, the
    /// index PyTorch's `max`/`min` with `dim` returns: the first occurrence of the extremum
    /// in row-major order, or the first NaN when there is one.
    static func firstExtremumMask(_ x: Tensor, dims: [Int], largest: Bool) -> Tensor {
        let own = Tensor.strides(of: x.shape)
        let kept = keptShape(x.shape, dims: dims)
        var outStrides = Tensor.strides(of: kept)
        for d in dims { outStrides[d] = 0 }
        var best = [Int](repeating: -1, count: Tensor.count(of: kept))
        for i in 0..<x.count {
            var o = 0
            for d in 0..<x.rank { o += (i / own[d]) % x.shape[d] * outStrides[d] }
            let v = x.data[i]
            guard best[o] >= 0 else { best[o] = i; continue }
            let b = x.data[best[o]]
            // Strict comparisons keep the first of equal elements; a NaN wins and stays.
            if !b.isNaN && (v.isNaN || (largest ? v > b : v < b)) { best[o] = i }
        }
        var mask = [Double](repeating: 0, count: x.count)
        for i in best where i >= 0 { mask[i] = 1 }
        return Tensor(shape: x.shape, data: mask)
    }

    /// `max`/`min`/`amax`/`amin`. `indexed` ops (`max`, `min`) with a `dim` are the ones that
    /// return indices in PyTorch, and their gradient goes to the returned index only.
    static func extremum(_ name: String, gradFn: String, gradFnWithDim: String?, largest: Bool, indexed: Bool,
                         summary: String) -> OpSpec {
        let kinks = indexed
            ? "with dim, the whole gradient goes to the first occurrence of the extremum along dim (the index PyTorch returns; the first NaN if any); without dim, ties split it evenly"
            : "ties split the gradient evenly among the tied elements"
        return OpSpec(name, params: [input, optionalDim, keepdim], gradFn: gradFn, gradFnWithDim: gradFnWithDim,
               summary: summary, kinks: kinks,
               samples: [OpSample([[5]]), OpSample([[3, 4]], attrs: Attrs(["dim": .int(1)])),
                         OpSample([[2, 3]], attrs: Attrs(["dim": .int(0), "keepdim": .bool(true)]))],
               forward: { args in
                   let x = args[0]
                   let dims = try reductionDims(args.attrs, rank: x.rank)
                   try requireNonEmpty(name, x.shape, dims: dims, dimGiven: args.attrs["dim"] != .none)
                   // NaN propagates, as in PyTorch.
                   return x.reduced(dims: dims, keepdim: args.attrs.bool("keepdim"), initial: largest ? -.infinity : .infinity) { a, b in
                       if a.isNaN || b.isNaN { return .nan }
                       return largest ? Swift.max(a, b) : Swift.min(a, b)
                   }
               },
               derivative: .vjp { ctx, g in
                   guard indexed && ctx.attrs["dim"] != .none else { return [try evenlyDistributed(ctx, g, nanAware: indexed)] }
                   // A constant one-hot mask: the gradient stays linear in g, so double backward works.
                   let dims = try reductionDims(ctx.attrs, rank: ctx[0].shape.count)
                   let mask = firstExtremumMask(ctx[0].value, dims: dims, largest: largest)
                   return [try keptGradient(g, ctx) * Variable(mask)]
               }).savingResult()
    }

    /// `max(input)` or `max(input, dim)`. With `dim` this entry gives the values (the language
    /// pairs them with `Ops.maxIndices` into PyTorch's tuple) and the gradient goes to the first
    /// occurrence of each maximum, the index PyTorch returns.
    public static let max = extremum("max", gradFn: "MaxBackward1", gradFnWithDim: "MaxBackward0", largest: true,
                                     indexed: true, summary: "largest element; with dim, (values, indices)")
    /// `min(input)` or `min(input, dim)`, values only; with `dim` the gradient goes to the
    /// first occurrence of each minimum.
    public static let min = extremum("min", gradFn: "MinBackward1", gradFnWithDim: "MinBackward0", largest: false,
                                     indexed: true, summary: "smallest element; with dim, (values, indices)")
    /// `amax(input, dim)`: the largest element over `dim` (all dimensions when absent).
    public static let amax = extremum("amax", gradFn: "AmaxBackward0", gradFnWithDim: nil, largest: true,
                                      indexed: false, summary: "largest element over dim (all when absent)")
    /// `amin(input, dim)`: the smallest element over `dim` (all dimensions when absent).
    public static let amin = extremum("amin", gradFn: "AminBackward0", gradFnWithDim: nil, largest: false,
                                      indexed: false, summary: "smallest element over dim (all when absent)")

    /// `norm(input, p=2, dim=None, keepdim=False)`: the vector p-norm, `(sum |x|^p)^(1/p)`;
    /// `p = inf` is the largest absolute value, `-inf` the smallest, `0` the count of nonzero ones.
    public static let norm = OpSpec(
        "norm", aliases: ["vector_norm"], params: [input, Param("p", .order(names: ["fro", "nuc"]), default: .double(2)), optionalDim, keepdim],
        gradFn: "LinalgVectorNormBackward0",
        summary: "vector p-norm (default 2), over dim when given",
        kinks: "at x = 0 the gradient is 0; for p = inf and -inf ties split the gradient evenly; p = 0 has gradient 0",
        samples: [OpSample([[3, 2]]), OpSample([[3, 2]], attrs: Attrs(["dim": .int(1)])),
                  OpSample([[4]], attrs: Attrs(["p": .double(3)]), range: 0.5...2),
                  OpSample([[4]], attrs: Attrs(["p": .double(1)]), range: 0.5...2)],
        dtype: .floatingOnly { "linalg.vector_norm: Expected a floating point or complex tensor as input. Got \($0)" },
        forward: { args in
            let x = args[0], p = try args.attrs.double("p")
            guard !p.isNaN else { throw OpError.value("linalg.vector_norm: ord must be a number, got nan") }
            let dims = try reductionDims(args.attrs, rank: x.rank)
            let keep = args.attrs.bool("keepdim")
            if p < 0 || p.isInfinite {
                // The largest or smallest |x| (and the negative orders) have no value for nothing.
                let order = p.isInfinite ? (p > 0 ? "inf" : "-inf") : (p == p.rounded() ? String(Int(p)) : String(p))
                if x.count == 0 && args.attrs["dim"] == .none {
                    throw OpError.value("linalg.vector_norm cannot compute the \(order) norm on an empty tensor because the operation does not have an identity")
                }
                if let empty = dims.first(where: { x.shape[$0] == 0 }), Tensor.count(of: keptShape(x.shape, dims: dims)) > 0 {
                    throw OpError.value("linalg.vector_norm cannot compute the \(order) norm on the dimension \(empty)because this dimension is empty and the operation does not have an identity")
                }
            }
            // The dtype rule admits floating tensors only, as PyTorch's kernel does.
            return x.torchNorm(p: p, dims: dims, keepdim: keep)
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0], p = try ctx.attrs.double("p")
            let dims = try reductionDims(ctx.attrs, rank: x.shape.count)
            let result = try ctx.result().reshaped(to: keptShape(x.shape, dims: dims))
            let gk = try keptGradient(g, ctx)
            let sign = Variable(x.value.map(signum).converted(to: x.dtype))  // in the input's dtype, as self.sgn()
            // The 0-"norm" counts nonzeros: PyTorch's backward gives no gradient at all (None).
            if p == 0 { return [nil] }
            // FunctionsManual.cpp's norm_backward, branch by branch and in its order.
            if p.isInfinite {
                let absX = try sign * x
                let mask = try (absX == result) * (result != 0)
                return [try sign * ((gk / mask.sum(dim: dims, keepdim: true).where(lessThan: 1, 1)) * mask)]
            }
            if p == 1 { return [try sign * gk] }
            // Where the norm is 0 the gradient is 0 (PyTorch masks it); the safe denominator
            // keeps NaN out of higher derivatives.
            let zero = try result == 0
            let safe = try Variable.where(zero, 1, result)
            if p == 2 { return [try gk * Variable.where(zero, 0, x / safe)] }
            func power(_ v: Variable, _ e: Double) throws -> Variable { try v.pow(Variable(wrappedNumber: e, dtype: .float64)) }
            // Zero components: the base is 1 there and the factor masked to 0, so p < 1 gives no
            // 0^(p-1) = inf to multiply by sign 0.
            let isZero = try x == 0
            let magnitude = try Variable.where(isZero, 1, sign * x)
            if p < 1 {
                let selfScaled = try Variable.where(isZero, 0, sign * power(magnitude, p - 1))
                // norm^(1 - p) is 0 at a zero norm, so PyTorch masks nothing here (signed zeros stay).
                return [try selfScaled * gk * power(result, 1 - p)]
            }
            let selfScaled = try p < 2 ? sign * power(magnitude, p - 1) : x * power(magnitude, p - 2)
            let scale = try Variable.where(zero, 0, gk / power(safe, p - 1))
            return [try selfScaled * scale]
        }).savingResult()

    /// The divisor `N - correction` of `var`/`std` for `attrs`: `unbiased` or `correction`
    /// (default 1; the forward refuses both).
    static func varianceDivisor(_ attrs: Attrs, _ shape: [Int], _ dims: [Int]) throws -> Double {
        let correction: Double
        if case .bool(let unbiased) = attrs["unbiased"] { correction = unbiased ? 1 : 0 } else {
            correction = attrs.optionalDouble("correction") ?? 1
        }
        return Swift.max(0, Double(groupSize(shape, dims)) - correction)
    }

    static let varianceParams = [input, optionalDim, Param("unbiased", .bool, default: AttrValue.none), keepdim,
                                 Param("correction", .double, default: AttrValue.none)]

    /// Sum of squared deviations from the mean over `dims` (kept), divided by `divisor`;
    /// its square root with `takeSqrt`. float32 and float64 follow PyTorch's kernels
    /// (`torchVariance`); `forMean` picks the one `var_mean` uses.
    static func variance(_ x: Tensor, _ attrs: Attrs, takeSqrt: Bool = false, forMean: Bool = false) throws -> Tensor {
        let dims = try reductionDims(attrs, rank: x.rank)
        let n = Double(groupSize(x.shape, dims))
        let divisor = try varianceDivisor(attrs, x.shape, dims)
        // The dtype rule admits floating tensors only, as PyTorch's kernel does.
        return x.torchVariance(dims: dims, keepdim: attrs.bool("keepdim"), correction: n - divisor,
                               takeSqrt: takeSqrt, forMean: forMean)
    }

    /// The forward of `var_mean`'s and `std_mean`'s mean: Welford's mean, as PyTorch's kernel
    /// returns it with the variance.
    public static func varianceMean(_ args: ForwardArgs) throws -> Tensor {
        let x = args[0]
        return x.welfordMean(dims: try reductionDims(args.attrs, rank: x.rank), keepdim: args.attrs.bool("keepdim"))
    }

    /// The forward of `var` (`std` with `takeSqrt`), or the spread `var_mean` returns with `forMean`.
    public static func varianceForward(takeSqrt: Bool, forMean: Bool) -> (ForwardArgs) throws -> Tensor {
        { args in
            if args.attrs["unbiased"] != AttrValue.none && args.attrs["correction"] != AttrValue.none {
                // PyTorch's overloads take one or the other (a TypeError in Python).
                throw OpError.value("\(args.spec.name)() received an invalid combination of arguments: unbiased and correction cannot both be given")
            }
            return try variance(args[0], args.attrs, takeSqrt: takeSqrt, forMean: forMean)
        }
    }

    /// The VJP of `var` for an incoming gradient `gk` already shaped to keep the reduced dims.
    static func varianceVJP(_ ctx: VJPContext, _ gk: Variable) throws -> Variable {
        let x = ctx[0]
        let dims = try reductionDims(ctx.attrs, rank: x.shape.count)
        let divisor = try varianceDivisor(ctx.attrs, x.shape, dims)
        // FunctionsManual.cpp's var_backward, in its order: (2 / dof) * grad * (self - mean).
        return try Variable(2 / divisor) * gk * (x - x.mean(dim: dims, keepdim: true))
    }

    /// `var(input, dim=None, unbiased=None, keepdim=False, correction=1)`.
    public static let var_ = OpSpec(
        "var", params: varianceParams, gradFn: "VarBackward0",
        summary: "variance, divided by N - correction (default 1; unbiased=false means 0)",
        samples: [OpSample([[5]]), OpSample([[3, 4]], attrs: Attrs(["dim": .int(1), "correction": .double(0)]))],
        dtype: .floatingOnly { _ in varianceDTypeError },
        forward: varianceForward(takeSqrt: false, forMean: false),
        derivative: .vjp { ctx, g in [try varianceVJP(ctx, keptGradient(g, ctx))] })

    /// `std(input, dim=None, unbiased=None, keepdim=False, correction=1)`: the square root of `var`.
    public static let std = OpSpec(
        "std", params: varianceParams, gradFn: "StdBackward0",
        summary: "standard deviation, divided by N - correction (default 1)",
        kinks: "where the standard deviation is 0 the gradient is 0",
        samples: [OpSample([[5]]), OpSample([[3, 4]], attrs: Attrs(["dim": .int(0), "unbiased": .bool(false)]))],
        dtype: .floatingOnly { _ in varianceDTypeError },
        forward: varianceForward(takeSqrt: true, forMean: false),
        derivative: .vjp { ctx, g in
            let dims = try reductionDims(ctx.attrs, rank: ctx[0].shape.count)
            let result = try ctx.result().reshaped(to: keptShape(ctx[0].shape, dims: dims))
            let zero = try result == 0
            let half = try Variable.where(zero, 0, keptGradient(g, ctx) / (Variable.where(zero, 1, result) * 2))
            return [try varianceVJP(ctx, half)]
        }).savingResult()

    /// For each row of a 2-D tensor, the product of the row's other elements, by prefix and
    /// suffix products: exact where elements are zero, with no division. Not in the registry.
    static let productOfOthers: OpSpec = OpSpec(
        "prod_of_others", params: [input], gradFn: "ProdBackward0", summary: "product of the other elements of each row",
        forward: { args in
            let x = args[0], n = x.shape[1]
            var out = [Double](repeating: 1, count: x.count)
            for row in stride(from: 0, to: x.count, by: Swift.max(n, 1)) {
                var prefix = 1.0
                for j in 0..<n { out[row + j] = prefix; prefix *= x.data[row + j] }
                var suffix = 1.0
                for j in stride(from: n - 1, through: 0, by: -1) { out[row + j] *= suffix; suffix *= x.data[row + j] }
            }
            return Tensor(shape: x.shape, data: out)
        },
        derivative: .vjp { ctx, g in
            // d out_i / d x_j = product of the elements other than i and j. Row j of `pinned`
            // is x with x_j set to 1, so its products of others give that for i != j; the
            // diagonal term (i == j) is removed again.
            let x = ctx[0], n = x.shape[1]
            let eye = Variable(Tensor(shape: [n, n], data: (0..<n * n).map { $0 / n == $0 % n ? 1 : 0 }))
            let pinned = try x.reshape([x.shape[0], 1, n]) * (1 - eye) + eye
            let others = try pinned.reshape([x.shape[0] * n, n]).productOfOthers().reshape([x.shape[0], n, n])
            let total = try (others * g.reshape([x.shape[0], 1, n])).sum(dim: [2])
            return [try total - g * x.productOfOthers()]
        })
}

extension Variable {
    /// The product of all elements, or over `dim`.
    public func prod(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.prod, [self], Ops.reductionAttrs(dim, keepdim))
    }
    /// The largest element, or the largest values over `dim` (values only; the gradient
    /// goes to the first occurrence of each).
    public func max(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.max, [self], Ops.reductionAttrs(dim, keepdim))
    }
    /// The smallest element, or the smallest values over `dim` (values only; the gradient
    /// goes to the first occurrence of each).
    public func min(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.min, [self], Ops.reductionAttrs(dim, keepdim))
    }
    /// The largest values over `dim` (all dimensions when nil).
    public func amax(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.amax, [self], Ops.reductionAttrs(dim, keepdim))
    }
    /// The smallest values over `dim` (all dimensions when nil).
    public func amin(dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply(Ops.amin, [self], Ops.reductionAttrs(dim, keepdim))
    }
    /// The vector p-norm, over `dim` when given.
    public func norm(p: Double = 2, dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        var attrs = Ops.reductionAttrs(dim, keepdim)
        attrs["p"] = .double(p)
        return try apply(Ops.norm, [self], attrs)
    }
    /// The variance with `correction` (1: unbiased, 0: population), over `dim` when given.
    public func variance(dim: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Variable {
        var attrs = Ops.reductionAttrs(dim, keepdim)
        attrs["correction"] = .double(correction)
        return try apply(Ops.var_, [self], attrs)
    }
    /// The standard deviation with `correction`, over `dim` when given.
    public func std(dim: [Int]? = nil, correction: Double = 1, keepdim: Bool = false) throws -> Variable {
        var attrs = Ops.reductionAttrs(dim, keepdim)
        attrs["correction"] = .double(correction)
        return try apply(Ops.std, [self], attrs)
    }

    /// Each row's product of its other elements (2-D input).
    func productOfOthers() throws -> Variable { try apply(Ops.productOfOthers, [self]) }

    /// This 0/1 mask with elements below `bound` replaced by `value` (a constant).
    func `where`(lessThan bound: Double, _ value: Double) throws -> Variable {
        try Variable.where(self < Variable(bound), Variable(value), self)
    }
}

extension Ops {
    /// Attributes of a reduction call.
    static func reductionAttrs(_ dim: [Int]?, _ keepdim: Bool) -> Attrs {
        Attrs(["dim": dim.map(AttrValue.ints) ?? .none, "keepdim": .bool(keepdim)])
    }
}
