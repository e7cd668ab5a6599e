// float32 matrix products as PyTorch's CPU build computes them for small sizes: each output
// element accumulates its k products in float32, in order, each product rounded to float32
// before it is added (no fused multiply-add). Measured against PyTorch 2.13 (MKL sgemm) on this
// x86-64 machine, that is bit for bit for small matrices (up to 8 x 64 x 8, and thin products
// such as 2 x 1000 x 2); PyTorch's blocked and vectorised kernels for larger matrices,
// matrix-vector products with more than a few rows and 1-D dot products (MKL sdot, 8 lanes)
// add in other orders, so there float32 results may differ from PyTorch's in the last bits.

extension Tensor {
    /// `op(a) @ op(b)` (see `batchedProduct`): in float32 when both operands are float32,
    /// with the float64 GEMM otherwise.
    static func matrixProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                              transposeB: Bool = false) throws -> Tensor {
        guard a.dtype == .float32 && b.dtype == .float32 else {
            return try batchedProduct(a, b, transposeA: transposeA, transposeB: transposeB)
        }
        return try float32BatchedProduct(a, b, transposeA: transposeA, transposeB: transposeB)
    }

    /// The batched float32 product, batch dimensions broadcasting, result `batch + [m, n]`.
    static func float32BatchedProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) throws -> Tensor {
        let layout = try BatchedProductLayout(a, b, transposeA: transposeA, transposeB: transposeB)
        let (aCols, bCols, m, k, n, batch) = (layout.aCols, layout.bCols, layout.m, layout.k, layout.n, layout.batch)
        let fa = a.data.map { Float($0) }, fb = b.data.map { Float($0) }
        // Element (i, p) of op(a) and (p, j) of op(b), as strides.
        let (aI, aP) = transposeA ? (1, aCols) : (aCols, 1)
        let (bP, bJ) = transposeB ? (1, bCols) : (bCols, 1)
        var out = [Double](repeating: 0, count: layout.total)
        layout.forEachBatch { t, offA, offB in
            for i in 0..<m {
                for j in 0..<n {
                    var acc: Float = 0
                    for p in 0..<k {
                        let product: Float = fa[offA + i * aI + p * aP] * fb[offB + p * bP + j * bJ]
                        acc += product
                    }
                    out[t * m * n + i * n + j] = Double(acc)
                }
            }
        }
        return Tensor(shape: batch + [m, n], data: out, dtype: .float32)
    }
}
