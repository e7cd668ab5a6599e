// `torch.normal` with tensor arguments, as PyTorch's CPU implementation computes it
// (ATen/native/DistributionTemplates.h, `normal_impl` / `normal_out_impl`): the output is
// filled by `normal_(0, std)` or `normal_(0, 1)` on the shared stream, then the tensors are
// applied as separate in-place ops, each rounded to the output's dtype:
// - normal(mean tensor, std number):  normal_(0, std), then add_(mean); mean's dtype and shape;
// - normal(mean number, std tensor):  normal_(0, 1), mul_(std), add_(mean as a 0-d tensor of
//   std's dtype); std's dtype and shape;
// - normal(mean tensor, std tensor):  normal_(0, 1) over the broadcast shape, mul_(std),
//   add_(mean); mean's dtype.
// PyTorch's results have zero gradients; here they do not require grad.

extension Ops {
    /// The tensor overloads of `normal`; `mean` or `std` is a Python number when `isNumber`.
    static func normalOfTensors(mean: Tensor, meanIsNumber: Bool, std: Tensor, stdIsNumber: Bool) throws -> Tensor {
        if stdIsNumber {
            try TorchGenerator.checkNormalStd(std.data[0])
        } else if std.data.contains(where: { $0 < 0 }) {
            throw OpError.value("normal expects all elements of std >= 0.0")
        }
        let shaped = meanIsNumber ? std : mean
        let shape: [Int]
        if meanIsNumber || stdIsNumber {
            shape = shaped.shape
        } else {
            guard let broadcast = Tensor.broadcastShape(mean.shape, std.shape) else {
                throw OpError.shape("The size of tensor a (\(mismatch(mean.shape, std.shape).0)) must match the size of tensor b "
                                    + "(\(mismatch(mean.shape, std.shape).1)) at non-singleton dimension \(mismatch(mean.shape, std.shape).2)")
            }
            shape = broadcast
        }
        let dtype = shaped.dtype
        guard dtype.isFloatingPoint else { throw OpError.value("\"normal_kernel_cpu\" not implemented for '\(dtype.kernelName)'") }
        let count = try Tensor.checkedCount(of: shape)
        func rounded(_ x: Double) -> Double { dtype.isFloat32 ? Double(Float(x)) : x }
        var out = Tensor(shape: shape, data: TorchGenerator.current.fillNormal(count: count, dtype: dtype, std: stdIsNumber ? std.data[0] : 1),
                         dtype: dtype)
        if !stdIsNumber { out = try Tensor.zip(out, std) { rounded($0 * $1) } }
        let addend = meanIsNumber ? Tensor(shape: [], data: [rounded(mean.data[0])], dtype: dtype) : mean
        return try Tensor.zip(out, addend) { rounded($0 + $1) }.converted(to: dtype)
    }

    /// The sizes PyTorch's broadcast error names: (size of a, size of b, dimension).
    private static func mismatch(_ a: [Int], _ b: [Int]) -> (Int, Int, Int) {
        let rank = Swift.max(a.count, b.count)
        for i in (0..<rank).reversed() {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da != db && da != 1 && db != 1 { return (da, db, i) }
        }
        return (1, 1, 0)
    }
}
