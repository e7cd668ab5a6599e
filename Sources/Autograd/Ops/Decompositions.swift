import Glibc

// torch.linalg's decompositions and solvers: cholesky, solve, slogdet, logdet, eigh, svd,
// qr, pinv. A decomposition with several outputs is one entry per output (`eigvalsh` and
// the eigenvectors of `eigh`), each with the part of PyTorch's backward formula
// (FunctionsManual.cpp) that its output's gradient feeds: the parts add up to PyTorch's
// VJP. The VJPs are written with differentiable ops, so every order of derivative exists.

extension Ops {
    static let decompositions: [OpSpec] = [cholesky, solve, slogdet, logdet, eigvalsh, svdvals, pinv, cross]
    /// The other outputs of the tuple-returning decompositions: reached through `eigh`,
    /// `svd`, `qr` and `slogdet` in the language, not by a name of their own.
    static let decompositionParts: [OpSpec] = [eighVectors, svdU, svdVh, qrQ, qrR, slogdetSign]

    /// Runs `f` on each matrix of a batch and stacks the results (`inner` each).
    static func perMatrix(_ x: Tensor, inner: [Int], _ f: (Matrix) throws -> [Double]) rethrows -> Tensor {
        Tensor.stacked(try x.matrices().map(f), batch: Array(x.shape.dropLast(2)), inner: inner)
    }

    static func mT(_ v: Variable) throws -> Variable { try v.transpose(-2, -1) }

    /// The identity of size n, broadcast over batches.
    static func identity(_ n: Int) -> Variable { Variable(Matrix.identity(n).tensor) }

    /// The matrix with `v` (shape [..., n]) on its diagonal.
    static func diagEmbed(_ v: Variable) throws -> Variable {
        try v.unsqueeze(-1) * identity(v.shape[v.shape.count - 1])
    }

    // MARK: Cholesky and solve

    /// `linalg.cholesky(A, upper=False)`: the factor L of A = L L^T (A's lower triangle is read).
    public static let cholesky: OpSpec = OpSpec(
        "cholesky", params: [input, Param("upper", .bool, default: .bool(false), keywordOnly: true)],
        gradFn: "LinalgCholeskyExBackward0", summary: "the lower Cholesky factor L of a symmetric positive-definite A = L L^T",
        kinks: "A's lower triangle is read; the gradient is the symmetric one, as PyTorch's",
        samples: [OpSample([[3, 3]], fixed: [0: spd3], symmetric: [0]),
                  OpSample([[2, 2]], attrs: ["upper": .bool(true)], fixed: [0: Tensor(shape: [2, 2], data: [2, 0.5, 0.5, 1])], symmetric: [0])],
        dtype: .floating,
        forward: { args in
            let n = try requireSquare(args[0], "cholesky")
            let upper = args.attrs.bool("upper")
            return try perMatrix(args[0], inner: [n, n]) { a in
                let (factor, order) = Decompose.cholesky(a)
                guard let l = factor else {
                    throw OpError.value("linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order \(order) is not positive-definite).")
                }
                return upper ? l.transposed.data : l.data
            }
        },
        derivative: .vjp { ctx, g in
            // gA = L^-T Phi(L^T gL) L^-1, Phi: the lower triangle with its transpose, diagonal once, halved.
            let upper = ctx.attrs.bool("upper")
            let l = upper ? try mT(try ctx.result()) : try ctx.result()
            let gl = upper ? try mT(g) : g
            let lower = try apply(tril, [try mT(l).matmul(gl)])
            let phi = try Variable(0.5) * (lower + mT(try apply(tril, [lower], ["diagonal": .int(-1)])))
            let inverse = try l.inverse()
            return [try mT(inverse).matmul(phi).matmul(inverse)]
        }).savingResult()

    static let spd3 = Tensor(shape: [3, 3], data: [2, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 4])

    /// Whether `solve(A, B)` treats B as a batch of vectors (PyTorch's rule).
    static func solvesVector(_ a: [Int], _ b: [Int]) -> Bool {
        b.count == 1 || (b.count == a.count - 1 && b == Array(a.dropLast()))
    }

    /// `linalg.solve(A, B)`: X with A X = B.
    public static let solve: OpSpec = OpSpec(
        "solve", params: [Param("A", .tensor), Param("B", .tensor)], gradFn: "LinalgSolveExBackward0",
        summary: "X with A X = B (B a vector or a matrix of right-hand sides)",
        samples: [OpSample([[3, 3], [3]], fixed: [0: spd3]), OpSample([[3, 3], [3, 2]], fixed: [0: spd3]),
                  OpSample([[2, 2, 2], [2, 2, 1]], fixed: [0: Tensor(shape: [2, 2, 2], data: [2, 1, 0, 3, 1, -1, 2, 2])])],
        dtype: .floating,
        forward: { args in
            let a = args[0], b = args[1]
            let n = try requireSquare(a, "solve")
            let vector = solvesVector(a.shape, b.shape)
            let bm = vector ? b.reshaped(b.shape + [1]) : b
            guard bm.rank >= 2, bm.shape[bm.rank - 2] == n, Array(bm.shape.dropLast(2)) == Array(a.shape.dropLast(2)) || (bm.rank == 2 && a.rank == 2) else {
                throw OpError.shape("linalg.solve: Incompatible shapes of A and B for the equation AX = B (\(describe(shape: a.shape)) and \(describe(shape: b.shape)))")
            }
            let k = bm.shape[bm.rank - 1]
            let rhs = bm.matrices()
            var index = 0
            let x = try perMatrix(a, inner: [n, k]) { m in
                defer { index += 1 }
                guard let x = Decompose.solve(m, rhs[index]) else {
                    throw OpError.value("torch.linalg.solve: The solver failed because the input matrix is singular.")
                }
                return x.data
            }
            return vector ? x.reshaped(b.shape) : x
        },
        derivative: .vjp { ctx, g in
            // gB = A^-T gX, gA = -gB X^T.
            let a = ctx[0], x = try ctx.result()
            let gb = try apply(solve, [try mT(a), g])
            let ga = solvesVector(a.shape, ctx[1].shape)
                ? try -(gb.unsqueeze(-1) * x.unsqueeze(-2)) : try -(gb.matmul(try mT(x)))
            return [a.requiresGrad ? ga : nil, gb]
        }).savingResult()

    // MARK: Determinants

    /// `log|det A|`, the second output of `slogdet`.
    public static let slogdet: OpSpec = OpSpec(
        "slogdet", params: [input], gradFn: "LinalgSlogdetBackward0",
        summary: "(sign, log|det|) of a square matrix; the gradient flows through log|det|",
        samples: [OpSample([[3, 3]], fixed: [0: spd3]), OpSample([[2, 2]], fixed: [0: Tensor(shape: [2, 2], data: [1, 2, 3, -1])])],
        dtype: .floatingLinalg("linalg.slogdet"),
        forward: { args in
            _ = try requireSquare(args[0], "slogdet")
            return Tensor(shape: Array(args[0].shape.dropLast(2)), data: args[0].determinants().map { Glibc.log(Swift.abs($0)) })
        },
        derivative: .vjp { ctx, g in [try g.unsqueeze(-1).unsqueeze(-1) * mT(try ctx[0].inverse())] })

    /// The sign of the determinant, the first output of `slogdet`.
    public static let slogdetSign: OpSpec = OpSpec(
        "slogdet_sign", params: [input], gradFn: "LinalgSlogdetBackward0", summary: "the sign of the determinant",
        kinks: "piecewise constant: no gradient flows through it (PyTorch's is None; gradcli's expressions show 0)",
        samples: [OpSample([[3, 3]], fixed: [0: spd3])],
        dtype: .floatingLinalg("linalg.slogdet"),
        forward: { args in
            _ = try requireSquare(args[0], "slogdet")
            return Tensor(shape: Array(args[0].shape.dropLast(2)), data: args[0].determinants().map { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 })
        },
        derivative: .vjp { _, _ in [nil] })

    /// `logdet(A)`: log(det A), NaN for a negative determinant.
    public static let logdet: OpSpec = OpSpec(
        "logdet", params: [input], gradFn: "WhereBackward0", summary: "log of the determinant (NaN when it is negative)",
        samples: [OpSample([[3, 3]], fixed: [0: spd3])],
        dtype: .floatingLinalg("logdet"),
        forward: { args in
            _ = try requireSquare(args[0], "logdet")
            return Tensor(shape: Array(args[0].shape.dropLast(2)), data: args[0].determinants().map { $0 < 0 ? .nan : Glibc.log($0) })
        },
        derivative: .vjp { ctx, g in [try g.unsqueeze(-1).unsqueeze(-1) * mT(try ctx[0].inverse())] })
}

extension Ops {
    /// The dimension `cross` runs along: `dim`, or (torch.cross without dim) the first of size 3.
    static func crossDim(_ shape: [Int], _ attrs: Attrs) throws -> Int {
        guard let dim = attrs.optionalInt("dim") else {
            guard let first = shape.firstIndex(of: 3) else { throw OpError.shape("no dimension of size 3 in input") }
            return first
        }
        guard !shape.isEmpty else { throw OpError.shape("Dimension specified as \(dim) but tensor has no dimensions") }
        let d = try normalize(dim: dim, rank: shape.count)
        guard shape[d] == 3 else { throw OpError.shape("linalg.cross: inputs dimension \(dim) must have length 3. Got \(shape[d]) and \(shape[d])") }
        return d
    }

    /// `cross(input, other, dim=None)`: the cross product of 3-vectors along dim (torch.cross
    /// without dim: the first dimension of size 3; torch.linalg.cross: the last).
    public static let cross: OpSpec = OpSpec(
        "cross", params: [input, other, Param("dim", .int, default: AttrValue.none)], gradFn: "LinalgCrossBackward0",
        summary: "the cross product of 3-vectors along dim (default: the first dimension of size 3)",
        samples: [OpSample([[3], [3]]), OpSample([[2, 3], [2, 3]], attrs: ["dim": .int(1)]), OpSample([[3, 2], [3, 1]])],
        forward: { args in
            guard args[0].rank == args[1].rank else { throw OpError.shape("linalg.cross: inputs must have the same number of dimensions.") }
            let shape = try Tensor.broadcastShapeOrThrow(args[0].shape, args[1].shape)
            let a = try args[0].expanded(to: shape), b = try args[1].expanded(to: shape)
            let d = try crossDim(shape, args.attrs)
            let (outer, _, inner) = a.lanes(d)
            var out = a
            for o in 0..<outer {
                for i in 0..<inner {
                    func at(_ c: Int) -> Int { (o * 3 + c) * inner + i }
                    for c in 0..<3 {
                        let (p, q) = ((c + 1) % 3, (c + 2) % 3)
                        out.data[at(c)] = a.data[at(p)] * b.data[at(q)] - a.data[at(q)] * b.data[at(p)]
                    }
                }
            }
            return out
        },
        derivative: .vjp { ctx, g in
            let shape = Tensor.broadcastShape(ctx[0].shape, ctx[1].shape) ?? g.shape
            let attrs: Attrs = ["dim": .int(try crossDim(shape, ctx.attrs))]
            return [try apply(cross, [ctx[1], g], attrs), try apply(cross, [g, ctx[0]], attrs)]
        })
}

extension Matrix {
    var transposed: Matrix {
        var t = Matrix(zeros: cols, rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }

    var tensor: Tensor { Tensor(shape: [rows, cols], data: data) }
}
