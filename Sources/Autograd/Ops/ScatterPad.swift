// `scatter` (a tensor or a number written at the places an index names) and `pad` with a
// constant (F.pad; negative amounts crop). Both VJPs move the gradient back with the same
// index or the opposite padding, so they are linear and every order exists.

extension Ops {
    static let scatterPad: [OpSpec] = [scatter, pad]

    /// `scatter(input, dim, index, src)`: input with `src[i][j]` written at `[index[i][j]][j]`
    /// (dim 0); a number as `src` is written everywhere index names (PyTorch's `value=` form).
    public static let scatter: OpSpec = OpSpec(
        "scatter", params: [input, Param("dim", .int), indexParam, Param("src", .tensor)], gradFn: "ScatterBackward0",
        gradFnForInputs: { inputs, _ in inputs.count > 2 && inputs[2].shape.isEmpty ? "ScatterBackward1" : "ScatterBackward0" },
        summary: "input with src (or a number) written at the positions index names along dim",
        kinks: "where index repeats a position, the last write wins (PyTorch leaves it unspecified)",
        samples: [OpSample([[3, 2], [2, 2], [2, 2]], attrs: ["dim": .int(0)], constantInputs: [1],
                           fixed: [1: Tensor(shape: [2, 2], data: [2, 0, 1, 1])]),
                  OpSample([[3, 2], [2, 2], []], attrs: ["dim": .int(0)], constantInputs: [1],
                           fixed: [1: Tensor(shape: [2, 2], data: [2, 0, 1, 1])])],
        forward: { args in
            let x = args[0], index = args[1], src = args[2]
            try refuseBoolIndex(index, "scatter")
            let dim = try normalize(dim: args.attrs.int("dim"), rank: x.rank)
            guard index.rank == x.rank || index.count == 0 else {
                throw OpError.value("Index tensor must have the same number of dimensions as self tensor")
            }
            if src.rank > 0 {
                guard src.rank == index.rank, zip(index.shape, src.shape).allSatisfy({ $0 <= $1 }) else {
                    throw OpError.value("Expected index \(describe(shape: index.shape)) to be smaller than self \(describe(shape: x.shape)) apart from dimension \(dim) and to be smaller size than src \(describe(shape: src.shape))")
                }
            }
            let offsets = try gatherOffsets(x.shape, dim: dim, index: index)
            var out = x
            let srcStrides = Tensor.strides(of: src.shape)
            for (k, offset) in offsets.enumerated() {
                if src.rank == 0 { out.data[offset] = src.data[0]; continue }
                let position = Tensor.index(ofOffset: k, in: index.shape)
                out.data[offset] = src.data[zip(position, srcStrides).reduce(0) { $0 + $1.0 * $1.1 }]
            }
            return out
        },
        derivative: .vjp { ctx, g in
            // The written places get no gradient from input; src gets the gradient there.
            let attrs: Attrs = ["dim": ctx.attrs["dim"]]
            let cleared = try apply(scatter, [g, ctx[1], Variable(0)], attrs)
            let src = ctx[2].shape.isEmpty ? try apply(gather, [g, ctx[1]], attrs).sum() : try apply(gather, [g, ctx[1]], attrs)
            return [cleared, nil, src]
        })

    /// The padded shape and, per dimension, the amount added before: `pad` lists
    /// (before, after) pairs from the last dimension backwards, as F.pad takes them.
    static func padding(_ shape: [Int], _ pad: [Int]) throws -> (shape: [Int], before: [Int]) {
        guard pad.count % 2 == 0 else { throw OpError.value("Padding length must be divisible by 2") }
        guard pad.count / 2 <= shape.count else {
            throw OpError.value("Padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(shape.count)")
        }
        var out = shape, before = [Int](repeating: 0, count: shape.count)
        for pair in 0..<(pad.count / 2) {
            let d = shape.count - 1 - pair
            out[d] = shape[d] + pad[2 * pair] + pad[2 * pair + 1]
            before[d] = pad[2 * pair]
            guard out[d] >= 0 else {
                throw OpError.value("The input size \(shape[d]), plus negative padding \(pad[2 * pair]) and \(pad[2 * pair + 1]) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.")
            }
        }
        return (out, before)
    }

    /// `pad(input, pad, mode='constant', value=0)`: input with `value` added around it
    /// (negative amounts crop).
    public static let pad: OpSpec = OpSpec(
        "pad", params: [input, Param("pad", .ints), Param("mode", .string(choices: ["constant"]), default: .string("constant")),
                        Param("value", .double, default: AttrValue.none)],
        gradFn: "ConstantPadNdBackward0", summary: "input padded with value (pairs from the last dimension; negative crops)",
        samples: [OpSample([[2, 3]], attrs: ["pad": .ints([1, 2])]), OpSample([[2, 3]], attrs: ["pad": .ints([0, -1, 1, 1]), "value": .double(0.5)])],
        forward: { args in
            let x = args[0]
            let (shape, before) = try padding(x.shape, args.attrs.optionalInts("pad") ?? [])
            var out = Tensor(repeating: args.attrs.optionalDouble("value") ?? 0, shape: shape)
            out.dtype = x.dtype
            let strides = Tensor.strides(of: shape)
            for offset in 0..<x.count {
                let index = Tensor.index(ofOffset: offset, in: x.shape)
                var target = 0, inside = true
                for (d, i) in index.enumerated() {
                    let j = i + before[d]
                    if j < 0 || j >= shape[d] { inside = false; break }
                    target += j * strides[d]
                }
                if inside { out.data[target] = x.data[offset] }
            }
            return out
        },
        derivative: .vjp { ctx, g in
            let negated = (ctx.attrs.optionalInts("pad") ?? []).map { -$0 }
            return [try apply(pad, [g], ["pad": .ints(negated)])]
        })
}
