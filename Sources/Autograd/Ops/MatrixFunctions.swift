// Functions of matrices: t, transpose, trace, diag, det and inverse. det and inverse run
// an LU factorisation with partial pivoting over the last two dimensions (batches allowed).

extension Tensor {
    /// LU factorisation with partial pivoting of the `n x n` matrix at `offset`. Returns the
    /// factors in place of the matrix, the permutation's sign, and the first (1-based) pivot
    /// that is exactly zero, if any (LAPACK's `info`).
    static func luFactor(_ a: inout [Double], offset: Int, n: Int) -> (sign: Double, zeroPivot: Int?) {
        var sign = 1.0, zeroPivot: Int?
        for col in 0..<n {
            var pivot = col
            for r in col..<n where Swift.abs(a[offset + r * n + col]) > Swift.abs(a[offset + pivot * n + col]) { pivot = r }
            if a[offset + pivot * n + col] == 0 {
                if zeroPivot == nil { zeroPivot = col + 1 }
                continue
            }
            if pivot != col {
                for j in 0..<n { a.swapAt(offset + pivot * n + j, offset + col * n + j) }
                sign = -sign
            }
            let p = a[offset + col * n + col]
            for r in (col + 1)..<Swift.max(n, col + 1) {
                let f = a[offset + r * n + col] / p
                a[offset + r * n + col] = f
                if f == 0 { continue }
                for j in (col + 1)..<n { a[offset + r * n + j] -= f * a[offset + col * n + j] }
            }
        }
        return (sign, zeroPivot)
    }

    /// The determinant of each matrix in a batch of square matrices.
    func determinants() -> [Double] {
        let n = shape[rank - 1], size = n * n
        var lu = data
        return (0..<(size == 0 ? Tensor.count(of: Array(shape.dropLast(2))) : count / size)).map { b in
            let (sign, zeroPivot) = Tensor.luFactor(&lu, offset: b * size, n: n)
            if zeroPivot != nil { return 0 }
            return (0..<n).reduce(sign) { $0 * lu[b * size + $1 * n + $1] }
        }
    }
}

extension Ops {
    static let matrixFunctions: [OpSpec] = [t, transpose, trace, diag, det, inverse, matrixExp]

    /// Checks that `x` is a batch of square matrices, with PyTorch's wording for `name`.
    static func requireSquare(_ x: Tensor, _ name: String) throws -> Int {
        guard x.rank >= 2 else { throw OpError.shape("linalg.\(name): The input tensor A must have at least 2 dimensions.") }
        let (r, c) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
        guard r == c else { throw OpError.shape("linalg.\(name): A must be batches of square matrices, but they are \(r) by \(c) matrices") }
        return r
    }

    /// The operations of an LU factorisation of each matrix in `x`, a batch of square
    /// matrices: n^3 per matrix (the work budget counts it before factoring).
    static func luCost(_ x: Tensor) -> Int {
        let n = x.rank >= 2 ? x.shape[x.rank - 1] : 0
        return WorkBudget.product(WorkBudget.product(n * n, n), n == 0 ? 0 : x.count / (n * n))
    }

    /// `t(input)`: the transpose of a matrix; vectors and scalars are returned as they are.
    public static let t = OpSpec(
        "t", params: [input], gradFn: "TBackward0", summary: "transpose of a matrix (<= 2-D)",
        samples: [OpSample([[2, 3]])],
        forward: { args in
            let x = args[0]
            guard x.rank <= 2 else { throw OpError.shape("t() expects a tensor with <= 2 dimensions, but self is \(x.rank)D") }
            return x.rank == 2 ? x.permuted([1, 0]) : x
        },
        derivative: .vjp { _, g in [try g.t()] })

    /// `transpose(input, dim0, dim1)`: swaps two dimensions.
    public static let transpose = OpSpec(
        "transpose", aliases: ["swapaxes", "swapdims"], params: [input, Param("dim0", .int), Param("dim1", .int)],
        gradFn: "TransposeBackward0", summary: "swap dimensions dim0 and dim1",
        samples: [OpSample([[2, 3, 4]], attrs: Attrs(["dim0": .int(0), "dim1": .int(-1)]))],
        forward: { args in
            let x = args[0]
            let d0 = try normalize(dim: args.attrs.int("dim0"), rank: x.rank), d1 = try normalize(dim: args.attrs.int("dim1"), rank: x.rank)
            guard x.rank > 0 else { return x }
            var order = Array(0..<x.rank)
            order.swapAt(d0, d1)
            return x.permuted(order)
        },
        derivative: .vjp { ctx, g in [try g.transpose(ctx.attrs.int("dim0"), ctx.attrs.int("dim1"))] })

    /// `trace(input)`: the sum of a matrix's main diagonal.
    public static let trace = OpSpec(
        "trace", params: [input], gradFn: "TraceBackward0", summary: "sum of the main diagonal of a matrix",
        samples: [OpSample([[3, 3]]), OpSample([[2, 3]])],
        forward: { args in
            let x = args[0]
            guard x.rank == 2 else { throw OpError.shape("trace: expected a matrix, but got tensor with dim \(x.rank)") }
            return Tensor((0..<Swift.min(x.shape[0], x.shape[1])).reduce(0) { $0 + x.data[$1 * x.shape[1] + $1] })
        },
        derivative: .vjp { ctx, g in
            let (r, c) = (ctx[0].shape[0], ctx[0].shape[1])
            return [try g * Variable(Tensor(shape: [r, c], data: (0..<r * c).map { $0 / c == $0 % c ? 1 : 0 }))]
        })

    /// The length of diagonal `offset` of an `r x c` matrix.
    static func diagonalLength(_ r: Int, _ c: Int, _ offset: Int) -> Int {
        Swift.max(0, offset >= 0 ? Swift.min(r, c - offset) : Swift.min(r + offset, c))
    }

    /// `diag(input, diagonal=0)`: a vector becomes a square matrix with it on diagonal
    /// `diagonal`; a matrix gives that diagonal as a vector.
    public static let diag: OpSpec = OpSpec(
        "diag", params: [input, Param("diagonal", .int, default: .int(0))], gradFn: "DiagEmbedBackward0",
        gradFnForInputs: { inputs, _ in inputs[0].shape.count == 2 ? "DiagonalBackward0_copy" : "DiagEmbedBackward0" },
        summary: "vector -> matrix with it on a diagonal; matrix -> that diagonal",
        samples: [OpSample([[3]]), OpSample([[3]], attrs: Attrs(["diagonal": .int(-1)])),
                  OpSample([[3, 4]], attrs: Attrs(["diagonal": .int(1)]))],
        forward: { args in
            let x = args[0], offset = try args.attrs.int("diagonal")
            let (rowShift, colShift) = offset >= 0 ? (0, offset) : (-offset, 0)
            switch x.rank {
            case 1:
                let n = x.count + Swift.abs(offset)
                var out = [Double](repeating: 0, count: try Tensor.checkedCount(of: [n, n]))
                for i in 0..<x.count { out[(i + rowShift) * n + i + colShift] = x.data[i] }
                return Tensor(shape: [n, n], data: out)
            case 2:
                let (r, c) = (x.shape[0], x.shape[1])
                return Tensor((0..<diagonalLength(r, c, offset)).map { x.data[($0 + rowShift) * c + $0 + colShift] })
            default:
                throw OpError.shape("diag(): Supports 1D or 2D tensors. Got \(x.rank)D")
            }
        },
        derivative: .vjp { ctx, g in
            let offset = try ctx.attrs.int("diagonal")
            if ctx[0].shape.count == 1 { return [try g.diag(offset)] }
            // Embed the gradient on the diagonal of a square matrix, then cut the input's shape out.
            let (r, c) = (ctx[0].shape[0], ctx[0].shape[1])
            var full = try g.diag(offset)
            let n = full.shape[0]
            if n < r || n < c {
                let padding = Variable(Tensor.zeros([Swift.max(r, n), Swift.max(c, n)]))
                full = try Variable.cat([full, padding.slice(dim: 0, end: n).slice(dim: 1, start: n)], dim: 1)
                full = try Variable.cat([full, padding.slice(dim: 0, start: n)], dim: 0)
            }
            return [try full.slice(dim: 0, end: r).slice(dim: 1, end: c)]
        })

    /// `det(input)`: the determinant of a square matrix (or of each in a batch).
    public static let det: OpSpec = OpSpec(
        "det", params: [input], gradFn: "LinalgDetBackward0", summary: "determinant of a square matrix (batches allowed)",
        kinks: "at a singular matrix the gradient is the cofactor matrix, which is exact (PyTorch 2.13 returns zeros there); it is a constant, so higher derivatives at a singular matrix are 0",
        samples: [OpSample([[3, 3]]), OpSample([[2, 2, 2]])],
        dtype: .floating,
        forward: { args in
            _ = try requireSquare(args[0], "det")
            try WorkBudget.spend(luCost(args[0]))
            return Tensor(shape: Array(args[0].shape.dropLast(2)), data: args[0].determinants())
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0]
            let kept = x.shape.dropLast(2) + [1, 1]
            let scale = try (g * ctx.result()).reshape(Array(kept))
            if !x.value.determinants().contains(0) {
                return [try scale * x.inverse().transpose(-2, -1)]
            }
            // A determinant of order n - 1 for each of the n^2 cofactors.
            try WorkBudget.spend(WorkBudget.product(luCost(x.value), x.shape[x.shape.count - 1] * x.shape[x.shape.count - 1]))
            return [try g.reshape(Array(kept)) * Variable(cofactors(x.value))]
        })

    /// The cofactor matrix (the transposed adjugate) of each matrix in a batch: the gradient
    /// of the determinant, valid for singular matrices too.
    static func cofactors(_ x: Tensor) -> Tensor {
        let n = x.shape[x.rank - 1], size = n * n
        var out = [Double](repeating: 0, count: x.count)
        for b in 0..<(size == 0 ? 0 : x.count / size) {
            for i in 0..<n {
                for j in 0..<n {
                    var minor: [Double] = []
                    for r in 0..<n where r != i {
                        for c in 0..<n where c != j { minor.append(x.data[b * size + r * n + c]) }
                    }
                    let d = n == 1 ? 1 : Tensor(shape: [n - 1, n - 1], data: minor).determinants()[0]
                    out[b * size + i * n + j] = (i + j) % 2 == 0 ? d : -d
                }
            }
        }
        return Tensor(shape: x.shape, data: out)
    }

    /// `inverse(input)`: the inverse of a square matrix (or of each in a batch).
    public static let inverse: OpSpec = OpSpec(
        "inverse", aliases: ["inv"], params: [input], gradFn: "LinalgInvExBackward0",
        summary: "inverse of a square matrix (batches allowed)",
        samples: [OpSample([[3, 3]], fixed: [:])],
        dtype: .floating,
        forward: { args in
            let x = args[0]
            let n = try requireSquare(x, "inv"), size = n * n
            try WorkBudget.spend(WorkBudget.product(luCost(x), 3))
            var lu = x.data
            var out = [Double](repeating: 0, count: x.count)
            for b in 0..<(size == 0 ? 0 : x.count / size) {
                let o = b * size
                if let zero = Tensor.luFactor(&lu, offset: o, n: n).zeroPivot {
                    throw OpError.value("linalg.inv: The diagonal element \(zero) is zero, the inversion could not be completed because the input matrix is singular.")
                }
                // Solve L U X = P I column by column; the row swaps were applied to `lu` only,
                // so replay them on the identity by factoring a copy with the permutation kept.
                let perm = pivotOrder(x.data, offset: o, n: n)
                for col in 0..<n {
                    var y = (0..<n).map { perm[$0] == col ? 1.0 : 0.0 }
                    for i in 0..<n { for k in 0..<i { y[i] -= lu[o + i * n + k] * y[k] } }
                    for i in stride(from: n - 1, through: 0, by: -1) {
                        for k in (i + 1)..<Swift.max(n, i + 1) { y[i] -= lu[o + i * n + k] * y[k] }
                        y[i] /= lu[o + i * n + i]
                    }
                    for i in 0..<n { out[o + i * n + col] = y[i] }
                }
            }
            return Tensor(shape: x.shape, data: out)
        },
        derivative: .vjp { ctx, g in
            // d(A^-1) = -A^-1 dA A^-1, so the VJP is -(A^-T G A^-T).
            let r = try ctx.result()
            return [try -(r.product(g, transposeA: true).product(r, transposeB: true))]
        })

    /// The row permutation partial pivoting chooses for the matrix at `offset`: row `i` of
    /// the factored matrix is row `perm[i]` of the original.
    static func pivotOrder(_ data: [Double], offset: Int, n: Int) -> [Int] {
        var a = Array(data[offset..<(offset + n * n)])
        var perm = Array(0..<n)
        for col in 0..<n {
            var pivot = col
            for r in col..<n where Swift.abs(a[r * n + col]) > Swift.abs(a[pivot * n + col]) { pivot = r }
            if a[pivot * n + col] == 0 { continue }
            if pivot != col {
                for j in 0..<n { a.swapAt(pivot * n + j, col * n + j) }
                perm.swapAt(pivot, col)
            }
            for r in (col + 1)..<Swift.max(n, col + 1) {
                let f = a[r * n + col] / a[col * n + col]
                for j in col..<n { a[r * n + j] -= f * a[col * n + j] }
            }
        }
        return perm
    }
}

extension Variable {
    /// The transpose of a matrix (vectors and scalars unchanged).
    public func t() throws -> Variable { try apply(Ops.t, [self]) }
    /// Dimensions `dim0` and `dim1` swapped.
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Variable {
        try apply(Ops.transpose, [self], Attrs(["dim0": .int(dim0), "dim1": .int(dim1)]))
    }
    /// The sum of the main diagonal of a matrix.
    public func trace() throws -> Variable { try apply(Ops.trace, [self]) }
    /// A vector on diagonal `diagonal` of a square matrix, or a matrix's diagonal as a vector.
    public func diag(_ diagonal: Int = 0) throws -> Variable {
        try apply(Ops.diag, [self], Attrs(["diagonal": .int(diagonal)]))
    }
    /// The determinant of a square matrix (or of each in a batch).
    public func det() throws -> Variable { try apply(Ops.det, [self]) }
    /// The inverse of a square matrix (or of each in a batch).
    public func inverse() throws -> Variable { try apply(Ops.inverse, [self]) }
}
