import Glibc

// Matrix decompositions on row-major matrices, one matrix of a batch at a time: Cholesky,
// the symmetric eigendecomposition (cyclic Jacobi), the singular value decomposition
// (one-sided Jacobi), Householder QR (LAPACK's geqrf/orgqr sign convention, which PyTorch
// returns) and an LU solve. Small dense matrices only: a calculator's sizes.

/// One real matrix, row-major.
struct Matrix {
    var rows: Int
    var cols: Int
    var data: [Double]

    init(rows: Int, cols: Int, data: [Double]) {
        (self.rows, self.cols, self.data) = (rows, cols, data)
    }

    init(zeros rows: Int, _ cols: Int) { self.init(rows: rows, cols: cols, data: [Double](repeating: 0, count: rows * cols)) }

    static func identity(_ n: Int) -> Matrix {
        var m = Matrix(zeros: n, n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    subscript(i: Int, j: Int) -> Double {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }
}

extension Tensor {
    /// The matrices of a batch (the last two dimensions), in order.
    func matrices() -> [Matrix] {
        let r = shape[rank - 2], c = shape[rank - 1], size = r * c
        let count = size == 0 ? Tensor.count(of: Array(shape.dropLast(2))) : self.count / size
        return (0..<count).map { b in Matrix(rows: r, cols: c, data: Array(data[(b * size)..<(b * size + size)])) }
    }

    /// A tensor of batch shape `batch` holding `parts`, each of shape `inner`.
    static func stacked(_ parts: [[Double]], batch: [Int], inner: [Int]) -> Tensor {
        Tensor(shape: batch + inner, data: parts.flatMap { $0 })
    }
}

enum Decompose {
    /// The lower Cholesky factor of the symmetric matrix whose lower triangle `a` holds, or
    /// the order of the first leading minor that is not positive-definite.
    static func cholesky(_ a: Matrix) -> (factor: Matrix?, failedOrder: Int) {
        let n = a.rows
        var l = Matrix(zeros: n, n)
        for j in 0..<n {
            var d = a[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            guard d > 0, d.isFinite else { return (nil, j + 1) }
            let root = d.squareRoot()
            l[j, j] = root
            for i in (j + 1)..<Swift.max(n, j + 1) {
                var s = a[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / root
            }
        }
        return (l, 0)
    }

    /// The eigenvalues (ascending) and eigenvectors (columns) of the symmetric matrix whose
    /// lower triangle `a` holds. Each eigenvector's sign makes its largest entry positive
    /// (the first of equal ones): LAPACK picks some sign, which no formula can match.
    static func symmetricEigen(_ a: Matrix) -> (values: [Double], vectors: Matrix) {
        let n = a.rows
        var m = a
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { m[i, j] = m[j, i] } }
        var v = Matrix.identity(n)
        for _ in 0..<100 {
            var off = 0.0, total = 0.0
            for i in 0..<n { for j in 0..<n { total += m[i, j] * m[i, j]; if i != j { off += m[i, j] * m[i, j] } } }
            if off <= 1e-30 * total || off == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<Swift.max(n, p + 1) where m[p, q] != 0 {
                    let theta = (m[q, q] - m[p, p]) / (2 * m[p, q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let mkp = m[k, p], mkq = m[k, q]
                        m[k, p] = c * mkp - s * mkq
                        m[k, q] = s * mkp + c * mkq
                    }
                    for k in 0..<n {
                        let mpk = m[p, k], mqk = m[q, k]
                        m[p, k] = c * mpk - s * mqk
                        m[q, k] = s * mpk + c * mqk
                    }
                    for k in 0..<n {
                        let vkp = v[k, p], vkq = v[k, q]
                        v[k, p] = c * vkp - s * vkq
                        v[k, q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { m[$0, $0] < m[$1, $1] }
        var vectors = Matrix(zeros: n, n)
        for (j, source) in order.enumerated() {
            let column = (0..<n).map { v[$0, source] }
            let sign = signOfLargest(column)
            for i in 0..<n { vectors[i, j] = sign * column[i] }
        }
        return (order.map { m[$0, $0] }, vectors)
    }

    /// 1 or -1: the sign that makes the entry of largest magnitude positive.
    static func signOfLargest(_ column: [Double]) -> Double {
        var best = 0
        for (i, x) in column.enumerated() where Swift.abs(x) > Swift.abs(column[best]) + 1e-12 { best = i }
        return column.isEmpty || column[best] >= 0 ? 1 : -1
    }

    /// The reduced SVD `a = U diag(S) Vh`: `k = min(m, n)` singular values in descending
    /// order, `U` m x k, `Vh` k x n. Signs: each right singular vector's largest entry is
    /// positive (LAPACK's choice cannot be reproduced; products such as `U S Vh` agree).
    static func svd(_ a: Matrix) -> (u: Matrix, s: [Double], vh: Matrix) {
        if a.rows < a.cols {
            // Of the transpose: A^T = V S U^T.
            var t = Matrix(zeros: a.cols, a.rows)
            for i in 0..<a.rows { for j in 0..<a.cols { t[j, i] = a[i, j] } }
            let (u, s, vh) = svd(t)
            var uOut = Matrix(zeros: a.rows, s.count), vhOut = Matrix(zeros: s.count, a.cols)
            for i in 0..<a.rows { for j in 0..<s.count { uOut[i, j] = vh[j, i] } }
            for i in 0..<s.count { for j in 0..<a.cols { vhOut[i, j] = u[j, i] } }
            return (uOut, s, vhOut)
        }
        let m = a.rows, n = a.cols
        var w = a, v = Matrix.identity(n)
        for _ in 0..<100 {
            var rotated = false
            for p in 0..<n {
                for q in (p + 1)..<Swift.max(n, p + 1) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<m { alpha += w[i, p] * w[i, p]; beta += w[i, q] * w[i, q]; gamma += w[i, p] * w[i, q] }
                    guard gamma != 0, Swift.abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    for i in 0..<m {
                        let wp = w[i, p], wq = w[i, q]
                        w[i, p] = c * wp - s * wq
                        w[i, q] = s * wp + c * wq
                    }
                    for i in 0..<n {
                        let vp = v[i, p], vq = v[i, q]
                        v[i, p] = c * vp - s * vq
                        v[i, q] = s * vp + c * vq
                    }
                }
            }
            if !rotated { break }
        }
        let norms = (0..<n).map { j in (0..<m).reduce(0.0) { $0 + w[$1, j] * w[$1, j] }.squareRoot() }
        let order = (0..<n).sorted { norms[$0] > norms[$1] }
        var u = Matrix(zeros: m, n), vh = Matrix(zeros: n, n)
        for (j, source) in order.enumerated() {
            let sign = signOfLargest((0..<n).map { v[$0, source] })
            for i in 0..<n { vh[j, i] = sign * v[i, source] }
            for i in 0..<m { u[i, j] = norms[source] > 0 ? sign * w[i, source] / norms[source] : 0 }
        }
        completeColumns(&u, from: order.firstIndex { norms[$0] == 0 } ?? n)
        return (u, order.map { norms[$0] }, vh)
    }

    /// Fills columns `start...` of `u` with unit vectors orthogonal to the columns before
    /// (Gram-Schmidt on the standard basis), for the singular vectors of zero singular values.
    static func completeColumns(_ u: inout Matrix, from start: Int) {
        var candidate = 0
        for j in start..<u.cols {
            while candidate < u.rows {
                var e = (0..<u.rows).map { $0 == candidate ? 1.0 : 0.0 }
                candidate += 1
                for k in 0..<j {
                    let d = (0..<u.rows).reduce(0.0) { $0 + u[$1, k] * e[$1] }
                    for i in 0..<u.rows { e[i] -= d * u[i, k] }
                }
                let norm = e.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 1e-8 {
                    for i in 0..<u.rows { u[i, j] = e[i] / norm }
                    break
                }
            }
        }
    }

    /// The QR factorisation by Householder reflections, with LAPACK's signs:
    /// `R[k][k] = -sign(a_kk) * |column|` unless the column below is already zero. Reduced
    /// (Q m x k, R k x n) or complete (Q m x m, R m x n).
    static func qr(_ a: Matrix, complete: Bool = false) -> (q: Matrix, r: Matrix) {
        let m = a.rows, n = a.cols, k = Swift.min(m, n)
        var r = a
        var reflectors: [(v: [Double], tau: Double)] = []
        for j in 0..<k {
            let alpha = r[j, j]
            var xnorm = 0.0
            for i in (j + 1)..<Swift.max(m, j + 1) { xnorm = hypot(xnorm, r[i, j]) }
            guard xnorm != 0 else { reflectors.append(([], 0)); continue }
            let beta = -(alpha >= 0 ? 1.0 : -1.0) * hypot(alpha, xnorm)
            let tau = (beta - alpha) / beta
            var v = [Double](repeating: 0, count: m)
            v[j] = 1
            for i in (j + 1)..<m { v[i] = r[i, j] / (alpha - beta) }
            for c in j..<n {
                var d = 0.0
                for i in j..<m { d += v[i] * r[i, c] }
                for i in j..<m { r[i, c] -= tau * v[i] * d }
            }
            r[j, j] = beta
            for i in (j + 1)..<m { r[i, j] = 0 }
            reflectors.append((v, tau))
        }
        // Q = H_1 ... H_k applied to the first k columns of the identity.
        let qc = complete ? m : k
        var q = Matrix(zeros: m, qc)
        for i in 0..<qc { q[i, i] = 1 }
        for (j, h) in reflectors.enumerated().reversed() where h.tau != 0 {
            for c in 0..<qc {
                var d = 0.0
                for i in j..<m { d += h.v[i] * q[i, c] }
                for i in j..<m { q[i, c] -= h.tau * h.v[i] * d }
            }
        }
        var rOut = Matrix(zeros: qc, n)
        for i in 0..<Swift.min(qc, m) { for c in i..<Swift.max(n, i) { rOut[i, c] = r[i, c] } }
        return (q, rOut)
    }

    /// `X` with `A X = B` (`b` is n x k), by LU with partial pivoting; nil when `A` is singular.
    static func solve(_ a: Matrix, _ b: Matrix) -> Matrix? {
        let n = a.rows
        var lu = a, x = b
        for col in 0..<n {
            var pivot = col
            for r in col..<n where Swift.abs(lu[r, col]) > Swift.abs(lu[pivot, col]) { pivot = r }
            guard lu[pivot, col] != 0 else { return nil }
            if pivot != col {
                for j in 0..<n { lu.data.swapAt(pivot * n + j, col * n + j) }
                for j in 0..<x.cols { x.data.swapAt(pivot * x.cols + j, col * x.cols + j) }
            }
            for r in (col + 1)..<Swift.max(n, col + 1) {
                let f = lu[r, col] / lu[col, col]
                if f == 0 { continue }
                for j in col..<n { lu[r, j] -= f * lu[col, j] }
                for j in 0..<x.cols { x[r, j] -= f * x[col, j] }
            }
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in 0..<x.cols {
                var s = x[i, j]
                for k in (i + 1)..<Swift.max(n, i + 1) { s -= lu[i, k] * x[k, j] }
                x[i, j] = s / lu[i, i]
            }
        }
        return x
    }
}
