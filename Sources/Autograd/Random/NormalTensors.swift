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
            shape = try Tensor.broadcastShapeOrThrow(mean.shape, std.shape)
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
}
