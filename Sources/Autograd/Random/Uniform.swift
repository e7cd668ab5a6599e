import Glibc

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

    /// Fills `out` with `count` float32 uniforms from [0, 1), the values `uniformFloat()` would
    /// give one by one, drawing the words in bulk.
    func fillUniformFloats(_ out: UnsafeMutablePointer<Float>, count: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.chunk) { words in
            let word = words.baseAddress!
            var done = 0
            while done < count {
                let n = Swift.min(Self.chunk, count - done)
                engine.fill(word, count: n)
                for i in 0..<n { out[done + i] = Float(word[i] & 0xFF_FFFF) * 0x1p-24 }
                done += n
            }
        }
    }

    /// Fills `out` with `count` float64 uniforms from [0, 1), as `uniformDouble()` would.
    func fillUniformDoubles(_ out: UnsafeMutablePointer<Double>, count: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.chunk) { words in
            let word = words.baseAddress!
            var done = 0
            while done < count {
                let n = Swift.min(Self.chunk / 2, count - done)
                engine.fill(word, count: 2 * n)
                for i in 0..<n {
                    let bits = UInt64(word[2 * i]) << 32 | UInt64(word[2 * i + 1])
                    out[done + i] = Double(bits & 0x1F_FFFF_FFFF_FFFF) * 0x1p-53
                }
                done += n
            }
        }
    }

    /// Words drawn per bulk step.
    static let chunk = 1024

    /// `count` uniform samples from [from, to) in `dtype` (float32 or float64), in the order
    /// `torch.empty(count, dtype=dtype).uniform_(from, to)` draws them; float32 values come
    /// back as the doubles that hold them exactly. `rand` is `fillUniform(count:dtype:)`.
    public func fillUniform(count: Int, dtype: DType, from: Double = 0, to: Double = 1) -> [Double] {
        precondition(dtype.isFloatingPoint, "uniform samples need a floating dtype")
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = buffer.baseAddress!
            if dtype == .float32 {
                // PyTorch casts the bounds to float, takes to - from in float, then computes
                // x * (to - from) + from in double (its CPU accumulate type) and rounds that once.
                let low = Double(Float(from)), width = Double(Float(to) - Float(from))
                withUnsafeTemporaryAllocation(of: Float.self, capacity: Swift.max(count, 1)) { floats in
                    fillUniformFloats(floats.baseAddress!, count: count)
                    for i in 0..<count { out[i] = Double(Float(Double(floats[i]) * width + low)) }
                }
            } else {
                fillUniformDoubles(out, count: count)
                let width = to - from
                if width != 1 || from != 0 {
                    for i in 0..<count { out[i] = out[i] * width + from }
                }
            }
            initialized = count
        }
    }
}

extension TorchGenerator {
    /// `count` exponential samples of rate 1 in `dtype`, as `torch.empty(count).exponential_()`
    /// draws them on the CPU: a float64 uniform u per element (for float32 too), then
    /// `-log1p(-u)` in double, rounded to the dtype.
    public func fillExponential(count: Int, dtype: DType) -> [Double] {
        var out = fillUniform(count: count, dtype: .float64)
        for i in out.indices {
            let e = -Glibc.log1p(-out[i])
            out[i] = dtype.isFloat32 ? Double(Float(e)) : e
        }
        return out
    }
}
