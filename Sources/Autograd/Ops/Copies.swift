// Ops that copy or rearrange elements without arithmetic: `clone`, `flip`, `roll`, `tril`,
// `triu`. Their VJPs apply the inverse rearrangement (or the same mask), so they are linear
// in the gradient and every order of derivative exists.

extension Ops {
    static let copies: [OpSpec] = [clone, flip, roll, tril, triu, cumsum, repeatTiles, narrow, diagonal, diagEmbed]

    /// `clone(input)`: a copy, with its own node (`CloneBackward0`).
    public static let clone: OpSpec = OpSpec(
        "clone", params: [input], gradFn: "CloneBackward0", summary: "a copy of input",
        samples: [OpSample([[3, 2]])],
        forward: { args in args[0] },
        derivative: .vjp { _, g in [g] })

    /// `input.copy_(src)` out of place: src broadcast to input's shape and cast to its dtype.
    /// PyTorch's node is CopyBackwards: input's old value gets a zero gradient, src the gradient.
    /// Not in the registry (programs reach it as `copy_`; the engine copies a first gradient with it).
    public static let copy: OpSpec = OpSpec(
        "copy", params: [input, Param("src", .tensor)], gradFn: "CopyBackwards", summary: "src written over input",
        dtype: .ofFirstInput,  // the destination keeps its dtype
        forward: { args in
            let shape = try Tensor.broadcastShapeOrThrow(args[0].shape, args[1].shape)
            guard shape == args[0].shape else {
                throw OpError.shape("output with shape \(describe(shape: args[0].shape)) doesn't match the broadcast shape \(describe(shape: shape))")
            }
            return try args[1].expanded(to: shape)
        },
        derivative: .vjp { ctx, g in
            [ctx[0].requiresGrad ? Variable(Tensor.zeros(g.shape).converted(to: g.dtype)) : nil, g]
        })

    /// The flat offset each output element of a rearrangement reads in `shape`.
    static func rearranged(_ x: Tensor, _ source: ([Int]) -> [Int]) -> Tensor {
        let strides = Tensor.strides(of: x.shape)
        let data = (0..<x.count).map { offset -> Double in
            let from = source(Tensor.index(ofOffset: offset, in: x.shape))
            return x.data[zip(from, strides).reduce(0) { $0 + $1.0 * $1.1 }]
        }
        return Tensor(shape: x.shape, data: data, dtype: x.dtype)
    }

    /// `flip(input, dims)`: the order of elements reversed along each of `dims`.
    public static let flip: OpSpec = OpSpec(
        "flip", params: [input, Param("dims", .ints)], gradFn: "FlipBackward0", summary: "elements in reverse order along dims",
        samples: [OpSample([[3, 2]], attrs: ["dims": .ints([0])]), OpSample([[2, 3, 2]], attrs: ["dims": .ints([0, 2])])],
        forward: { args in
            let x = args[0]
            let dims = try Set((args.attrs.optionalInts("dims") ?? []).map { try normalize(dim: $0, rank: x.rank) })
            return rearranged(x) { index in index.enumerated().map { dims.contains($0.offset) ? x.shape[$0.offset] - 1 - $0.element : $0.element } }
        },
        derivative: .vjp { ctx, g in [try apply(flip, [g], ctx.attrs)] })

    /// `roll(input, shifts, dims=None)`: elements shifted cyclically along `dims` (flattened when absent).
    public static let roll: OpSpec = OpSpec(
        "roll", params: [input, Param("shifts", .ints), Param("dims", .ints, default: AttrValue.none)], gradFn: "RollBackward0",
        summary: "elements shifted cyclically by shifts along dims (flattened when dims is absent)",
        samples: [OpSample([[3, 2]], attrs: ["shifts": .int(1), "dims": .int(0)]), OpSample([[5]], attrs: ["shifts": .int(-2)]),
                  OpSample([[3, 4]], attrs: ["shifts": .ints([1, -1]), "dims": .ints([0, 1])])],
        forward: { args in
            let x = args[0], shifts = args.attrs.optionalInts("shifts") ?? []
            guard let dimsGiven = args.attrs.optionalInts("dims") else {
                guard shifts.count == 1 else { throw OpError.value("shifts and dimensions must align. shifts: \(shifts.count), dims:0") }
                let flat = x.reshaped([x.count])
                return rearranged(flat) { index in [x.count == 0 ? 0 : ((index[0] - shifts[0]) % x.count + x.count) % x.count] }.reshaped(x.shape)
            }
            guard shifts.count == dimsGiven.count else {
                throw OpError.value("shifts and dimensions must align. shifts: \(shifts.count), dims:\(dimsGiven.count)")
            }
            let dims = try dimsGiven.map { try normalize(dim: $0, rank: x.rank) }
            return rearranged(x) { index in
                var from = index
                for (d, s) in zip(dims, shifts) where x.shape[d] > 0 { from[d] = ((index[d] - s) % x.shape[d] + x.shape[d]) % x.shape[d] }
                return from
            }
        },
        derivative: .vjp { ctx, g in
            var attrs = ctx.attrs
            attrs["shifts"] = .ints((ctx.attrs.optionalInts("shifts") ?? []).map { -$0 })
            return [try apply(roll, [g], attrs)]
        })

    /// A triangle of the last two dimensions: `tril` keeps `j - i <= diagonal`, `triu` `j - i >= diagonal`.
    static func triangle(_ name: String, gradFn: String, lower: Bool) -> OpSpec {
        OpSpec(name, params: [input, Param("diagonal", .int, default: .int(0))], gradFn: gradFn,
               summary: "the \(lower ? "lower" : "upper") triangle of the last two dimensions, other entries 0",
               samples: [OpSample([[3, 3]]), OpSample([[2, 3, 4]], attrs: ["diagonal": .int(lower ? -1 : 1)])],
               forward: { args in
                   let x = args[0], k = try args.attrs.int("diagonal")
                   guard x.rank >= 2 else { throw OpError.value("\(name): input tensor must have at least 2 dimensions") }
                   let rows = x.shape[x.rank - 2], cols = x.shape[x.rank - 1]
                   var out = x
                   for offset in 0..<x.count {
                       let j = offset % cols, i = (offset / cols) % rows
                       if lower ? j - i > k : j - i < k { out.data[offset] = 0 }
                   }
                   return out
               },
               derivative: .vjp { ctx, g in [try apply(lower ? tril : triu, [g], ctx.attrs)] })
    }

    /// `tril(input, diagonal=0)`.
    public static let tril: OpSpec = triangle("tril", gradFn: "TrilBackward0", lower: true)
    /// `triu(input, diagonal=0)`.
    public static let triu: OpSpec = triangle("triu", gradFn: "TriuBackward0", lower: false)

    /// `cumsum(input, dim)`: running sums along `dim`.
    public static let cumsum: OpSpec = OpSpec(
        "cumsum", params: [input, Param("dim", .int), .dtype], gradFn: "CumsumBackward0", summary: "running sums along dim",
        samples: [OpSample([[3, 4]], attrs: ["dim": .int(1)]), OpSample([[4, 2]], attrs: ["dim": .int(0)])],
        dtype: .integralToInt64,  // integers and bools add up as int64, as PyTorch
        forward: exactInt64 { args in
            let x = args[0]
            guard x.rank > 0 else { return x }
            let dim = try normalize(dim: args.attrs.int("dim"), rank: x.rank)
            let (outer, size, inner) = x.lanes(dim)
            var out = x
            for o in 0..<outer {
                for j in 1..<Swift.max(size, 1) {
                    for i in 0..<inner { out.data[(o * size + j) * inner + i] += out.data[(o * size + j - 1) * inner + i] }
                }
            }
            return out
        },
        derivative: .vjp { ctx, g in
            // The sums of g from each position to the end: cumsum of g reversed, reversed back.
            guard ctx[0].shape.count > 0 else { return [g] }
            let dims: Attrs = ["dims": .ints([try ctx.attrs.int("dim")])]
            // With dtype=, PyTorch casts the gradient back to the input's dtype first.
            let reversed = try apply(flip, [try g.to(ctx[0].dtype)], dims)
            return [try apply(flip, [try apply(cumsum, [reversed], ["dim": ctx.attrs["dim"]])], dims)]
        }).castingInputToDType(recorded: false) { $0 == .bool ? "\"cumsum_out_cpu\" not implemented for 'Bool'" : nil }

    /// `repeat(input, *sizes)`: input tiled `sizes[d]` times along each dimension (new
    /// leading dimensions when `sizes` is longer than the rank).
    public static let repeatTiles: OpSpec = OpSpec(
        "repeat", params: [input, Param("sizes", .ints)], gradFn: "RepeatBackward0",
        summary: "input tiled sizes[d] times along each dimension",
        samples: [OpSample([[2, 3]], attrs: ["sizes": .ints([2, 1])]), OpSample([[3]], attrs: ["sizes": .ints([2, 2])])],
        forward: { args in
            let x = args[0], sizes = args.attrs.optionalInts("sizes") ?? []
            guard sizes.count >= x.rank else {
                throw OpError.value("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
            }
            let shape = Array(repeating: 1, count: sizes.count - x.rank) + x.shape
            let outShape = zip(shape, sizes).map { $0 * $1 }
            _ = try Tensor.checkedCount(of: outShape)
            let strides = Tensor.strides(of: shape)
            let data = (0..<Tensor.count(of: outShape)).map { offset -> Double in
                let index = Tensor.index(ofOffset: offset, in: outShape)
                return x.data[zip(zip(index, shape).map { $0 % $1 }, strides).reduce(0) { $0 + $1.0 * $1.1 }]
            }
            return Tensor(shape: outShape, data: data, dtype: x.dtype)
        },
        derivative: .vjp { ctx, g in
            // Each tile's gradient adds up: view g as [r0, s0, r1, s1, ...] and sum the r's.
            let sizes = ctx.attrs.optionalInts("sizes") ?? []
            let shape = Array(repeating: 1, count: sizes.count - ctx[0].shape.count) + ctx[0].shape
            let split = zip(sizes, shape).flatMap { [$0, $1] }
            let summed = try g.reshape(split).sum(dim: Array(stride(from: 0, to: split.count, by: 2)))
            return [try summed.reshape(ctx[0].shape)]
        })

    /// `narrow(input, dim, start, length)`: `length` elements from `start` along `dim`.
    public static let narrow: OpSpec = OpSpec(
        "narrow", params: [input, Param("dim", .int), Param("start", .int), Param("length", .int)], gradFn: "SliceBackward0",
        summary: "length elements from start along dim",
        samples: [OpSample([[4, 2]], attrs: ["dim": .int(0), "start": .int(1), "length": .int(2)])],
        forward: { args in
            let x = args[0]
            let dim = try normalize(dim: args.attrs.int("dim"), rank: x.rank)
            var start = try args.attrs.int("start")
            let length = try args.attrs.int("length")
            if start < 0 { start += x.shape[dim] }
            guard start >= 0, length >= 0, start + length <= x.shape[dim] else {
                throw OpError.value("start (\(start)) + length (\(length)) exceeds dimension size (\(x.shape[dim])).")
            }
            return x.strided(dim: dim, start: start, step: 1, count: length)
        },
        derivative: .vjp { ctx, g in
            var start = try ctx.attrs.int("start")
            let dim = try normalize(dim: ctx.attrs.int("dim"), rank: ctx[0].shape.count)
            if start < 0 { start += ctx[0].shape[dim] }
            let attrs: Attrs = ["input_sizes": .ints(ctx[0].shape), "dim": .int(dim), "start": .int(start),
                                "end": .int(start + (try ctx.attrs.int("length"))), "step": .int(1)]
            return [try apply(sliceBackward, [g], attrs)]
        })

    /// The flat offsets in a tensor of `shape` that `diagonal` reads, in output order, and the output's shape.
    static func diagonalOffsets(_ shape: [Int], _ attrs: Attrs) throws -> (offsets: [Int], shape: [Int]) {
        let rank = shape.count
        guard rank >= 2 else { throw OpError.value("diagonal dimensions requested must be in range; input has \(rank) dimensions") }
        let d1 = try normalize(dim: attrs.int("dim1"), rank: rank), d2 = try normalize(dim: attrs.int("dim2"), rank: rank)
        guard d1 != d2 else { throw OpError.value("diagonal dimensions cannot be identical \(d1), \(d2)") }
        let offset = try attrs.int("offset")
        let length = Swift.max(0, offset >= 0 ? Swift.min(shape[d1], shape[d2] - offset) : Swift.min(shape[d1] + offset, shape[d2]))
        let kept = (0..<rank).filter { $0 != d1 && $0 != d2 }
        let outShape = kept.map { shape[$0] } + [length]
        let strides = Tensor.strides(of: shape)
        let offsets = (0..<Tensor.count(of: outShape)).map { o -> Int in
            let index = Tensor.index(ofOffset: o, in: outShape)
            var source = [Int](repeating: 0, count: rank)
            for (i, d) in kept.enumerated() { source[d] = index[i] }
            let k = index[kept.count]
            source[d1] = k + Swift.max(0, -offset)
            source[d2] = k + Swift.max(0, offset)
            return zip(source, strides).reduce(0) { $0 + $1.0 * $1.1 }
        }
        return (offsets, outShape)
    }

    /// `diagonal(input, offset=0, dim1=0, dim2=1)`: the diagonal of the (dim1, dim2) planes, as a last dimension.
    public static let diagonal: OpSpec = OpSpec(
        "diagonal", params: [input, Param("offset", .int, default: .int(0)), Param("dim1", .int, default: .int(0)),
                             Param("dim2", .int, default: .int(1))],
        gradFn: "DiagonalBackward0", summary: "the diagonal of the (dim1, dim2) planes (offset above it when > 0)",
        samples: [OpSample([[3, 3]]), OpSample([[2, 3, 4]], attrs: ["offset": .int(1), "dim1": .int(1), "dim2": .int(2)]),
                  OpSample([[3, 4]], attrs: ["offset": .int(-1)])],
        forward: { args in
            let (offsets, shape) = try diagonalOffsets(args[0].shape, args.attrs)
            return Tensor(shape: shape, data: offsets.map { args[0].data[$0] }, dtype: args[0].dtype)
        },
        derivative: .vjp { ctx, g in
            var attrs = ctx.attrs
            attrs["input_sizes"] = .ints(ctx[0].shape)
            return [try apply(diagonalBackward, [g], attrs)]
        })

    /// `diag_embed(input, offset=0, dim1=-2, dim2=-1)`: the last dimension of input placed on the
    /// diagonals of new (dim1, dim2) planes, zeros elsewhere. It is `diagonal`'s gradient with the
    /// shape worked out from input, so the two stay each other's VJP.
    public static let diagEmbed: OpSpec = OpSpec(
        "diag_embed", params: [input, Param("offset", .int, default: .int(0)), Param("dim1", .int, default: .int(-2)),
                               Param("dim2", .int, default: .int(-1))],
        gradFn: "DiagEmbedBackward0", summary: "input's last dimension on the diagonals of new (dim1, dim2) planes",
        samples: [OpSample([[3]]), OpSample([[2, 3]], attrs: ["offset": .int(1), "dim1": .int(0), "dim2": .int(2)]),
                  OpSample([[2, 2]], attrs: ["offset": .int(-1)])],
        forward: { args in try placedOnDiagonal(args[0], try diagEmbedAttrs(args[0].shape, args.attrs)) },
        derivative: .vjp { ctx, g in [try apply(diagonal, [g], try diagEmbedAttrs(ctx[0].shape, ctx.attrs))] })

    /// `values` placed on the diagonal that `diagonal` with `attrs` reads from zeros of `input_sizes`.
    static func placedOnDiagonal(_ values: Tensor, _ attrs: Attrs) throws -> Tensor {
        let target = attrs.optionalInts("input_sizes") ?? []
        let (offsets, _) = try diagonalOffsets(target, attrs)
        var out = Tensor.zeros(target)
        for (i, offset) in offsets.enumerated() { out.data[offset] += values.data[i] }
        return out
    }

    /// `diagonal`'s attributes that read `diag_embed`'s result back, with the result's shape as `input_sizes`.
    static func diagEmbedAttrs(_ shape: [Int], _ attrs: Attrs) throws -> Attrs {
        guard let length = shape.last else { throw OpError.value("diag_embed(): input must be at least 1-dimensional") }
        let rank = shape.count + 1, offset = try attrs.int("offset")
        let d1 = try normalize(dim: attrs.int("dim1"), rank: rank), d2 = try normalize(dim: attrs.int("dim2"), rank: rank)
        guard d1 != d2 else { throw OpError.value("diagonal dimensions cannot be identical \(try attrs.int("dim1")), \(try attrs.int("dim2"))") }
        var sizes = [Int](repeating: length + Swift.abs(offset), count: rank)
        var batch = shape.dropLast().makeIterator()
        for d in 0..<rank where d != d1 && d != d2 { sizes[d] = batch.next()! }
        return ["input_sizes": .ints(sizes), "offset": .int(offset), "dim1": .int(d1), "dim2": .int(d2)]
    }

    /// The gradient of `diagonal`: `grad` placed on the diagonal of zeros of `input_sizes`. Not in the registry.
    static let diagonalBackward: OpSpec = OpSpec(
        "diagonal_backward", params: [Param("grad", .tensor), Param("input_sizes", .ints), Param("offset", .int),
                                      Param("dim1", .int), Param("dim2", .int)],
        gradFn: "DiagonalBackwardBackward0", summary: "the gradient of diagonal",
        forward: { args in try placedOnDiagonal(args[0], args.attrs) },
        derivative: .vjp { ctx, g in [try apply(diagonal, [g], ctx.attrs)] })
}
