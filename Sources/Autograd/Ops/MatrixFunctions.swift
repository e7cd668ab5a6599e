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
        }).withDType(.noBoolKernel("trace"))

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
    public static let det: OpSpec = determinant(asPyTorchAtSingular: true)

    /// The determinant whose gradient at a singular matrix is always the cofactor matrix (the
    /// exact derivative): the minors' determinants in `cofactorMatrix`. Not in the registry.
    static let exactDet: OpSpec = determinant(asPyTorchAtSingular: false)

    static func determinant(asPyTorchAtSingular pytorch: Bool) -> OpSpec { OpSpec(
        "det", params: [input], gradFn: "LinalgDetBackward0", summary: "determinant of a square matrix (batches allowed)",
        kinks: "at a singular matrix (det exactly 0) the gradient is 0, as PyTorch's LU rule gives; under create_graph (hessian) a matrix with |det| < 100 eps gets the cofactor matrix, as PyTorch's SVD rule, whose second derivatives are NaN where singular values repeat exactly (the zero matrix)",
        samples: [OpSample([[3, 3]]), OpSample([[2, 2, 2]])],
        dtype: .floatingLinalg("linalg.det"),
        forward: { args in
            _ = try requireSquare(args[0], "det")
            try WorkBudget.spend(luCost(args[0]))
            return Tensor(shape: Array(args[0].shape.dropLast(2)), data: args[0].determinants())
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0]
            let n = x.shape[x.shape.count - 1]
            let kept = Array(x.shape.dropLast(2) + [1, 1])
            // A 1 x 1 determinant passes the gradient through, singular or not (PyTorch's n == 1 case).
            if n == 1 { return [try g.reshape(kept) * Variable(Tensor.ones(x.shape))] }
            let scale = try (g * ctx.result()).reshape(kept)
            let determinants = x.value.determinants()
            // PyTorch's create_graph rule takes |det| < 100 eps as singular: there the inverse's
            // own derivative would be ruinously inexact.
            let eps = x.value.dtype.isFloat32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
            let singular = pytorch && !ctx.createGraph
                ? determinants.contains(0) : determinants.contains { Swift.abs($0) < 100 * eps }
            if !singular {
                return [try scale * x.inverse().transpose(-2, -1)]
            }
            if pytorch && !ctx.createGraph {
                // PyTorch's first-order rule is det(A) * A^-T by an LU solve whose zero pivots
                // it nudges: 0 at a singular matrix. A singular matrix is swapped for the
                // identity here, whose inverse times det(A) = 0 gives the same zeros.
                let size = n * n
                var safe = x.value
                for (b, d) in determinants.enumerated() where d == 0 {
                    for k in 0..<size { safe.data[b * size + k] = k % (n + 1) == 0 ? 1 : 0 }
                }
                return [try scale * Variable(safe).inverse().transpose(-2, -1)]
            }
            // Under create_graph PyTorch takes singular matrices through the SVD, which gives
            // the cofactor matrix; it is written here with the determinants of the minors, so
            // its own derivatives are the determinant's higher derivatives.
            try WorkBudget.spend(WorkBudget.product(luCost(x.value), n * n))
            var cofactors = try cofactorMatrix(x)
            if pytorch && hasRepeatedSingularValues(x.value, determinants) {
                // There the SVD's backward divides by a difference of equal singular values, so
                // PyTorch's second derivatives are NaN: a term of value 0 and gradient NaN
                // (sqrt's at 0 times 0) carries that.
                let offset = try x - x.detached()
                cofactors = try cofactors + (offset * offset).sum().sqrt()
            }
            return [try g.reshape(kept) * cofactors]
        }).savingResult()
    }

    /// `x` without index `index` along `dim` (a differentiable cut of two slices).
    static func removing(_ x: Variable, index: Int, dim: Int) throws -> Variable {
        let before = try x.slice(dim: dim, end: index), after = try x.slice(dim: dim, start: index + 1)
        if index == 0 { return after }
        if index == x.shape[dim] - 1 { return before }
        return try Variable.cat([before, after], dim: dim)
    }

    /// The cofactor matrix of each matrix in a batch, as differentiable determinants of the
    /// (n - 1) x (n - 1) minors.
    static func cofactorMatrix(_ x: Variable) throws -> Variable {
        let rank = x.shape.count, n = x.shape[rank - 1]
        var entries: [Variable] = []
        for i in 0..<n {
            let rows = try removing(x, index: i, dim: rank - 2)
            for j in 0..<n {
                let minor = try apply(exactDet, [try removing(rows, index: j, dim: rank - 1)])
                entries.append((i + j) % 2 == 0 ? minor : try -minor)
            }
        }
        return try Variable.stack(entries, dim: rank - 2).reshape(x.shape)
    }

    /// True when a singular matrix of the batch has two exactly equal singular values as
    /// LAPACK computes them. That happens where the SVD is exact: a matrix with at most one
    /// nonzero entry in each row and column (the zero matrix, diag(1, 0, 0)), whose singular
    /// values are the nonzero entries' magnitudes and zeros. Rounding keeps a dense singular
    /// matrix's singular values apart.
    static func hasRepeatedSingularValues(_ x: Tensor, _ determinants: [Double]) -> Bool {
        for (m, d) in zip(x.matrices(), determinants) where d == 0 {
            let n = m.rows
            var values: [Double] = [], exact = true
            for i in 0..<n where exact {
                let row = (0..<n).filter { m[i, $0] != 0 }, column = (0..<n).filter { m[$0, i] != 0 }
                if row.count > 1 || column.count > 1 { exact = false }
                if let j = row.first { values.append(Swift.abs(m[i, j])) }
            }
            guard exact else { continue }
            values += [Double](repeating: 0, count: n - values.count)
            if Set(values).count < values.count { return true }
        }
        return false
    }

    /// `inverse(input)`: the inverse of a square matrix (or of each in a batch).
    public static let inverse: OpSpec = OpSpec(
        "inverse", aliases: ["inv"], params: [input], gradFn: "LinalgInvExBackward0",
        summary: "inverse of a square matrix (batches allowed)",
        samples: [OpSample([[3, 3]], fixed: [:])],
        dtype: .floatingLinalg("linalg.inv"),
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
        }).savingResult()

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
