import CKernels
import Glibc

// torch.special and the remaining elementwise functions: erfc, erfinv, ndtr, log_ndtr, entr,
// sinc, deg2rad, rad2deg, frac, sgn, logaddexp2. Each VJP is PyTorch's derivatives.yaml
// formula written with differentiable ops.

extension Ops {
    static let special: [OpSpec] = [erfc, erfinv, ndtr, logNdtr, entr, sinc, deg2rad, rad2deg, frac, sgn, logaddexp2]

    static let inverseRootTwoPi = 1 / (2 * Double.pi).squareRoot()

    /// `erfc(input)`: 1 - erf(input), accurate where erf is near 1.
    public static let erfc: OpSpec = unary("erfc", gradFn: "ErfcBackward0", summary: "the complementary error function 1 - erf(input)",
                                           Glibc.erfc) { ctx, g in
        let x = ctx[0]
        return try g * Variable(-2 / Double.pi.squareRoot()) * (-(x * x)).exp()
    }

    /// The inverse of erf: an initial guess refined by Newton's method on erf.
    static func inverseErf(_ x: Double) -> Double {
        if x.isNaN || Swift.abs(x) > 1 { return .nan }
        if Swift.abs(x) == 1 { return x * .infinity }
        // Giles' single-precision approximation, then Newton steps to double precision.
        var w = -Glibc.log((1 - x) * (1 + x)), p: Double
        if w < 5 {
            w -= 2.5
            p = 2.81022636e-08
            for c in [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941] { p = c + p * w }
        } else {
            w = w.squareRoot() - 3
            p = -0.000200214257
            for c in [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682] { p = c + p * w }
        }
        var y = p * x
        for _ in 0..<4 {
            let slope = 2 / Double.pi.squareRoot() * Glibc.exp(-y * y)
            guard slope > 0 else { break }
            y -= (Glibc.erf(y) - x) / slope
        }
        return y
    }

    /// `erfinv(input)`: y with erf(y) = input, on (-1, 1).
    public static let erfinv: OpSpec = unary("erfinv", gradFn: "ErfinvBackward0", summary: "the inverse error function, on (-1, 1)",
                                             range: -0.9...0.9, inverseErf) { ctx, g in
        // From the input, as PyTorch's formula (it saves the input, not the output).
        let y = try apply(erfinv, [ctx[0]])
        return try g * Variable(Double.pi.squareRoot() / 2) * (y * y).exp()
    }

    /// `special.ndtr(input)`: the standard normal distribution function (PyTorch composes it, ending in a scalar multiply: `MulBackward1`).
    public static let ndtr: OpSpec = unary("ndtr", gradFn: "MulBackward1", summary: "the standard normal CDF, (1 + erf(input / sqrt 2)) / 2",
                                           // PyTorch composes (1 + erf(x * sqrt(1/2))) * 0.5, each step in float.
                                           float32: { x in (1 + Float(Glibc.erf(Double(x * Float(0.5.squareRoot()))))) * 0.5 },
                                           { 0.5 * Glibc.erfc(-$0 / 2.0.squareRoot()) }) { ctx, g in
        let x = ctx[0]
        return try g * Variable(inverseRootTwoPi) * (x * x * Variable(-0.5)).exp()
    }

    /// log(ndtr(x)), accurate far into the left tail (an asymptotic series below -20).
    static func logNormalCDF(_ x: Double) -> Double {
        if x > 0 { return Glibc.log1p(-0.5 * Glibc.erfc(x / 2.0.squareRoot())) }
        if x > -20 { return Glibc.log(0.5 * Glibc.erfc(-x / 2.0.squareRoot())) }
        let r = 1 / (x * x)
        return -0.5 * x * x - Glibc.log(-x) - 0.5 * Glibc.log(2 * Double.pi) + Glibc.log1p(r * (-1 + r * (3 + r * (-15 + r * 105))))
    }

    /// `special.log_ndtr(input)`: log of the standard normal CDF.
    public static let logNdtr: OpSpec = unary("log_ndtr", gradFn: "SpecialLogNdtrBackward0", summary: "log of the standard normal CDF, accurate in the tails",
                                              range: -3...3, float32Array: { n, x, out in gk_log_ndtr_f32(n, x, out) },
                                              logNormalCDF) { ctx, g in
        let x = ctx[0]
        return try g * Variable(inverseRootTwoPi) * (x * x * Variable(-0.5) - ctx.result()).exp()
    }.savingResult()

    /// `special.entr(input)`: -input * log(input); 0 at 0, -inf below.
    public static let entr: OpSpec = unary("entr", gradFn: "SpecialEntrBackward0", summary: "-input * log(input) (0 at 0, -inf for negative input)",
                                           kinks: "the gradient -(1 + log(input)) is +inf at 0 and NaN below, as PyTorch's",
                                           range: 0.1...2,
                                           // PyTorch's float kernel: -x * std::log(x) with the C library's logf.
                                           float32: { x in x.isNaN ? x : x > 0 ? -x * Glibc.logf(x) : x == 0 ? 0 : -.infinity },
                                           { x in x.isNaN ? x : x > 0 ? -x * Glibc.log(x) : x == 0 ? 0 : -.infinity }) { ctx, g in
        try g * -(Variable(1) + ctx[0].log())
    }

    /// `sinc(input)`: sin(pi x) / (pi x), 1 at 0.
    public static let sinc: OpSpec = unary("sinc", gradFn: "SincBackward0", summary: "sin(pi * input) / (pi * input), 1 at 0",
                                           kinks: "the gradient at 0 is 0, as PyTorch's (higher derivatives at exactly 0 are not)",
                                           range: 0.1...1.9,
                                           // PyTorch's float kernel: sin(pi * x) / (pi * x) with the product in float.
                                           float32: { x in x == 0 ? 1 : { p in Glibc.sinf(p) / p }(Float(Double.pi) * x) },
                                           { x in x == 0 ? 1 : Glibc.sin(Double.pi * x) / (Double.pi * x) }) { ctx, g in
        let x = ctx[0], px = try Variable(Double.pi) * ctx[0]
        let slope = try (px * px.cos() - px.sin()) / (px * x)
        return try g * Variable.where(x == Variable(0), Variable(0), slope)
    }

    /// `deg2rad(input)`.
    public static let deg2rad: OpSpec = unary("deg2rad", gradFn: "Deg2RadBackward0", summary: "degrees to radians",
                                              float32: { $0 * Float(Double.pi / 180) }, { $0 * Double.pi / 180 }) { _, g in
        try g * Variable(Double.pi / 180)
    }

    /// `rad2deg(input)`.
    public static let rad2deg: OpSpec = unary("rad2deg", gradFn: "Rad2DegBackward0", summary: "radians to degrees",
                                              float32: { $0 * Float(180 / Double.pi) }, { $0 * 180 / Double.pi }) { _, g in
        try g * Variable(180 / Double.pi)
    }

    /// `frac(input)`: input - trunc(input).
    public static let frac: OpSpec = piecewise("frac", gradFn: "FracBackward0", summary: "the fractional part, input - trunc(input)",
                                               kinks: "the gradient is 1 everywhere, as PyTorch's", ranges: [0.1...0.9, -1.9...(-1.1)],
                                               { $0 - Glibc.trunc($0) }) { _, g in g }.withDType(.floatingKernel("frac_cpu"))

    /// `sgn(input)`: the sign (real input: as `sign`).
    public static let sgn: OpSpec = piecewise("sgn", gradFn: "SgnBackward0", summary: "the sign of input (for real input, sign)",
                                              kinks: "the gradient is 0", ranges: [0.1...2, -2...(-0.1)], signum) { ctx, _ in zeroGradient(ctx) }

    /// `logaddexp2(input, other)`: log2(2^input + 2^other), without overflow.
    public static let logaddexp2: OpSpec = binary(
        "logaddexp2", gradFn: "Logaddexp2Backward0", summary: "log2(2^input + 2^other), computed stably",
        logaddexp2Of, forward: { args, kernel in
            if args.dtype.isFloat32 { return try TorchFloat32Math.binary(args[0], args[1], GK_F32_LOGADDEXP2) }
            if args.dtype.isFloat64 { return try TorchFloat64Math.binary(args[0], args[1], GK_F64_LOGADDEXP2) }
            return try Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype, logaddexp2Of)
        }) { ctx, g in
        // derivatives.yaml: grad / (1 + pow(2, other - self)), grad / (1 + pow(2, self - other)),
        // pow(Scalar, Tensor) running the pow kernel (Sleef's pow on whole chunks).
        let a = ctx[0], b = ctx[1], two = Variable(wrappedNumber: 2, dtype: .float64)
        return [try g / (Variable(1) + two.pow(b - a)), try g / (Variable(1) + two.pow(a - b))]
    }

    /// log2(2^a + 2^b) of two numbers, stably; a itself where a == b is infinite: PyTorch's
    /// scalar formula, max + log1p(2^-|a - b|) * (1 / ln 2).
    static func logaddexp2Of(_ a: Double, _ b: Double) -> Double {
        let m = Swift.max(a, b)
        return m.isInfinite && a == b ? m : m + Glibc.log1p(Glibc.exp2(-Swift.abs(a - b))) * (1 / Glibc.M_LN2)
    }
}
