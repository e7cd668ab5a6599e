import CKernels
import Testing
@testable import Autograd

/// Every instruction-set level of the C kernels against the baseline and against plain Swift:
/// elementwise arithmetic and sums bit for bit, GEMM within 1e-12 of the exact sum's scale.
@Suite struct KernelLevelTests {
    /// Deterministic values with every sign, a wide range of magnitudes, zeros of both signs,
    /// subnormals, infinities and NaN.
    static func values(_ n: Int, seed: UInt64) -> [Double] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, 5e-324, -1e-310, 1e300, -1e-300, 1, -1]
        return (0..<n).map { i in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            if i % 17 == 5 { return specials[Int(state >> 33) % specials.count] }
            let mantissa = Double(state >> 11) / Double(1 << 53) * 2 - 1
            return mantissa * Double(sign: .plus, exponent: Int(state >> 60) - 8, significand: 1)
        }
    }

    static func sameBits(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
    }

    static let levels = KernelLevel.allCases.filter(\.isSupported)

    @Test func baselineIsAlwaysSupportedAndCurrentIsSupported() {
        #expect(KernelLevel.baseline.isSupported)
        #expect(KernelLevel.current.isSupported)
        #expect(KernelLevel.allCases.map(\.name) == ["baseline", "avx2", "avx512"])
    }

    @Test(arguments: [0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1001])
    func elementwiseArithmeticIsBitIdenticalOnEveryLevel(n: Int) {
        let a = Self.values(n, seed: 1), b = Self.values(n, seed: 2)
        let swiftOps: [(gk_binary_op, (Double, Double) -> Double)] = [(GK_ADD, +), (GK_SUB, -), (GK_MUL, *), (GK_DIV, /)]
        for (op, f) in swiftOps {
            let expected = zip(a, b).map(f)
            let s = b.first ?? 3
            let right = a.map { f($0, s) }, left = b.map { f(s, $0) }
            for level in Self.levels {
                var out = [Double](repeating: 7, count: n), r = out, l = out
                gk_binary_at(level.cLevel, op, n, a, b, &out)
                gk_binary_scalar_right_at(level.cLevel, op, n, a, s, &r)
                gk_binary_scalar_left_at(level.cLevel, op, n, s, b, &l)
                #expect(Self.sameBits(out, expected), "\(level) op \(op) n \(n)")
                #expect(Self.sameBits(r, right), "\(level) op \(op) n \(n), scalar right")
                #expect(Self.sameBits(l, left), "\(level) op \(op) n \(n), scalar left")
            }
        }
    }

    /// Rows of a broadcast: row strides of 0 and more, column strides of 0 and 1 for each operand.
    @Test func rowKernelIsBitIdenticalOnEveryLevel() {
        let a = Self.values(400, seed: 16), b = Self.values(400, seed: 17)
        for (rows, cols) in [(0, 3), (3, 0), (1, 1), (4, 10), (7, 33)] {
            for (aRow, aCol, bRow, bCol) in [(cols, 1, cols, 1), (0, 1, cols, 1), (cols, 1, 0, 1), (1, 0, cols, 1),
                                             (cols, 1, 1, 0), (1, 0, 0, 1), (2, 0, 3, 0)] {
                for (op, f) in [(GK_ADD, (+) as (Double, Double) -> Double), (GK_SUB, -), (GK_MUL, *), (GK_DIV, /)] {
                    var expected: [Double] = []
                    for r in 0..<rows {
                        for c in 0..<cols { expected.append(f(a[r * aRow + c * aCol], b[r * bRow + c * bCol])) }
                    }
                    for level in Self.levels {
                        var out = [Double](repeating: 7, count: rows * cols)
                        gk_binary_rows_at(level.cLevel, op, rows, cols, a, aRow, aCol, b, bRow, bCol, &out)
                        #expect(Self.sameBits(out, expected), "\(level) \(op) \(rows)x\(cols) strides \(aRow) \(aCol) \(bRow) \(bCol)")
                    }
                }
            }
        }
    }

    @Test(arguments: [0, 1, 5, 31, 32, 33, 47, 48, 100, 1000, 4099])
    func sumsAreBitIdenticalOnEveryLevelAndCloseToTheOrderedSum(n: Int) {
        let x = Self.values(n, seed: 3).map { $0.isFinite && Swift.abs($0) < 1e10 ? $0 : 0.25 }
        let ordered = x.reduce(0, +), scale = x.reduce(0) { $0 + Swift.abs($1) }
        let baseline = gk_sum_at(GK_LEVEL_BASELINE, n, x)
        #expect(Swift.abs(baseline - ordered) <= 1e-12 * scale)
        if n < 32 { #expect(baseline.bitPattern == ordered.bitPattern) }
        for level in Self.levels {
            #expect(gk_sum_at(level.cLevel, n, x).bitPattern == baseline.bitPattern, "\(level) n \(n)")
            var acc = Self.values(n, seed: 4).map { $0.isFinite ? $0 : 1 }
            let expected = zip(acc, x).map(+)
            gk_accumulate_at(level.cLevel, n, x, &acc)
            #expect(Self.sameBits(acc, expected), "\(level) accumulate n \(n)")
        }
    }

    @Test(arguments: [0, 1, 7, 255, 256, 257, 1000])
    func finiteScanFindsEveryNonFiniteValueOnEveryLevel(n: Int) {
        let finite = Self.values(n, seed: 7).map { $0.isFinite ? $0 : 1e308 }
        for level in Self.levels {
            #expect(gk_all_finite_at(level.cLevel, n, finite) == 1, "\(level) n \(n)")
            for position in Set([0, n / 2, n - 1]) where n > 0 {
                for bad in [Double.nan, .infinity, -.infinity, -Double.nan] {
                    var x = finite
                    x[position] = bad
                    #expect(gk_all_finite_at(level.cLevel, n, x) == 0, "\(level) n \(n) \(bad) at \(position)")
                }
            }
        }
        #expect(Tensor(shape: [n], data: finite).isFinite)
    }

    /// (m, n, k): the small path, matrix-vector, edge tiles of every micro-kernel, several
    /// k blocks (256) and row blocks (96).
    @Test(arguments: [(1, 1, 1), (3, 1, 50), (9, 1, 300), (1, 40, 33), (7, 5, 3), (32, 32, 32), (33, 35, 37),
                      (6, 8, 1000), (97, 130, 300), (200, 17, 513), (12, 16, 64)])
    func gemmOnEveryLevelMatchesTheExactSum(m: Int, n: Int, k: Int) {
        let a = Self.values(m * k, seed: 5).map { $0.isFinite && Swift.abs($0) < 1e3 ? $0 : 0.5 }
        let b = Self.values(k * n, seed: 6).map { $0.isFinite && Swift.abs($0) < 1e3 ? $0 : -2 }
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            // Element (i, p) of op(A) and (p, j) of op(B) in their row-major buffers.
            let (aRow, aCol) = transposeA ? (1, m) : (k, 1)
            let (bRow, bCol) = transposeB ? (1, k) : (n, 1)
            var reference = [Double](repeating: 0, count: m * n), scale = reference
            for i in 0..<m { for j in 0..<n { for p in 0..<k {
                let term = a[i * aRow + p * aCol] * b[p * bRow + j * bCol]
                reference[i * n + j] += term
                scale[i * n + j] += Swift.abs(term)
            } } }
            for level in Self.levels {
                for accumulate in [false, true] {
                    var c = [Double](repeating: accumulate ? 1.5 : .nan, count: m * n)
                    gk_dgemm_at(level.cLevel, m, n, k, a, aRow, aCol, b, bRow, bCol, &c, n, accumulate ? 1 : 0)
                    let offset = accumulate ? 1.5 : 0
                    let worst = (0..<m * n).map { Swift.abs(c[$0] - offset - reference[$0]) / Swift.max(scale[$0], 1e-300) }.max() ?? 0
                    #expect(worst <= 1e-12, "\(level) \(m)x\(n)x\(k) transposed \(transposeA) \(transposeB) accumulate \(accumulate): \(worst)")
                }
            }
        }
    }

    /// float32 + - * / run on the double kernels and are rounded once: IEEE float32 arithmetic.
    @Test func float32ArithmeticIsFloatArithmetic() throws {
        let a = Self.values(40, seed: 11).map { Double(Float($0.isFinite ? $0 : 3)) }
        let b = Self.values(40, seed: 12).map { Double(Float($0.isFinite ? $0 : -7)) }
        let x = Variable(Tensor(shape: [40], data: a, dtype: .float32))
        let y = Variable(Tensor(shape: [40], data: b, dtype: .float32))
        let cases: [(OpSpec, (Float, Float) -> Float)] = [(Ops.add, +), (Ops.sub, -), (Ops.mul, *), (Ops.div, /)]
        for (spec, f) in cases {
            let expected = zip(a, b).map { Double(f(Float($0), Float($1))) }
            let result = try apply(spec, [x, y])
            #expect(result.dtype == .float32)
            #expect(Self.sameBits(result.value.data, expected), "\(spec.name)")
            let scaled = try apply(spec, [x, Variable(wrappedNumber: 0.1, dtype: .float64)])
            #expect(Self.sameBits(scaled.value.data, a.map { Double(f(Float($0), Float(0.1))) }), "\(spec.name) by 0.1")
        }
    }

    @Test func tensorFastPathsGiveTheClosuresResults() throws {
        let a = Tensor(shape: [4, 50], data: Self.values(200, seed: 7))
        let row = Tensor(shape: [50], data: Self.values(50, seed: 8))
        let column = Tensor(shape: [4, 1], data: Self.values(4, seed: 9))
        let scalar = Tensor(2.5)
        for (kernel, f) in [(ElementwiseKernel.add, (+) as (Double, Double) -> Double), (.sub, -), (.mul, *), (.div, /)] {
            let cube = Tensor(shape: [3, 1, 5], data: Self.values(15, seed: 13)), slab = Tensor(shape: [1, 4, 5], data: Self.values(20, seed: 14))
            let ones = Tensor(shape: [3, 4, 1], data: Self.values(12, seed: 15)), point = Tensor(shape: [1, 1, 1], data: [0.75])
            for (x, y) in [(a, a), (a, row), (row, a), (a, column), (column, a), (a, scalar), (scalar, a), (column, row),
                           (cube, slab), (slab, cube), (cube, ones), (ones, slab), (point, ones), (ones, point), (column, point)] {
                let fast = try Tensor.zip(x, y, kernel: kernel, computing: .float64, f), plain = try Tensor.zip(x, y, f)
                #expect(fast.shape == plain.shape)
                #expect(Self.sameBits(fast.data, plain.data), "\(kernel) \(x.shape) \(y.shape)")
            }
        }
        #expect(throws: OpError.self) { try Tensor.zip(a, Tensor(shape: [3], data: [1, 2, 3]), kernel: .add, computing: .float64, +) }
        // Whole numbers, whose sums are exact in any order: `summed` adds in PyTorch's order
        // (the samples compare its bits with PyTorch's), `reduced` in index order.
        let finite = Tensor(shape: [3, 4, 5], data: (0..<60).map { Double($0 * 37 % 23) - 11 })
        for dims in [[0], [2], [1, 2], [0, 1], [0, 2], [0, 1, 2], [1]] {
            for keepdim in [false, true] {
                let fast = finite.summed(dims: dims, keepdim: keepdim)
                let plain = finite.reduced(dims: dims, keepdim: keepdim, initial: 0, +)
                #expect(fast.shape == plain.shape)
                #expect(Self.sameBits(fast.data, plain.data), "sum over \(dims)")
            }
        }
    }
}

/// The array kernels built from a one-element function (vectorised by the compiler where the CPU
/// allows) give that function's bits on every element.
@Suite struct ArrayKernelTests {
    @Test(arguments: [0, 1, 3, 4, 5, 8, 17, 1001])
    func tanhArrayIsTheScalarTanhOnEachElement(n: Int) {
        let x = KernelLevelTests.values(n, seed: 3).map { $0 * 40 }
        var out = [Double](repeating: 7, count: n)
        gk_tanh_f64(n, x, &out)
        #expect(KernelLevelTests.sameBits(out, x.map(gk_tanh_dd)))
    }

    @Test func tanhBackwardRoundsAsItsFormulaInEachMode() {
        let g = KernelLevelTests.values(203, seed: 4), t = KernelLevelTests.values(203, seed: 5).map { Swift.max(-1, Swift.min(1, $0)) }
        let gf = g.map { Double(Float($0)) }, tf = t.map { Double(Float($0)) }
        var out = [Double](repeating: 7, count: g.count)
        gk_tanh_backward(g.count, g, t, &out, 1, 0)
        #expect(KernelLevelTests.sameBits(out, zip(g, t).map { $0 * (1.0).addingProduct(-$1, $1) }))
        gk_tanh_backward(g.count, g, t, &out, 0, 0)
        #expect(KernelLevelTests.sameBits(out, zip(g, t).map { $0 * (1.0 - $1 * $1) }))
        gk_tanh_backward(gf.count, gf, tf, &out, 1, 1)
        #expect(KernelLevelTests.sameBits(out, zip(gf, tf).map { Double(Float($0) * Float(1).addingProduct(-Float($1), Float($1))) }))
        gk_tanh_backward(gf.count, gf, tf, &out, 0, 1)
        #expect(KernelLevelTests.sameBits(out, zip(gf, tf).map { Double(Float($0) * (1 - Float($1) * Float($1))) }))
    }
}
