// The float32 Box-Muller of PyTorch's AVX2 normal kernel (`NormalFill16<float>` in
// ATen/native/cpu/DistributionTemplates.h) with the log and sincos polynomials of
// ATen/native/cpu/avx_mathfun.h (Cephes, after Pommier and Garberoglio), 8 lanes at a time.
// PyTorch's x86-64 wheels run this code under the AVX2 and AVX-512 capabilities (the normal
// kernel has no AVX-512 version); its results differ in the last bits from libm's.

typealias Floats8 = SIMD8<Float>
typealias Words8 = SIMD8<UInt32>
typealias Doubles8 = SIMD8<Double>

enum AVXMathFun {
    @inline(__always)
    static func bits(_ x: Floats8) -> Words8 { unsafeBitCast(x, to: Words8.self) }
    @inline(__always)
    static func floats(_ x: Words8) -> Floats8 { unsafeBitCast(x, to: Floats8.self) }

    /// a * b + c rounded once: GCC compiles PyTorch's AVX2 kernel with -mfma and contracts each
    /// multiply whose only use is an add into an fma, taking the first such multiply in source
    /// order (so `y * z + e * q1` is fma(y, z, e * q1)). Verified against torch 2.13's output:
    /// without the fmas, or with other pairings, a few values in a thousand differ in the last bit.
    ///
    /// The package targets baseline x86-64, where an fma is a libm call per lane, so this computes
    /// it in double: a float product is exact in double, and rounding the double sum to float
    /// gives the correctly rounded fma unless that sum landed exactly halfway between two floats
    /// (the only case where rounding twice can differ from rounding once); those rare lanes are
    /// redone with a true fma. (Every intermediate of these polynomials is a normal float.)
    @inline(__always)
    static func madd(_ a: Floats8, _ b: Floats8, _ c: Floats8) -> Floats8 {
        let sum = Doubles8(a) * Doubles8(b) + Doubles8(c)
        var result = Floats8(sum)
        let halfway = (unsafeBitCast(sum, to: SIMD8<UInt64>.self) & 0x1FFF_FFFF) .== 0x1000_0000
        if any(halfway) {
            for i in 0..<8 where halfway[i] { result[i] = c[i].addingProduct(a[i], b[i]) }
        }
        return result
    }

    /// Truncates each lane toward zero (`_mm256_cvttps_epi32` on values well inside Int32).
    @inline(__always)
    static func truncated(_ x: Floats8) -> SIMD8<Int32> {
        SIMD8<Int32>(Int32(x[0]), Int32(x[1]), Int32(x[2]), Int32(x[3]), Int32(x[4]), Int32(x[5]), Int32(x[6]), Int32(x[7]))
    }

    /// `log256_ps`: the natural log of each lane (NaN for x <= 0).
    static func log(_ input: Floats8) -> Floats8 {
        let one = Floats8(repeating: 1)
        let invalid = input .<= 0
        var x = input.replacing(with: Float(bitPattern: 0x0080_0000), where: input .< Float(bitPattern: 0x0080_0000))
        let exponent = SIMD8<Int32>(truncatingIfNeeded: bits(x) &>> 23) &- 0x7F
        x = floats((bits(x) & ~0x7F80_0000) | Float(0.5).bitPattern)
        var e = Floats8(exponent) + one
        let small = x .< Float(0.707106781186547524)
        let tmp = Floats8(repeating: 0).replacing(with: x, where: small)
        x = x - one
        e = e - Floats8(repeating: 0).replacing(with: one, where: small)
        x = x + tmp
        let z = x * x
        var y = madd(Floats8(repeating: 7.0376836292E-2), x, Floats8(repeating: -1.1514610310E-1))
        y = madd(y, x, Floats8(repeating: 1.1676998740E-1))
        y = madd(y, x, Floats8(repeating: -1.2420140846E-1))
        y = madd(y, x, Floats8(repeating: 1.4249322787E-1))
        y = madd(y, x, Floats8(repeating: -1.6668057665E-1))
        y = madd(y, x, Floats8(repeating: 2.0000714765E-1))
        y = madd(y, x, Floats8(repeating: -2.4999993993E-1))
        y = madd(y, x, Floats8(repeating: 3.3333331174E-1))
        y = y * x
        y = madd(y, z, e * Float(-2.12194440e-4))
        y = madd(-z, Floats8(repeating: 0.5), y)
        x = x + y
        x = madd(e, Floats8(repeating: 0.693359375), x)
        return x.replacing(with: .nan, where: invalid)
    }

    /// `sincos256_ps`: the sine and cosine of each lane.
    static func sincos(_ input: Floats8) -> (sin: Floats8, cos: Floats8) {
        let signMask: UInt32 = 0x8000_0000
        var signSin = bits(input) & signMask
        var x = floats(bits(input) & ~signMask)
        var y = x * Float(1.27323954473516)
        var j = truncated(y)
        j = (j &+ 1) & ~1
        y = Floats8(j)
        let swapSin = Words8(truncatingIfNeeded: j & 4) &<< 29
        let polyMask = (j & 2) .== 0
        x = madd(y, Floats8(repeating: -0.78515625), x)
        x = madd(y, Floats8(repeating: -2.4187564849853515625e-4), x)
        x = madd(y, Floats8(repeating: -3.77489497744594108e-8), x)
        let signCos = Words8(truncatingIfNeeded: ~(j &- 2) & 4) &<< 29
        signSin ^= swapSin

        let z = x * x
        var c = madd(Floats8(repeating: 2.443315711809948E-005), z, Floats8(repeating: -1.388731625493765E-003))
        c = madd(c, z, Floats8(repeating: 4.166664568298827E-002))
        c = c * z
        c = madd(c, z, -(z * Float(0.5)))
        c = c + 1
        var s = madd(Floats8(repeating: -1.9515295891E-4), z, Floats8(repeating: 8.3321608736E-3))
        s = madd(s, z, Floats8(repeating: -1.6666654611E-1))
        s = s * z
        s = madd(s, x, x)

        let zero = Floats8(repeating: 0)
        let sinFromS = zero.replacing(with: s, where: polyMask)
        let sinFromC = c.replacing(with: 0, where: polyMask)
        let cosFromS = s - sinFromS
        let cosFromC = c - sinFromC
        let sine = floats(bits(sinFromC + sinFromS) ^ signSin)
        let cosine = floats(bits(cosFromC + cosFromS) ^ signCos)
        return (sine, cosine)
    }

    /// Transforms 16 float uniforms at `data` into 8 normal pairs in place, as
    /// `NormalFill16<float>` does: u1 = 1 - d[j], u2 = d[j + 8],
    /// d[j] = fma(sqrt(-2 log u1) cos(2 pi u2), std, mean) and d[j + 8] the same with sin.
    static func boxMuller16(_ data: UnsafeMutablePointer<Float>, _ mean: Float, _ std: Float) {
        let raw = UnsafeMutableRawPointer(data)
        let first = raw.loadUnaligned(as: Floats8.self)
        let second = raw.loadUnaligned(fromByteOffset: 32, as: Floats8.self)
        let u1 = Floats8(repeating: 1) - first
        let radius = (Floats8(repeating: -2) * log(u1)).squareRoot()
        let theta = Floats8(repeating: Float(2.0 * Double.pi)) * second
        let (sine, cosine) = sincos(theta)
        let meanLanes = Floats8(repeating: mean), stdLanes = Floats8(repeating: std)
        let n1 = radius * cosine, n2 = radius * sine
        // The kernel's explicit fmadd(n, std, mean); with std 1 the product is exact, so an add.
        let unitStd = std == 1
        raw.storeBytes(of: unitStd ? n1 + meanLanes : madd(n1, stdLanes, meanLanes), as: Floats8.self)
        raw.storeBytes(of: unitStd ? n2 + meanLanes : madd(n2, stdLanes, meanLanes), toByteOffset: 32, as: Floats8.self)
    }
}
