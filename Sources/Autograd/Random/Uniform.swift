// Uniform samples, as PyTorch's CPU `uniform_` kernel draws them (`uniform_real` in
// ATen/core/TransformationHelper.h): a float takes the low 24 bits of one 32-bit draw, a
// double the low 53 bits of one 64-bit draw, scaled to [0, 1) and then to [from, to) in the
// dtype's own arithmetic.

extension TorchGenerator {
    /// One float32 uniform from [0, 1): `(random() & 0xFFFFFF) * 2^-24`.
    @inline(__always)
    func uniformFloat() -> Float {
        Float(random() & 0xFF_FFFF) * 0x1p-24
    }

    /// One float64 uniform from [0, 1): `(random64() & (2^53 - 1)) * 2^-53`.
    @inline(__always)
    func uniformDouble() -> Double {
        Double(random64() & 0x1F_FFFF_FFFF_FFFF) * 0x1p-53
    }

    /// `count` uniform samples from [from, to) in `dtype` (float32 or float64), in the order
    /// `torch.empty(count, dtype=dtype).uniform_(from, to)` draws them; float32 values come
    /// back as the doubles that hold them exactly. `rand` is `fillUniform(count:dtype:)`.
    public func fillUniform(count: Int, dtype: DType, from: Double = 0, to: Double = 1) -> [Double] {
        precondition(dtype.isFloatingPoint, "uniform samples need a floating dtype")
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if dtype == .float32 {
                // PyTorch casts the bounds to float and computes x * (to - from) + from in float.
                let low = Float(from), width = Float(to) - Float(from)
                for i in 0..<count { buffer[i] = Double(uniformFloat() * width + low) }
            } else {
                let width = to - from
                for i in 0..<count { buffer[i] = uniformDouble() * width + from }
            }
            initialized = count
        }
    }
}
