// The matrix exponential, computed as PyTorch computes it (aten/src/ATen/native/LinearAlgebra.cpp,
// `mexp`): Bader, Blanes and Casas' optimised Taylor polynomials of degree 1, 2, 4, 8, 12 or 18,
// chosen by the matrix's 1-norm, with scaling and squaring above the last threshold. Following the
// same polynomials, coefficients and order of operations keeps the result within rounding of
// PyTorch's; the matrix products may round differently, so the last bits can differ.
import Glibc

extension Ops {
    /// `matrix_exp(A)` (`linalg.matrix_exp`): e^A for a square matrix or a batch of them.
    public static let matrixExp: OpSpec = OpSpec(
        "matrix_exp", params: [input], gradFn: "LinalgMatrixExpBackward0",
        summary: "the matrix exponential e^A (batches allowed)",
        samples: [OpSample([[3, 3]], range: -1...1), OpSample([[2, 2, 2]], range: -2...2)],
        dtype: .floating,
        forward: { args in
            let x = args[0]
            let n = try requireSquare(x, "linalg.matrix_exp")
            try WorkBudget.spend(WorkBudget.product(WorkBudget.product(x.count, n), 40))
            return Tensor(shape: x.shape, data: MatrixExponential.exp(x.data, n: n))
        },
        derivative: .vjp { ctx, g in
            // PyTorch's linalg_matrix_exp_differential: the upper-right block of
            // exp([[A^T, G], [0, A^T]]) is the VJP; it is itself differentiable.
            let a = ctx[0], n = a.shape[a.shape.count - 1]
            let at = try mT(a)
            let zeros = Variable(Tensor.zeros(a.shape))
            let top = try Variable.cat([at, g], dim: -1), bottom = try Variable.cat([zeros, at], dim: -1)
            let block = try apply(matrixExp, [try Variable.cat([top, bottom], dim: -2)])
            let rows = try apply(narrow, [block], ["dim": .int(-2), "start": .int(0), "length": .int(n)])
            return [try apply(narrow, [rows], ["dim": .int(-1), "start": .int(n), "length": .int(n)])]
        })
}

/// The float64 arithmetic of `matrix_exp`, on row-major n x n matrices stored back to back.
enum MatrixExponential {
    typealias Matrix = [Double]

    /// The largest 1-norm each degree (1, 2, 4, 8, 12, 18) serves to double precision.
    static let thetas: [Double] = [2.220446049250313e-16, 2.580956802971767e-08, 3.397168839976962e-04,
                                   4.991228871115323e-02, 2.996158913811580e-01, 1.090863719290036e+00]

    /// e^A of each matrix in `data`. Like PyTorch, a batch of more than one matrix always takes
    /// the degree-18 polynomial with scaling and squaring; a single matrix the lowest degree its norm allows.
    static func exp(_ data: [Double], n: Int) -> [Double] {
        let size = n * n
        guard size > 0 else { return data }
        let count = data.count / size
        var out: [Double] = []
        out.reserveCapacity(data.count)
        for b in 0..<count {
            let a = Array(data[(b * size)..<((b + 1) * size)])
            out += count > 1 ? scaledAndSquared(a, n: n) : single(a, n: n)
        }
        return out
    }

    static func single(_ a: Matrix, n: Int) -> Matrix {
        let norm = oneNorm(a, n: n)
        // A NaN norm falls through every interval: PyTorch leaves its NaN-filled result.
        if norm.isNaN { return Matrix(repeating: .nan, count: a.count) }
        if norm <= thetas[0] { return lincomb(powers(a, n: n, count: 2), [1, 1]) }
        if norm <= thetas[1] { return t2(a, n: n) }
        if norm <= thetas[2] { return t4(a, n: n) }
        if norm <= thetas[3] { return t8(a, n: n) }
        // At exactly the degree-12 threshold PyTorch computes both and keeps the degree-18 result.
        if norm < thetas[4] { return t12(a, n: n) }
        return scaledAndSquared(a, n: n)
    }

    /// The largest column sum of absolute values.
    static func oneNorm(_ a: Matrix, n: Int) -> Double {
        var best = -Double.infinity
        for j in 0..<n {
            var s = 0.0
            for i in 0..<n { s += Swift.abs(a[i * n + j]) }
            if s.isNaN { return .nan }
            best = Swift.max(best, s)
        }
        return best
    }

    static func product(_ x: Matrix, _ y: Matrix, n: Int) -> Matrix {
        Matrix(unsafeUninitializedCapacity: n * n) { out, done in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeBufferPointer { py in
                    GEMM.multiply(m: n, n: n, k: n, MatrixOperand(px.baseAddress!, rows: n, cols: n, transposed: false),
                                  MatrixOperand(py.baseAddress!, rows: n, cols: n, transposed: false),
                                  out.baseAddress!, ldc: n, accumulate: false)
                }
            }
            done = n * n
        }
    }

    /// I, A, A^2, A^3, A^6: the first `count` of them.
    static func powers(_ a: Matrix, n: Int, count: Int) -> [Matrix] {
        var identity = Matrix(repeating: 0, count: n * n)
        for i in 0..<n { identity[i * n + i] = 1 }
        var list = [identity, a]
        if count > 2 { list.append(product(a, a, n: n)) }
        if count > 3 { list.append(product(a, list[2], n: n)) }
        if count > 4 { list.append(product(list[3], list[3], n: n)) }
        return list
    }

    /// `sum_i coefficients[i] * matrices[i]`, added left to right from zero as PyTorch's
    /// `_compute_linear_combination` kernel does.
    static func lincomb(_ matrices: [Matrix], _ coefficients: [Double]) -> Matrix {
        var out = Matrix(repeating: 0, count: matrices[0].count)
        for (m, c) in zip(matrices, coefficients) {
            for k in out.indices { out[k] += m[k] * c }
        }
        return out
    }

    static func added(_ x: Matrix, _ y: Matrix) -> Matrix { zip(x, y).map { $0 + $1 } }

    static func t2(_ a: Matrix, n: Int) -> Matrix {
        let p = powers(a, n: n, count: 3)
        return added(added(p[0], p[1]), p[2].map { $0 / 2 })
    }

    static func t4(_ a: Matrix, n: Int) -> Matrix {
        var p = powers(a, n: n, count: 3)
        p.append(product(p[2], lincomb(p, [1 / 2.0, 1 / 6.0, 1 / 24.0]), n: n))
        return lincomb(p, [1, 1, 0, 1])
    }

    static func t8(_ a: Matrix, n: Int) -> Matrix {
        let sqrt177 = 0.1330413469565007072504e+2
        let x3 = 2.0 / 3.0
        let x1 = x3 * ((1 + sqrt177) / 88), x2 = x3 * ((1 + sqrt177) / 352)
        let x4 = (-271 + 29 * sqrt177) / (315 * x3), x5 = (-11 + 11 * sqrt177) / (1260 * x3)
        let x6 = (-99 + 11 * sqrt177) / (5040 * x3), x7 = (89 - sqrt177) / (5040 * x3)
        let y2 = (857 - 58 * sqrt177) / 630
        var p = powers(a, n: n, count: 3)
        p.append(product(p[2], lincomb([p[1], p[2]], [x1, x2]), n: n))
        p.append(product(lincomb([p[2], p[3]], [x3, 1]), lincomb(Array(p[0..<4]), [x4, x5, x6, x7]), n: n))
        return lincomb(p, [1, 1, y2, 0, 1])
    }

    static let t12Coefficients: [[Double]] = [
        [9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.04623946134063071740],
        [5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031, 0.01108844528519167989],
        [0.18188869982170434744, 0.05502798439925399070, 0.09351590770535414968, 0.00610700528898058230],
        [-2.0861320e-13, -0.13181061013830184015, -0.02027855540589259079, -0.00675951846863086359],
    ]

    static func t12(_ a: Matrix, n: Int) -> Matrix {
        let p = powers(a, n: n, count: 4)
        var bs = t12Coefficients.map { lincomb(p, $0) }
        bs[2] = added(bs[2], product(bs[3], bs[3], n: n))
        return added(bs[0], product(added(bs[1], bs[2]), bs[2], n: n))
    }

    static let t18Coefficients: [[Double]] = [
        [0, -1.00365581030144618291e-01, -8.02924648241156932449e-03, -8.92138498045729985177e-04, 0],
        [0, 3.97849749499645077844e-01, 1.36783778460411720168e+00, 4.98289622525382669416e-01, -6.37898194594723280150e-04],
        [-1.09676396052962061844e+01, 1.68015813878906206114e+00, 5.71779846478865511061e-02, -6.98210122488052056106e-03,
         3.34975017086070470649e-05],
        [-9.04316832390810593223e-02, -6.76404519071381882256e-02, 6.75961301770459654925e-02, 2.95552570429315521194e-02,
         -1.39180257516060693404e-05],
        [0, 0, -9.23364619367118555360e-02, -1.69364939002081722752e-02, -1.40086798182036094347e-05],
    ]

    static func t18(_ a: Matrix, n: Int) -> Matrix {
        let p = powers(a, n: n, count: 5)
        var bs = t18Coefficients.map { lincomb(p, $0) }
        bs[3] = added(bs[3], product(bs[0], bs[4], n: n))
        return added(bs[1], product(added(bs[2], bs[3]), bs[3], n: n))
    }

    /// A scaled by 2^-s so that its norm is below the degree-18 threshold, then squared s times.
    static func scaledAndSquared(_ a: Matrix, n: Int) -> Matrix {
        let norm = oneNorm(a, n: n)
        let s = Swift.max(0, (Glibc.log2(norm / thetas[5])).rounded(.up))
        if s.isNaN { return Matrix(repeating: .nan, count: a.count) }
        let scale = Glibc.pow(2, -s)
        var result = t18(a.map { $0 * scale }, n: n)
        for _ in 0..<Int(s) { result = product(result, result, n: n) }
        return result
    }
}
