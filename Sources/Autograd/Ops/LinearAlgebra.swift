// Matrix products with PyTorch's `matmul` semantics. Every product, forward and in the
// VJPs, runs on the blocked GEMM of Tensor+Matmul.swift; the VJPs use `Ops.product`,
// whose transpose flags make `A^T G` and `G B^T` free of transposed copies.

extension Ops {
    static let linearAlgebra: [OpSpec] = [matmul, mm, dot, mv, outer] + matrixFunctions

    /// `matmul(input, other)`: the product of PyTorch's `torch.matmul` (also `@`).
    ///
    /// 1-D·1-D is a dot product, 2-D@2-D a matrix product, 1-D@2-D and 2-D@1-D treat the
    /// vector as a row or column that is removed again, and higher ranks are batches of
    /// matrices whose leading dimensions broadcast.
    public static let matmul = OpSpec(
        "matmul", params: [input, other], gradFn: "MmBackward0",
        gradFnForInputs: { inputs, _ in matmulGradFnName(inputs[0].shape.count, inputs[1].shape.count) },
        summary: "matrix product with broadcasting batches (1-D: dot, 2-D: mm, mixed: mv)",
        samples: [OpSample([[3], [3]]), OpSample([[2, 3], [3, 4]]), OpSample([[3], [3, 2]]),
                  OpSample([[2, 3], [3]]), OpSample([[2, 2, 3], [3, 2]]), OpSample([[2, 1, 2, 3], [3, 3, 2]]),
                  OpSample([[3], [2, 3, 2]]), OpSample([[2, 2, 3], [3]])],
        dtype: matmulDType(nil),
        forward: exactInt64 { args in try matmulForward(args[0], args[1]) },
        derivative: .vjp(matmulVJP), batchedVJP: matmulBatchedVJP)

    /// `mm(input, mat2)`: the product of two matrices.
    public static let mm = OpSpec(
        "mm", params: [input, Param("mat2", .tensor)], gradFn: "MmBackward0",
        summary: "product of two matrices",
        samples: [OpSample([[2, 3], [3, 4]])],
        dtype: matmulDType(.mm),
        forward: exactInt64 { args in
            guard args[0].rank == 2 else { throw OpError.shape("self must be a matrix") }
            guard args[1].rank == 2 else { throw OpError.shape("mat2 must be a matrix") }
            return try matmulForward(args[0], args[1])
        },
        derivative: .vjp(matmulVJP))

    /// `dot(input, tensor)`: the inner product of two vectors.
    public static let dot = OpSpec(
        "dot", aliases: ["inner"], params: [input, Param("tensor", .tensor)], gradFn: "DotBackward0",
        summary: "inner product of two 1-D tensors",
        samples: [OpSample([[4], [4]])],
        dtype: matmulDType(.dot),
        forward: exactInt64 { args in
            guard args[0].rank == 1, args[1].rank == 1 else {
                throw OpError.shape("1D tensors expected, but got \(args[0].rank)D and \(args[1].rank)D tensors")
            }
            return try matmulForward(args[0], args[1])
        },
        derivative: .vjp(matmulVJP))

    /// `mv(input, vec)`: a matrix times a vector.
    public static let mv = OpSpec(
        "mv", params: [input, Param("vec", .tensor)], gradFn: "MvBackward0",
        summary: "matrix-vector product",
        samples: [OpSample([[2, 3], [3]])],
        dtype: matmulDType(.mv),
        forward: exactInt64 { args in
            guard args[0].rank == 2, args[1].rank == 1 else {
                throw OpError.shape("vector + matrix @ vector expected, got 1, \(args[0].rank), \(args[1].rank)")
            }
            return try matmulForward(args[0], args[1])
        },
        derivative: .vjp(matmulVJP))

    /// `outer(input, vec2)`: the outer product `input[i] * vec2[j]`.
    public static let outer = OpSpec(
        "outer", aliases: ["ger"], params: [input, Param("vec2", .tensor)], gradFn: "MulBackward0",
        summary: "outer product of two vectors",
        samples: [OpSample([[3], [2]])],
        forward: { args in
            for (name, x) in [("self", args[0]), ("vec2", args[1])] where x.rank != 1 {
                throw OpError.shape("outer: Expected 1-D argument \(name), but got \(x.rank)-D")
            }
            return try Tensor.zip(args[0].reshaped([args[0].count, 1]), args[1], *)
        },
        derivative: .vjp { ctx, g in
            [ctx[0].requiresGrad ? try g.matmul(ctx[1]) : nil, ctx[1].requiresGrad ? try ctx[0].matmul(g) : nil]
        })

    /// The product kernel PyTorch's matmul dispatches to, which decides its dtype errors.
    enum ProductKernel { case dot, mv, mm, bmm }

    /// PyTorch's products do not promote: both operands must have one dtype, and that dtype
    /// must not be bool. The messages are those of the kernel `kernel` (for `matmul`, the one
    /// its operand ranks select).
    static func matmulDType(_ kernel: ProductKernel?) -> DTypeRule {
        .promoteRefusing(accepted: "float32, float64, int64; both operands of one dtype") { inputs, _, _ in
            let a = inputs[0].value.dtype, b = inputs[1].value.dtype
            let ra = inputs[0].shape.count, rb = inputs[1].shape.count
            let chosen = kernel ?? (ra == 1 && rb == 1 ? .dot : rb == 1 ? .mv : rb == 2 ? .mm : .bmm)
            switch chosen {
            case .dot:
                if a != b { return "dot : expected both vectors to have same dtype, but found \(a.pytorchTypeName) and \(b.pytorchTypeName)" }
                return a == .bool ? DTypeRule.notImplemented("dot", a) : nil
            case .mv:
                if a != b { return "addmv input tensors must have the same dtype, but got \(b.pytorchTypeName), \(a.pytorchTypeName), and \(b.pytorchTypeName)" }
                return a == .bool ? DTypeRule.notImplemented("addmv_impl_cpu", a) : nil
            case .mm:
                if a != b { return "expected m1 and m2 to have the same dtype, but got: \(a.cTypeName) != \(b.cTypeName)" }
                return a == .bool ? DTypeRule.notImplemented("addmm_impl_cpu_", a) : nil
            case .bmm:
                if a == .bool { return DTypeRule.notImplemented("bmm", a) }
                return a != b ? "expected scalar type \(a.pytorchTypeName) but found \(b.pytorchTypeName)" : nil
            }
        }
    }

    /// The `grad_fn` PyTorch 2.x prints for `torch.matmul` by operand ranks: its matmul is a
    /// composite op, so the name is that of the op it dispatches to.
    static func matmulGradFnName(_ ra: Int, _ rb: Int) -> String {
        switch (ra, rb) {
        case (1, 1): return "DotBackward0"
        case (2, 1): return "MvBackward0"
        case (1, 2): return "SqueezeBackward4"
        case (2, 2): return "MmBackward0"
        case (2, _): return "CloneBackward0"
        default: return "UnsafeViewBackward0"
        }
    }

    /// The shapes after promoting 1-D operands to a row (`a`) and a column (`b`).
    static func promotedShapes(_ a: [Int], _ b: [Int]) -> ([Int], [Int]) {
        (a.count == 1 ? [1, a[0]] : a, b.count == 1 ? [b[0], 1] : b)
    }

    /// Checks `torch.matmul`'s shape rules and computes the product.
    static func matmulForward(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else {
            throw OpError.shape("both arguments to matmul need to be at least 1D, but they are \(a.rank)D and \(b.rank)D")
        }
        let (sa, sb) = promotedShapes(a.shape, b.shape)
        let k = sa[sa.count - 1]
        if a.rank == 1 && b.rank == 1 && a.count != b.count {
            throw OpError.shape("inconsistent tensor size, expected tensor [\(a.count)] and src [\(b.count)] to have the same number of elements, but got \(a.count) and \(b.count) elements respectively")
        }
        if b.rank == 1 && a.rank == 2 && k != b.count {
            throw OpError.shape("size mismatch, got input (\(a.shape[0])), mat (\(a.shape[0])x\(k)), vec (\(b.count))")
        }
        guard k == sb[sb.count - 2] else {
            throw OpError.shape("mat1 and mat2 shapes cannot be multiplied (\(sa[sa.count - 2])x\(k) and \(sb[sb.count - 2])x\(sb[sb.count - 1]))")
        }
        let batch = try batchShape(sa, sb)
        let product = try Tensor.matrixProduct(a.reshaped(sa), b.reshaped(sb))
        return product.reshaped(batch + (a.rank > 1 ? [sa[sa.count - 2]] : []) + (b.rank > 1 ? [sb[sb.count - 1]] : []))
    }

    /// The broadcast batch dimensions of two operands of rank >= 2, with PyTorch's message.
    static func batchShape(_ sa: [Int], _ sb: [Int]) throws -> [Int] {
        try Tensor.broadcastShapeOrThrow(Array(sa.dropLast(2)), Array(sb.dropLast(2)))
    }

    /// The VJP shared by `matmul`, `mm`, `mv` and `dot`: with 1-D operands promoted,
    /// `dA = G B^T` and `dB = A^T G`, summed over broadcast batches.
    static func matmulVJP(_ ctx: VJPContext, _ g: Variable) throws -> [Variable?] {
        let a = ctx[0], b = ctx[1]
        let (sa, sb) = promotedShapes(a.shape, b.shape)
        let batch = try batchShape(sa, sb)
        let a2 = try a.reshaped(to: sa), b2 = try b.reshaped(to: sb)
        let g2 = try g.reshaped(to: batch + [sa[sa.count - 2], sb[sb.count - 1]])
        let ga = a.requiresGrad ? try g2.product(b2, transposeB: true).sumToSize(sa).reshaped(to: a.shape) : nil
        let gb = b.requiresGrad ? try a2.product(g2, transposeA: true).sumToSize(sb).reshaped(to: b.shape) : nil
        return [ga, gb]
    }

    /// `matmulVJP` for a batch of cotangents `g` (`[C] + output.shape`), for operands of rank
    /// 1 or 2. The batch is stacked into the rows of one matrix product where the layout allows
    /// (`[C*m, n] @ b^T`; `[C, m] @ a` when `b` is a column), so a batch of Jacobian rows costs
    /// one GEMM rather than C matrix-vector products. Nil for batched (rank > 2) operands.
    static func matmulBatchedVJP(_ ctx: VJPContext, _ g: Variable) throws -> [Variable?]? {
        let a = ctx[0], b = ctx[1]
        guard a.shape.count <= 2, b.shape.count <= 2, let size = g.shape.first else { return nil }
        let (sa, sb) = promotedShapes(a.shape, b.shape)
        let (m, n) = (sa[0], sb[1])
        let a2 = try a.reshaped(to: sa), b2 = try b.reshaped(to: sb)
        var ga: Variable?, gb: Variable?
        if a.requiresGrad {
            ga = try g.reshaped(to: [size * m, n]).product(b2, transposeB: true).reshaped(to: [size] + a.shape)
        }
        if b.requiresGrad {
            gb = n == 1 ? try g.reshaped(to: [size, m]).product(a2).reshaped(to: [size] + b.shape)
                : try a2.product(g.reshaped(to: [size, m, n]), transposeA: true).reshaped(to: [size] + b.shape)
        }
        return [ga, gb]
    }

    /// `op(input) @ op(other)` for tensors of rank >= 2, where `op` transposes the last two
    /// dimensions when `transpose_a` / `transpose_b` is set. Not in the registry: the
    /// matmul VJPs are written with it, so their own gradients (double backward) are too.
    static let product: OpSpec = OpSpec(
        "matmul_transposed", params: [input, other, Param("transpose_a", .bool, default: .bool(false)),
                                      Param("transpose_b", .bool, default: .bool(false))],
        gradFn: "MmBackward0",
        gradFnForInputs: { inputs, _ in inputs.allSatisfy { $0.shape.count == 2 } ? "MmBackward0" : "BmmBackward0" },
        summary: "op(input) @ op(other) with optional transposes",
        forward: { args in
            let ta = args.attrs.bool("transpose_a"), tb = args.attrs.bool("transpose_b")
            let a = args[0], b = args[1]
            guard a.rank >= 2, b.rank >= 2 else { throw OpError.shape("matmul_transposed expects tensors of rank >= 2") }
            let ka = ta ? a.shape[a.rank - 2] : a.shape[a.rank - 1], kb = tb ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
            guard ka == kb else { throw OpError.shape("mat1 and mat2 shapes cannot be multiplied (inner sizes \(ka) and \(kb))") }
            _ = try batchShape(a.shape, b.shape)
            return try Tensor.matrixProduct(a, b, transposeA: ta, transposeB: tb)
        },
        derivative: .vjp { ctx, g in
            let ta = ctx.attrs.bool("transpose_a"), tb = ctx.attrs.bool("transpose_b")
            let a = ctx[0], b = ctx[1]
            let da: () throws -> Variable, db: () throws -> Variable
            switch (ta, tb) {
            case (false, false):
                da = { try g.product(b, transposeB: true) }; db = { try a.product(g, transposeA: true) }
            case (true, false):
                da = { try b.product(g, transposeB: true) }; db = { try a.product(g) }
            case (false, true):
                da = { try g.product(b) }; db = { try g.product(a, transposeA: true) }
            case (true, true):
                da = { try b.product(g, transposeA: true, transposeB: true) }
                db = { try g.product(a, transposeA: true, transposeB: true) }
            }
            return [a.requiresGrad ? try da() : nil, b.requiresGrad ? try db() : nil]
        })
}

extension Variable {
    /// The matrix product with `torch.matmul` semantics (the language's `@`).
    public func matmul(_ other: Variable) throws -> Variable { try apply(Ops.matmul, [self, other]) }
    /// The product of two matrices.
    public func mm(_ other: Variable) throws -> Variable { try apply(Ops.mm, [self, other]) }
    /// The inner product of two vectors.
    public func dot(_ other: Variable) throws -> Variable { try apply(Ops.dot, [self, other]) }
    /// This matrix times the vector `vec`.
    public func mv(_ vec: Variable) throws -> Variable { try apply(Ops.mv, [self, vec]) }
    /// The outer product of this vector and `vec2`.
    public func outer(_ vec2: Variable) throws -> Variable { try apply(Ops.outer, [self, vec2]) }

    /// `op(self) @ op(other)` for rank >= 2, transposing the last two dimensions on request.
    func product(_ other: Variable, transposeA: Bool = false, transposeB: Bool = false) throws -> Variable {
        try apply(Ops.product, [self, other], Attrs(["transpose_a": .bool(transposeA), "transpose_b": .bool(transposeB)]))
    }

    /// This variable in `shape`, or itself when it already has that shape (no graph node).
    func reshaped(to shape: [Int]) throws -> Variable {
        shape == self.shape ? self : try reshape(shape)
    }
}
