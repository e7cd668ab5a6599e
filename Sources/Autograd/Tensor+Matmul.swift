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
