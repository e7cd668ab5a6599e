// Reductions over all elements or over `dim` (an int or a list), with `keepdim`.

extension Ops {
    static let reductions: [OpSpec] = [sum, mean]

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
        return try g.reshape(keptShape(shape, dims: dims)).expand(shape)
    }

    /// Sum of elements, over `dim` when given.
    public static let sum = OpSpec(
        "sum", params: [input, optionalDim, keepdim], gradFn: "SumBackward0", gradFnWithDim: "SumBackward1",
        summary: "sum of the elements, over dim when given",
        samples: [OpSample([[3, 2]]), OpSample([[3, 2]], attrs: Attrs(["dim": .int(1), "keepdim": .bool(true)])),
                  OpSample([[2, 3, 2]], attrs: Attrs(["dim": .ints([0, -1])]))],
        forward: { args in
            let dims = try reductionDims(args.attrs, rank: args[0].rank)
            return args[0].reduced(dims: dims, keepdim: args.attrs.bool("keepdim"), initial: 0, +)
        },
        derivative: .vjp { ctx, g in [try expandReduced(g, ctx)] })

    /// Mean of elements, over `dim` when given.
    public static let mean = OpSpec(
        "mean", params: [input, optionalDim, keepdim], gradFn: "MeanBackward0", gradFnWithDim: "MeanBackward1",
        summary: "mean of the elements, over dim when given",
        samples: [OpSample([[3, 2]]), OpSample([[3, 2]], attrs: Attrs(["dim": .int(0)]))],
        forward: { args in
            let x = args[0]
            let dims = try reductionDims(args.attrs, rank: x.rank)
            let n = Double(dims.reduce(1) { $0 * x.shape[$1] })
            return x.reduced(dims: dims, keepdim: args.attrs.bool("keepdim"), initial: 0, +).map { $0 / n }
        },
        derivative: .vjp { ctx, g in
            let shape = ctx[0].shape
            let dims = try reductionDims(ctx.attrs, rank: shape.count)
            let n = Double(dims.reduce(1) { $0 * shape[$1] })
            return [try expandReduced(g, ctx) / Variable(n)]
        })
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
