// Matrix multiplication on row-major float64 buffers: the batched, broadcasting driver that
// `matmul` and every matmul in a VJP run on, over the C GEMM kernel (Sources/CKernels/gemm.c).
import CKernels

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

/// A float64 general matrix multiply, `C = A B` or `C += A B`, for row-major `C`: the blocked,
/// packed kernel of CKernels (gemm.c), vectorised for the CPU found at start-up.
enum GEMM {
    /// Computes `C (m x n) = A (m x k) * B (k x n)`, adding to `C` when `accumulate`.
    /// `C` is row-major with leading dimension `ldc`.
    static func multiply(m: Int, n: Int, k: Int, _ a: MatrixOperand, _ b: MatrixOperand,
                         _ c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool) {
        gk_dgemm(m, n, k, a.base, a.rowStride, a.colStride, b.base, b.rowStride, b.colStride,
                 c, ldc, accumulate ? 1 : 0)
    }
}

extension Tensor {
    /// The batched product `op(a) @ op(b)` of tensors of rank >= 2, where `op` transposes
    /// the last two dimensions when asked. Batch dimensions broadcast; the result has shape
    /// `batch + [m, n]`. The caller has checked that the inner sizes agree.
    static func batchedProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                               transposeB: Bool = false) throws -> Tensor {
        let layout = try BatchedProductLayout(a, b, transposeA: transposeA, transposeB: transposeB)
        let (m, n, k, batch, total) = (layout.m, layout.n, layout.k, layout.batch, layout.total)
        let out = [Double](unsafeUninitializedCapacity: total) { buffer, done in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    guard let baseA = pa.baseAddress, let baseB = pb.baseAddress, let baseC = buffer.baseAddress else {
                        buffer.baseAddress?.initialize(repeating: 0, count: total)
                        return
                    }
                    layout.forEachBatch { t, offA, offB in
                        GEMM.multiply(m: m, n: n, k: k,
                                      MatrixOperand(baseA + offA, rows: layout.aRows, cols: layout.aCols, transposed: transposeA),
                                      MatrixOperand(baseB + offB, rows: layout.bRows, cols: layout.bCols, transposed: transposeB),
                                      baseC + t * m * n, ldc: n, accumulate: false)
                    }
                }
            }
            done = total
        }
        return Tensor(shape: batch + [m, n], data: out)
    }
}

/// The shapes of a batched product `op(a) @ op(b)` of tensors of rank >= 2: the matrix sizes,
/// the broadcast batch dimensions, and where each batch's matrices start in `a` and `b`.
struct BatchedProductLayout {
    let aRows: Int, aCols: Int, bRows: Int, bCols: Int
    let m: Int, k: Int, n: Int
    let batch: [Int]
    /// The result's element count, `batch + [m, n]`, checked against the size limit.
    let total: Int
    private let stridesA: [Int], stridesB: [Int]

    init(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws {
        (aRows, aCols) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        (bRows, bCols) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        (m, k) = transposeA ? (aCols, aRows) : (aRows, aCols)
        n = transposeB ? bRows : bCols
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        self.batch = try Tensor.broadcastShapeOrThrow(batchA, batchB)
        total = try Tensor.checkedCount(of: batch + [m, n])
        // A multiply and an add per (i, p, j) of each batch: 2 m n k operations.
        try WorkBudget.spend(WorkBudget.product(WorkBudget.product(2 * Tensor.count(of: batch), m * n), k))
        stridesA = Tensor.broadcastStrides(from: batchA, to: batch)
        stridesB = Tensor.broadcastStrides(from: batchB, to: batch)
    }

    /// Calls `body(t, offsetA, offsetB)` for each batch index `t` in row-major order, with the
    /// element offsets of its matrices in `a` and `b`.
    func forEachBatch(_ body: (Int, Int, Int) -> Void) {
        var index = [Int](repeating: 0, count: batch.count)
        for t in 0..<Tensor.count(of: batch) {
            var offA = 0, offB = 0
            for d in 0..<batch.count { offA += index[d] * stridesA[d]; offB += index[d] * stridesB[d] }
            body(t, offA * aRows * aCols, offB * bRows * bCols)
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
