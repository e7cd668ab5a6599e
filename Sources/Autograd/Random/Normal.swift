import CKernels
import Glibc

// Normal samples, as PyTorch's CPU `normal_` kernel draws them
// (ATen/native/cpu/DistributionTemplates.h, `normal_kernel`):
// - fewer than 16 elements: one scalar Box-Muller per element in double, from two double
//   uniforms, whose sin half is cached in the generator and returned by the next such draw,
//   in this call or a later one (`normal_distribution<double>`), then rounded to the dtype;
// - 16 or more: every element first gets a uniform of the dtype, then each block of 16 is
//   transformed in place, 8 pairs (d[j], d[j + 8]); when 16 does not divide the count, the
//   last 16 positions get fresh uniforms and are transformed again. float64 uses libm's
//   log, cos and sin; float32 uses the AVX2 kernel's polynomials (see AVXMathFun.swift).

extension TorchGenerator {
    /// `count` normal samples with the given mean and standard deviation in `dtype` (float32 or
    /// float64), exactly as `torch.empty(count, dtype=dtype).normal_(mean, std)` on an x86-64
    /// build with AVX2 or AVX-512 (the float32 path for 16 or more samples differs in the last
    /// bits under `ATEN_CPU_CAPABILITY=default`). `randn` is `fillNormal(count:dtype:)`.
    public func fillNormal(count: Int, dtype: DType, mean: Double = 0, std: Double = 1) -> [Double] {
        precondition(dtype.isFloatingPoint, "normal samples need a floating dtype")
        if count < 16 {
            return (0..<count).map { _ in
                let sample = scalarNormal(mean: mean, std: std)
                return dtype == .float32 ? Double(Float(sample)) : sample
            }
        }
        if dtype == .float32 {
            return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { floats in
                    fillNormalBlocks(UnsafeMutableBufferPointer(rebasing: floats[0..<count]), mean: Float(mean), std: Float(std))
                    for i in 0..<count { buffer[i] = Double(floats[i]) }
                }
                initialized = count
            }
        }
        return [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            fillNormalBlocks(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]), mean: mean, std: std)
            initialized = count
        }
    }

    /// One scalar Box-Muller draw (`normal_distribution<double>`): the cached sample if there
    /// is one, else r cos(theta) (times std plus mean, fused) with r = sqrt(-2 log1p(-u2)), theta = 2 pi u1, caching r sin(theta).
    func scalarNormal(mean: Double, std: Double) -> Double {
        if let cached = cachedNormal {
            cachedNormal = nil
            return mean.addingProduct(cached, std)
        }
        let u1 = uniformDouble()
        let u2 = uniformDouble()
        let radius = (-2.0 * log1p(-u2)).squareRoot()
        let theta = 2.0 * Double.pi * u1
        cachedNormal = radius * sin(theta)
        // The AVX2 and AVX-512 builds contract `sample * std + mean` into one fma (the
        // default-capability build does not: its last bit can differ when std is not a power of 2).
        return mean.addingProduct(radius * cos(theta), std)
    }

    /// The 16-or-more float64 path: uniforms everywhere, then blocks of 16 with libm.
    private func fillNormalBlocks(_ data: UnsafeMutableBufferPointer<Double>, mean: Double, std: Double) {
        let count = data.count
        let base = data.baseAddress!
        fillUniformDoubles(base, count: count)
        // The kernel's std::fma(radius * cos(theta), std, mean); with std 1 the product is
        // exact, so a plain add is the same number without the libm call.
        let unitStd = std == 1
        func transform(_ start: Int) {
            for j in start..<(start + 8) {
                let u1 = 1 - base[j], u2 = base[j + 8]
                let radius = (-2 * log(u1)).squareRoot()
                let theta = 2.0 * Double.pi * u2
                let c = radius * cos(theta), s = radius * sin(theta)
                base[j] = unitStd ? c + mean : mean.addingProduct(c, std)
                base[j + 8] = unitStd ? s + mean : mean.addingProduct(s, std)
            }
        }
        var start = 0
        while start + 16 <= count { transform(start); start += 16 }
        if count % 16 != 0 {
            fillUniformDoubles(base + count - 16, count: 16)
            transform(count - 16)
        }
    }

    /// Whether the C kernel (AVX2 and FMA instructions) can run here; else the portable Swift
    /// one, which gives the same bits more slowly.
    static let hasAVX2 = grad_box_muller_avx2_available() != 0

    /// The 16-or-more float32 path: float uniforms, then blocks of 16 through the AVX2
    /// kernel's arithmetic, 8 lanes at a time.
    private func fillNormalBlocks(_ data: UnsafeMutableBufferPointer<Float>, mean: Float, std: Float) {
        let count = data.count
        let base = data.baseAddress!
        fillUniformFloats(base, count: count)
        let transform = Self.hasAVX2 ? grad_box_muller16_avx2 : AVXMathFun.boxMuller16
        var start = 0
        while start + 16 <= count { transform(base + start, mean, std); start += 16 }
        if count % 16 != 0 {
            fillUniformFloats(base + count - 16, count: 16)
            transform(base + count - 16, mean, std)
        }
    }
}
