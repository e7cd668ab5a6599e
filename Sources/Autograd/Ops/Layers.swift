// Batched and fused matrix products and layer functions: `bmm`, `addmm`, `linear`,
// `masked_fill`. VJPs are written with `matmul` and `where`, so they differentiate again.

extension Ops {
    static let layers: [OpSpec] = [bmm, addmm, linear, maskedFill]

    /// `bmm(input, mat2)`: a batch of matrix products, `[b, n, m] @ [b, m, p]`.
    public static let bmm: OpSpec = OpSpec(
        "bmm", params: [input, Param("mat2", .tensor)], gradFn: "BmmBackward0", summary: "batched matrix product of 3-D tensors",
        samples: [OpSample([[2, 2, 3], [2, 3, 2]])],
        forward: { args in
            let a = args[0], b = args[1]
            guard a.rank == 3 else { throw OpError.shape("batch1 must be a 3D tensor") }
            guard b.rank == 3 else { throw OpError.shape("batch2 must be a 3D tensor") }
            guard a.shape[0] == b.shape[0], a.shape[2] == b.shape[1] else {
                throw OpError.shape("Expected size for first two dimensions of batch2 tensor to be: [\(a.shape[0]), \(a.shape[2])] but got: [\(b.shape[0]), \(b.shape[1])].")
            }
            return try matmulForward(a, b)
        },
        derivative: .vjp(matmulVJP))

    /// `addmm(input, mat1, mat2, beta=1, alpha=1)`: `beta * input + alpha * (mat1 @ mat2)`.
    public static let addmm: OpSpec = OpSpec(
        "addmm", params: [input, Param("mat1", .tensor), Param("mat2", .tensor), Param("beta", .double, default: .double(1)),
                          Param("alpha", .double, default: .double(1))],
        gradFn: "AddmmBackward0", summary: "beta * input + alpha * (mat1 @ mat2); input broadcasts",
        samples: [OpSample([[2, 4], [2, 3], [3, 4]]), OpSample([[4], [2, 3], [3, 4]], attrs: ["beta": .double(0.5), "alpha": .double(2)])],
        forward: { args in
            guard args[1].rank == 2, args[2].rank == 2 else { throw OpError.shape("mat1 must be a matrix, got \(args[1].rank)-D tensor") }
            guard args[1].shape[1] == args[2].shape[0] else {
                throw OpError.shape("mat1 and mat2 shapes cannot be multiplied (\(args[1].shape[0])x\(args[1].shape[1]) and \(args[2].shape[0])x\(args[2].shape[1]))")
            }
            let beta = try args.attrs.double("beta"), alpha = try args.attrs.double("alpha")
            let product = try matmulForward(args[1], args[2])
            guard let shape = Tensor.broadcastShape(args[0].shape, product.shape), shape == product.shape else {
                throw OpError.shape("The expanded size of the tensor (\(product.shape.last ?? 0)) must match the existing size at non-singleton dimension")
            }
            return try Tensor.zip(args[0], product) { beta * $0 + alpha * $1 }
        },
        derivative: .vjp { ctx, g in
            let beta = try ctx.attrs.double("beta"), alpha = try ctx.attrs.double("alpha")
            let ga = alpha == 1 ? g : try g * Variable(alpha)
            return [beta == 1 ? g : try g * Variable(beta), try ga.matmul(ctx[2].t()), try ctx[1].t().matmul(ga)]
        })

    /// The node PyTorch gives `linear`: `addmm` for a matrix with bias, `mm` without, views otherwise.
    static func linearGradFn(_ inputs: [Variable], _ attrs: Attrs) -> String {
        let rank = inputs[0].shape.count, hasBias = attrs.bool("bias")
        switch (rank, hasBias) {
        case (2, true): return "AddmmBackward0"
        case (2, false): return "MmBackward0"
        case (1, false): return "SqueezeBackward4"
        case (_, false): return "UnsafeViewBackward0"
        default: return "ViewBackward0"
        }
    }

    /// `linear(input, weight, bias=None)`: `input @ weight.T + bias`.
    public static let linear: OpSpec = OpSpec(
        "linear", params: [input, Param("weight", .tensor), Param("bias", .tensor, default: AttrValue.none)],
        gradFn: "AddmmBackward0", gradFnForInputs: linearGradFn, summary: "input @ weight.T + bias",
        samples: [OpSample([[2, 3], [4, 3], [4]]), OpSample([[3], [2, 3]]), OpSample([[2, 2, 3], [4, 3], [4]])],
        dtype: linearDType,
        forward: { args in
            let x = args[0], w = args[1]
            guard w.rank == 2 || w.rank == 1, x.shape.last == w.shape.last else {
                throw OpError.shape("mat1 and mat2 shapes cannot be multiplied (\(x.shape.dropLast().reduce(1, *))x\(x.shape.last ?? 0) and \(w.shape.last ?? 0)x\(w.shape.first ?? 0))")
            }
            let product = try matmulForward(x, w.permuted(Array((0..<w.rank).reversed())))
            guard let bias = args.optional("bias") else { return product }
            return try Tensor.zip(product, bias, +)
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0], w = ctx[1]
            let rows = x.shape.dropLast().reduce(1, *), outputs = w.shape.count == 2 ? w.shape[0] : 1
            // g has x's leading shape and one output per row of w (none for a 1-D w).
            let gRows = try g.reshape([rows, outputs])
            let gx = w.shape.count == 2 ? try g.matmul(w) : try g.reshape(g.shape + [1]) * w
            let gw = try gRows.t().matmul(x.reshape([rows, x.shape.last ?? 1])).reshape(w.shape)
            return ctx.optional("bias") != nil ? [gx, gw, g] : [gx, gw]
        })

    /// linear's inputs share one dtype, as its addmm does not promote (F.linear of a float64
    /// input with nn.Linear's float32 weight is PyTorch's error).
    public static let linearDType: DTypeRule = .promoteRefusing(accepted: "float32, float64; input and weight of one dtype") { inputs, _, _ in
        let a = inputs[0].value.dtype, b = inputs[1].value.dtype
        return a == b ? nil : "mat1 and mat2 must have the same dtype, but got \(a.pytorchTypeName) and \(b.pytorchTypeName)"
    }

    /// `masked_fill(input, mask, value)`: `value` where `mask` is true, else input. `value` is a
    /// number (`MaskedFillBackward0`) or a 0-d tensor, which gets the gradient of the filled
    /// places (`MaskedFillBackward1`).
    public static let maskedFill: OpSpec = OpSpec(
        "masked_fill", params: [input, Param("mask", .tensor), Param("value", .tensor)], gradFn: "MaskedFillBackward0",
        gradFnForInputs: { inputs, _ in inputs.count > 2 && !inputs[2].isWrappedNumber ? "MaskedFillBackward1" : "MaskedFillBackward0" },
        summary: "value where mask is true, input elsewhere",
        kinks: "the filled places get no gradient from input; a tensor value gets their sum",
        samples: [OpSample([[3, 2], [3, 2], []], constantInputs: [1],
                           fixed: [1: Tensor(shape: [3, 2], data: [1, 0, 0, 1, 1, 0], dtype: .bool)])],
        dtype: .ofFirstInput,  // the value is cast to the input's dtype
        forward: { args in
            guard args[2].rank == 0 else {
                throw OpError.value("masked_fill_ only supports a 0-dimensional value tensor, but got tensor with \(args[2].rank) dimension(s).")
            }
            let value = args[2].data[0]
            let x = args[0], mask = try args[1].expanded(to: args[0].shape)
            return Tensor(shape: x.shape, data: (0..<x.count).map { mask.data[$0] != 0 ? value : x.data[$0] }, dtype: x.dtype)
        },
        derivative: .vjp { ctx, g in
            // The value's gradient sums the filled places alone, as PyTorch's masked_select(grad, mask).sum().
            var filled: Variable?
            if ctx[2].requiresGrad {
                let mask = ctx[1].shape == g.shape ? ctx[1] : try ctx[1].expand(g.shape)
                filled = try apply(index, [g, mask], ["dim": .int(0)]).sum()
            }
            return [try Variable.where(ctx[1], 0, g), nil, filled]
        })
}
