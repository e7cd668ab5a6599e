// Matrix multiplication on row-major float64 buffers: a cache-blocked GEMM with packed
// panels and a register-tiled SIMD micro-kernel (the BLIS/GotoBLAS scheme), plus the
// batched, broadcasting driver that `matmul` and every matmul in a VJP run on.

/// One operand of a GEMM: element (i, j) of the (possibly transposed) matrix is at
/// `base[i * rowStride + j * colStride]`. A transpose is just swapped strides, so the
/// VJPs' `A^T G` and `G B^T` never copy a transposed matrix.
struct MatrixOperand {
    let base: UnsafePointer<Double>
    let rowStride: Int
    let colStride: Int

    /// A row-major `rows x cols` matrix at `base`, read transposed when `transposed`.
    init(_ base: UnsafePointer<Double>, rows: Int, cols: Int, transposed: Bool) {
        self.base = base
        if transposed { rowStride = 1; colStride = cols } else { rowStride = cols; colStride = 1 }
    }
}

/// A float64 general matrix multiply, `C = A B` or `C += A B`, for row-major `C`.
enum GEMM {
    /// Rows and columns of the register tile the micro-kernel computes.
    static let mr = 6, nr = 4
    /// Block sizes: a `kc x nr` panel of B stays in L1, an `mc x kc` block of A in L2.
    static let kc = 256, mc = 96, nc = 2048

    /// Computes `C (m x n) = A (m x k) * B (k x n)`, adding to `C` when `accumulate`.
    /// `C` is row-major with leading dimension `ldc`.
    static func multiply(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                         _ c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        if !accumulate {
            for i in 0..<m { (c + i * ldc).initialize(repeating: 0, count: n) }
        }
        if m == 0 || n == 0 || k == 0 { return }
        // Packing costs O(mk + kn); below this much work the plain loop wins.
        if m * n * k <= 32 * 32 * 32 || m < 2 || n < 2 {
            naive(m: m, n: n, k: k, a, b, c, ldc: ldc)
            return
        }
        let packA = UnsafeMutablePointer<Double>.allocate(capacity: mc * kc)
        let packB = UnsafeMutablePointer<Double>.allocate(capacity: kc * (Swift.min(nc, n) + nr))
        defer { packA.deallocate(); packB.deallocate() }
        for jc in stride(from: 0, to: n, by: nc) {
            let nb = Swift.min(nc, n - jc)
            for pc in stride(from: 0, to: k, by: kc) {
                let kb = Swift.min(kc, k - pc)
                packPanelsOfB(b, rows: pc, kb, cols: jc, nb, into: packB)
                for ic in stride(from: 0, to: m, by: mc) {
                    let mb = Swift.min(mc, m - ic)
                    packPanelsOfA(a, rows: ic, mb, cols: pc, kb, into: packA)
                    for jr in stride(from: 0, to: nb, by: nr) {
                        let panelB = packB + jr * kb
                        for ir in stride(from: 0, to: mb, by: mr) {
                            microKernel(kb, packA + ir * kb, panelB, c + (ic + ir) * ldc + jc + jr, ldc,
                                        rows: Swift.min(mr, mb - ir), cols: Swift.min(nr, nb - jr))
                        }
                    }
                }
            }
        }
    }

    /// `C += A B` by the textbook loop, ordered so the innermost loop walks rows of C.
    static func naive(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                      _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        for i in 0..<m {
            let row = c + i * ldc
            for p in 0..<k {
                let x = a.base[i * a.rowStride + p * a.colStride]
                let pb = b.base + p * b.rowStride
                for j in 0..<n { row[j] += x * pb[j * b.colStride] }
            }
        }
    }

    /// Copies rows `r0..<r0+count` x columns `c0..<c0+kb` of A into `mr`-row panels, each
    /// stored column by column (`mr` values per step of k), zero-padding the last panel.
    @inline(__always)
    static func packPanelsOfA(_ a: MatrixOperand, rows r0: Int, _ count: Int, cols c0: Int, _ kb: Int,
                              into dst: UnsafeMutablePointer<Double>) {
        var out = dst
        for ir in stride(from: 0, to: count, by: mr) {
            let rows = Swift.min(mr, count - ir)
            let origin = a.base + (r0 + ir) * a.rowStride + c0 * a.colStride
            for p in 0..<kb {
                let column = origin + p * a.colStride
                for i in 0..<rows { out[i] = column[i * a.rowStride] }
                for i in rows..<mr { out[i] = 0 }
                out += mr
            }
        }
    }

    /// Copies rows `r0..<r0+kb` x columns `c0..<c0+count` of B into `nr`-column panels,
    /// each stored row by row (`nr` values per step of k), zero-padding the last panel.
    @inline(__always)
    static func packPanelsOfB(_ b: MatrixOperand, rows r0: Int, _ kb: Int, cols c0: Int, _ count: Int,
                              into dst: UnsafeMutablePointer<Double>) {
        var out = dst
        for jr in stride(from: 0, to: count, by: nr) {
            let cols = Swift.min(nr, count - jr)
            let origin = b.base + r0 * b.rowStride + (c0 + jr) * b.colStride
            if cols == nr && b.colStride == 1 {
                for p in 0..<kb {
                    let row = origin + p * b.rowStride
                    for j in 0..<nr { out[j] = row[j] }
                    out += nr
                }
            } else {
                for p in 0..<kb {
                    let row = origin + p * b.rowStride
                    for j in 0..<cols { out[j] = row[j * b.colStride] }
                    for j in cols..<nr { out[j] = 0 }
                    out += nr
                }
            }
        }
    }

    /// Adds the product of an `mr x kb` panel of A and a `kb x nr` panel of B to the
    /// `rows x cols` corner of C. Six SIMD4 accumulators hold the 6x4 tile in registers: that
    /// fits the 16 vector registers both as SSE2 pairs (the default target) and as AVX2 lanes.
    @inline(__always)
    static func microKernel(_ kb: Int, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                            _ c: UnsafeMutablePointer<Double>, _ ldc: Int, rows: Int, cols: Int) {
        typealias V = SIMD4<Double>
        var c00 = V(), c10 = V(), c20 = V(), c30 = V(), c40 = V(), c50 = V()
        var pa = a, pb = UnsafeRawPointer(b)
        for _ in 0..<kb {
            let b0 = pb.loadUnaligned(as: V.self)
            var x = V(repeating: pa[0]); c00 += x * b0
            x = V(repeating: pa[1]); c10 += x * b0
            x = V(repeating: pa[2]); c20 += x * b0
            x = V(repeating: pa[3]); c30 += x * b0
            x = V(repeating: pa[4]); c40 += x * b0
            x = V(repeating: pa[5]); c50 += x * b0
            pa += 6
            pb += 32
        }
        // Full tiles are stored with vector loads and stores; edge tiles element by element.
        @inline(__always) func store(_ i: Int, _ tile: V) {
            guard i < rows else { return }
            if cols == nr {
                let row = UnsafeMutableRawPointer(c + i * ldc)
                row.storeBytes(of: row.loadUnaligned(as: V.self) + tile, as: V.self)
            } else {
                let row = c + i * ldc
                for j in 0..<cols { row[j] += tile[j] }
            }
        }
        store(0, c00); store(1, c10); store(2, c20); store(3, c30); store(4, c40); store(5, c50)
    }
}

extension Tensor {
    /// The batched product `op(a) @ op(b)` of tensors of rank >= 2, where `op` transposes
    /// the last two dimensions when asked. Batch dimensions broadcast; the result has shape
    /// `batch + [m, n]`. The caller has checked that the inner sizes agree.
    static func batchedProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                               transposeB: Bool = false) throws -> Tensor {
        let ra = a.rank, rb = b.rank
        let (aRows, aCols) = (a.shape[ra - 2], a.shape[ra - 1])
        let (bRows, bCols) = (b.shape[rb - 2], b.shape[rb - 1])
        let (m, k) = transposeA ? (aCols, aRows) : (aRows, aCols)
        let n = transposeB ? bRows : bCols
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        guard let batch = Tensor.broadcastShape(batchA, batchB) else {
            throw OpError.shape("shapes \(describe(shape: a.shape)) and \(describe(shape: b.shape)) cannot be broadcast together in their batch dimensions")
        }
        let batchCount = Tensor.count(of: batch)
        let stridesA = Tensor.broadcastStrides(from: batchA, to: batch)
        let stridesB = Tensor.broadcastStrides(from: batchB, to: batch)
        let total = try Tensor.checkedCount(of: batch + [m, n])
        let out = [Double](unsafeUninitializedCapacity: total) { buffer, done in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    guard let baseA = pa.baseAddress, let baseB = pb.baseAddress, let baseC = buffer.baseAddress else {
                        buffer.baseAddress?.initialize(repeating: 0, count: total)
                        return
                    }
                    var index = [Int](repeating: 0, count: batch.count)
                    for t in 0..<batchCount {
                        var offA = 0, offB = 0
                        for d in 0..<batch.count { offA += index[d] * stridesA[d]; offB += index[d] * stridesB[d] }
                        GEMM.multiply(m: m, n: n, k: k,
                                      MatrixOperand(baseA + offA * aRows * aCols, rows: aRows, cols: aCols, transposed: transposeA),
                                      MatrixOperand(baseB + offB * bRows * bCols, rows: bRows, cols: bCols, transposed: transposeB),
                                      baseC + t * m * n, ldc: n, accumulate: false)
                        var d = batch.count - 1
                        while d >= 0 {
                            index[d] += 1
                            if index[d] < batch[d] { break }
                            index[d] = 0
                            d -= 1
                        }
                    }
                }
            }
            done = total
        }
        return Tensor(shape: batch + [m, n], data: out)
    }
}
