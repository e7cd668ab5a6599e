import Glibc

// eigh, svd, qr and pinv, one entry per output. Their backward formulas are PyTorch's
// (linalg_eig_backward for hermitian input, svd_backward, linalg_qr_backward,
// pinv_backward in FunctionsManual.cpp), split by the output whose gradient feeds each term.
// Where PyTorch's formula divides by the difference of two equal eigenvalues or singular
// values (the gradient of the vectors is not defined there), the VJP refuses.

extension Ops {
    static let uplo = Param("UPLO", .string(choices: ["L", "U"]), default: .string("L"))

    /// The symmetric matrices of a batch as read by `eigh` (the lower triangle, or the upper
    /// one with `UPLO='U'`), decomposed.
    static func eigen(_ x: Tensor, _ attrs: Attrs) throws -> [(values: [Double], vectors: Matrix)] {
        _ = try requireSquare(x, "eigh")
        let upper = attrs.string("UPLO") == "U"
        return x.matrices().map { Decompose.symmetricEigen(upper ? $0.transposed : $0) }
    }

    /// Throws when two of `values` (each lane of the last dimension) are equal: the
    /// gradient of the vectors divides by their difference.
    static func requireDistinct(_ values: Tensor, _ what: String) throws {
        let n = values.shape.last ?? 0
        for b in 0..<(n == 0 ? 0 : values.count / n) {
            let lane = Array(values.data[(b * n)..<(b * n + n)]).sorted()
            let scale = Swift.max(1, lane.map(Swift.abs).max() ?? 0)
            for i in 1..<Swift.max(n, 1) where Swift.abs(lane[i] - lane[i - 1]) <= 1e-10 * scale {
                throw OpError.value("\(what) is not defined when two \(what.contains("eigen") ? "eigenvalues" : "singular values") are equal (here \(lane[i])): PyTorch's formula divides by their difference")
            }
        }
    }

    /// `linalg.eigvalsh(A, UPLO='L')`: the eigenvalues of a symmetric matrix, ascending.
    public static let eigvalsh: OpSpec = OpSpec(
        "eigvalsh", params: [input, uplo], gradFn: "LinalgEighBackward0",
        summary: "the eigenvalues of a symmetric matrix, ascending (eigh gives (eigenvalues, eigenvectors))",
        kinks: "A's lower (UPLO='U': upper) triangle is read; the gradient is the symmetric one, as PyTorch's; eigenvectors' signs make each one's largest entry positive",
        samples: [OpSample([[3, 3]], symmetric: [0]), OpSample([[2, 2, 2]], attrs: ["UPLO": .string("U")], symmetric: [0])],
        dtype: .floating,
        forward: { args in
            let n = try requireSquare(args[0], "eigh")
            return Tensor.stacked(try eigen(args[0], args.attrs).map(\.values), batch: Array(args[0].shape.dropLast(2)), inner: [n])
        },
        derivative: .vjp { ctx, g in
            let v = try apply(eighVectors, [ctx[0]], ctx.attrs)
            return [try (v * g.unsqueeze(-2)).matmul(try mT(v))]
        })

    /// The eigenvectors (columns) of `eigh`.
    public static let eighVectors: OpSpec = OpSpec(
        "eigh_eigenvectors", params: [input, uplo], gradFn: "LinalgEighBackward0", summary: "the eigenvectors of eigh",
        samples: [OpSample([[3, 3]], symmetric: [0]), OpSample([[2, 2, 2]], attrs: ["UPLO": .string("U")], symmetric: [0])],
        dtype: .floating,
        forward: { args in
            let n = try requireSquare(args[0], "eigh")
            return Tensor.stacked(try eigen(args[0], args.attrs).map(\.vectors.data), batch: Array(args[0].shape.dropLast(2)), inner: [n, n])
        },
        derivative: .vjp { ctx, g in
            // gA = V (skew(V^T gV) / E) V^T with E_ij = L_j - L_i.
            let v = try ctx.result(), l = try apply(eigvalsh, [ctx[0]], ctx.attrs)
            try requireDistinct(l.value, "the gradient of eigh's eigenvectors")
            let s = try mT(v).matmul(g)
            let skew = try Variable(0.5) * (s - mT(s))
            let e = try l.unsqueeze(-2) - l.unsqueeze(-1) + identity(l.shape[l.shape.count - 1])
            return [try v.matmul(try skew / e).matmul(try mT(v))]
        }).savingResult()

    // MARK: SVD

    static let fullMatrices = Param("full_matrices", .bool, default: .bool(true))

    /// The reduced SVDs of a batch.
    static func svds(_ x: Tensor) throws -> [(u: Matrix, s: [Double], vh: Matrix)] {
        guard x.rank >= 2 else { throw OpError.shape("linalg.svd: The input tensor A must have at least 2 dimensions.") }
        return x.matrices().map(Decompose.svd)
    }

    /// `linalg.svdvals(A)`: the singular values, descending.
    public static let svdvals: OpSpec = OpSpec(
        "svdvals", params: [input], gradFn: "LinalgSvdBackward0",
        summary: "the singular values, descending (svd gives (U, S, Vh))",
        kinks: "singular vectors' signs make each right singular vector's largest entry positive; U S Vh is PyTorch's",
        samples: [OpSample([[3, 2]]), OpSample([[2, 3]]), OpSample([[2, 2, 2]])],
        dtype: .floating,
        forward: { args in
            let parts = try svds(args[0])
            let k = Swift.min(args[0].shape[args[0].rank - 2], args[0].shape[args[0].rank - 1])
            return Tensor.stacked(parts.map(\.s), batch: Array(args[0].shape.dropLast(2)), inner: [k])
        },
        derivative: .vjp { ctx, g in
            let u = try apply(svdU, [ctx[0]], ["full_matrices": .bool(false)])
            let vh = try apply(svdVh, [ctx[0]], ["full_matrices": .bool(false)])
            return [try (u * g.unsqueeze(-2)).matmul(vh)]
        })

    /// The parts of the reduced SVD the vectors' VJPs read, as graph nodes: U, S, Vh and
    /// E (E_jk = S_k^2 - S_j^2, 1 on the diagonal), refusing equal singular values.
    static func svdParts(_ a: Variable) throws -> (u: Variable, s: Variable, vh: Variable, e: Variable) {
        let reduced: Attrs = ["full_matrices": .bool(false)]
        let u = try apply(svdU, [a], reduced), s = try apply(svdvals, [a]), vh = try apply(svdVh, [a], reduced)
        try requireDistinct(s.value, "the gradient of svd's singular vectors")
        let s2 = try s * s
        return (u, s, vh, try s2.unsqueeze(-2) - s2.unsqueeze(-1) + identity(s.shape[s.shape.count - 1]))
    }

    /// Refuses the gradient of the complete SVD of a non-square matrix and, where the
    /// formula divides by them, zero singular values.
    static func requireReducedSVD(_ a: Variable, _ attrs: Attrs, divides: Bool) throws {
        let (m, n) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1])
        if attrs.bool("full_matrices") && m != n {
            throw OpError.value("gradcli differentiates svd of a non-square matrix only with full_matrices=False")
        }
        if divides, try svds(a.value).contains(where: { $0.s.contains(0) }) {
            throw OpError.value("the gradient of svd's singular vectors is not defined at a zero singular value of a non-square matrix")
        }
    }

    static func svdVectorSample(_ shape: [Int]) -> OpSample { OpSample([shape], attrs: ["full_matrices": .bool(false)]) }

    /// U of `svd` (m x k, or m x m with `full_matrices`).
    public static let svdU: OpSpec = OpSpec(
        "svd_U", params: [input, fullMatrices], gradFn: "LinalgSvdBackward0", summary: "U of svd",
        samples: [svdVectorSample([3, 2]), svdVectorSample([2, 3]), OpSample([[2, 2]])],
        dtype: .floating,
        forward: { args in
            let x = args[0], parts = try svds(x)
            let m = x.shape[x.rank - 2], k = Swift.min(m, x.shape[x.rank - 1])
            let full = args.attrs.bool("full_matrices")
            return Tensor.stacked(parts.map { part in
                guard full && k < m else { return part.u.data }
                var u = Matrix(zeros: m, m)
                for i in 0..<m { for j in 0..<k { u[i, j] = part.u[i, j] } }
                Decompose.completeColumns(&u, from: k)
                return u.data
            }, batch: Array(x.shape.dropLast(2)), inner: [m, full ? m : k])
        },
        derivative: .vjp { ctx, g in
            // gA = U (skew(U^T gU) / E) S Vh + (I - U U^T) gU S^-1 Vh.
            let (m, n) = (ctx[0].shape[ctx[0].shape.count - 2], ctx[0].shape[ctx[0].shape.count - 1])
            try requireReducedSVD(ctx[0], ctx.attrs, divides: m > n)
            let (u, s, vh, e) = try svdParts(ctx[0])
            let uhgu = try mT(u).matmul(g)
            var inner = try (uhgu - mT(uhgu)) / e * s.unsqueeze(-2)
            var ga = try u.matmul(inner).matmul(vh)
            if m > n {
                inner = try (g - u.matmul(uhgu)) / s.unsqueeze(-2)
                ga = try ga + inner.matmul(vh)
            }
            return [ga]
        })

    /// Vh of `svd` (k x n, or n x n with `full_matrices`).
    public static let svdVh: OpSpec = OpSpec(
        "svd_Vh", params: [input, fullMatrices], gradFn: "LinalgSvdBackward0", summary: "Vh of svd",
        samples: [svdVectorSample([3, 2]), svdVectorSample([2, 3]), OpSample([[2, 2]])],
        dtype: .floating,
        forward: { args in
            let x = args[0], parts = try svds(x)
            let n = x.shape[x.rank - 1], k = Swift.min(x.shape[x.rank - 2], n)
            let full = args.attrs.bool("full_matrices")
            return Tensor.stacked(parts.map { part in
                guard full && k < n else { return part.vh.data }
                var v = Matrix(zeros: n, n)
                for i in 0..<k { for j in 0..<n { v[j, i] = part.vh[i, j] } }
                Decompose.completeColumns(&v, from: k)
                return v.transposed.data
            }, batch: Array(x.shape.dropLast(2)), inner: [full ? n : k, n])
        },
        derivative: .vjp { ctx, g in
            // gA = U S (skew(V^T gV) / E) Vh + U S^-1 gVh (I - V Vh), with gV = gVh^T.
            let (m, n) = (ctx[0].shape[ctx[0].shape.count - 2], ctx[0].shape[ctx[0].shape.count - 1])
            try requireReducedSVD(ctx[0], ctx.attrs, divides: n > m)
            let (u, s, vh, e) = try svdParts(ctx[0])
            let vhgv = try vh.matmul(try mT(g))
            var ga = try u.matmul(try s.unsqueeze(-1) * ((vhgv - mT(vhgv)) / e)).matmul(vh)
            if n > m {
                let projected = try g - g.matmul(try mT(vh)).matmul(vh)
                ga = try ga + (u / s.unsqueeze(-2)).matmul(projected)
            }
            return [ga]
        })

    // MARK: QR

    static let qrMode = Param("mode", .string(choices: ["reduced", "complete"]), default: .string("reduced"))

    static func qrs(_ x: Tensor, _ attrs: Attrs) throws -> [(q: Matrix, r: Matrix)] {
        guard x.rank >= 2 else { throw OpError.shape("linalg.qr: The input tensor A must have at least 2 dimensions.") }
        return x.matrices().map { Decompose.qr($0, complete: attrs.string("mode") == "complete") }
    }

    /// The QR factors' shapes: Q m x q, R q x n, q = k (reduced) or m (complete).
    static func qrColumns(_ shape: [Int], _ attrs: Attrs) throws -> (m: Int, n: Int, q: Int) {
        guard shape.count >= 2 else { throw OpError.shape("linalg.qr: The input tensor A must have at least 2 dimensions.") }
        let m = shape[shape.count - 2], n = shape[shape.count - 1]
        return (m, n, attrs.string("mode") == "complete" ? m : Swift.min(m, n))
    }

    /// The factors as graph nodes, refusing the cases PyTorch's formula does not cover here.
    static func qrParts(_ a: Variable, _ attrs: Attrs) throws -> (q: Variable, r: Variable, rInverseT: Variable) {
        let (m, n, _) = try qrColumns(a.shape, attrs)
        guard m >= n else { throw OpError.value("gradcli differentiates linalg.qr only for matrices with at least as many rows as columns") }
        if attrs.string("mode") == "complete" && m > n {
            throw OpError.value("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        }
        let q = try apply(qrQ, [a], attrs), r = try apply(qrR, [a], attrs)
        return (q, r, try mT(try r.inverse()))
    }

    /// X + X^T with the diagonal once: the inverse of the adjoint of "take the upper triangle".
    static func syminvadj(_ x: Variable) throws -> Variable {
        try x + mT(x) - x * identity(x.shape[x.shape.count - 1])
    }

    /// Q of `qr`.
    public static let qrQ: OpSpec = OpSpec(
        "qr_Q", params: [input, qrMode], gradFn: "LinalgQrBackward0", summary: "Q of qr",
        samples: [OpSample([[3, 2]]), OpSample([[2, 2]])],
        dtype: .floating,
        forward: { args in
            let (m, _, q) = try qrColumns(args[0].shape, args.attrs)
            return Tensor.stacked(try qrs(args[0], args.attrs).map(\.q.data), batch: Array(args[0].shape.dropLast(2)), inner: [m, q])
        },
        derivative: .vjp { ctx, g in
            // gA = (gQ + Q syminvadj(triu(-Q^T gQ))) R^-T.
            let (q, _, rInverseT) = try qrParts(ctx[0], ctx.attrs)
            let m = try apply(triu, [try -(mT(q).matmul(g))])
            return [try (g + q.matmul(try syminvadj(m))).matmul(rInverseT)]
        })

    /// R of `qr`.
    public static let qrR: OpSpec = OpSpec(
        "qr_R", params: [input, qrMode], gradFn: "LinalgQrBackward0", summary: "R of qr",
        samples: [OpSample([[3, 2]]), OpSample([[2, 2]])],
        dtype: .floating,
        forward: { args in
            let (_, n, q) = try qrColumns(args[0].shape, args.attrs)
            return Tensor.stacked(try qrs(args[0], args.attrs).map(\.r.data), batch: Array(args[0].shape.dropLast(2)), inner: [q, n])
        },
        derivative: .vjp { ctx, g in
            // gA = Q syminvadj(triu(gR R^T)) R^-T.
            let (q, r, rInverseT) = try qrParts(ctx[0], ctx.attrs)
            let m = try apply(triu, [try g.matmul(try mT(r))])
            return [try q.matmul(try syminvadj(m)).matmul(rInverseT)]
        })

    // MARK: Pseudo-inverse

    /// `linalg.pinv(A, atol=None, rtol=None)`: the Moore-Penrose pseudo-inverse, by SVD;
    /// singular values at or below max(atol, rtol * largest) count as zero.
    public static let pinv: OpSpec = OpSpec(
        "pinv", aliases: ["pinverse"], params: [input, Param("atol", .double, default: AttrValue.none, keywordOnly: true),
                                                Param("rtol", .double, default: AttrValue.none, keywordOnly: true)],
        gradFn: "LinalgPinvBackward0", summary: "the Moore-Penrose pseudo-inverse (by SVD)",
        samples: [OpSample([[3, 2]]), OpSample([[2, 3]]), OpSample([[3, 3]], fixed: [0: spd3])],
        dtype: .floating,
        forward: { args in
            let x = args[0], parts = try svds(x)
            let m = x.shape[x.rank - 2], n = x.shape[x.rank - 1]
            let atol = args.attrs.optionalDouble("atol") ?? 0
            let rtol = args.attrs.optionalDouble("rtol") ?? (atol > 0 ? 0 : Double.ulpOfOne * Double(Swift.max(m, n)))
            return Tensor.stacked(parts.map { part in
                let cutoff = Swift.max(atol, rtol * (part.s.first ?? 0))
                var p = Matrix(zeros: n, m)
                for (k, s) in part.s.enumerated() where s > cutoff {
                    for i in 0..<n { for j in 0..<m { p[i, j] += part.vh[k, i] * part.u[j, k] / s } }
                }
                return p.data
            }, batch: Array(x.shape.dropLast(2)), inner: [n, m])
        },
        derivative: .vjp { ctx, g in
            let a = ctx[0], p = try ctx.result()
            let (m, n) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1])
            let ph = try mT(p), gh = try mT(g)
            if m <= n {
                let k = try gh.matmul(p), kph = try k.matmul(ph)
                return [try -(mT(try p.matmul(k))) + kph - a.matmul(p).matmul(kph) + ph.matmul(p).matmul(try gh - k.matmul(a))]
            }
            let k = try p.matmul(gh), phk = try ph.matmul(k)
            return [try -(mT(try k.matmul(p))) + (gh - a.matmul(k)).matmul(p).matmul(ph) + phk - phk.matmul(p).matmul(a)]
        }).savingResult()
}
