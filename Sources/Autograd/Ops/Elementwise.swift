import CKernels
import Glibc

// Elementwise functions of one tensor: exponentials, logarithms, powers, rounding and erf.
// Each VJP is written with differentiable ops, so double backward (Hessians) works through
// it; masks and signs enter as constants because their own derivative is zero.

extension Ops {
    static let elementwise: [OpSpec] = [
        exp, exp2, expm1, log, log2, log10, log1p, sqrt, rsqrt, square, reciprocal,
        abs, sign, floor, ceil, round, trunc, erf,
    ] + trigonometric + activations + elementwiseBinary

    /// A unary entry gradchecked on several intervals, one per side of a kink or a pole.
    static func piecewise(_ name: String, aliases: [String] = [], gradFn: String, summary: String,
                          kinks: String? = nil, ranges: @autoclosure @escaping () -> [ClosedRange<Double>],
                          _ f: @escaping (Double) -> Double,
                          vjp rule: @escaping (VJPContext, Variable) throws -> Variable) -> OpSpec {
        OpSpec(name, aliases: aliases, params: [input], gradFn: gradFn, summary: summary, kinks: kinks,
               samples: ranges().map { OpSample([[3, 2]], range: $0) },
               forward: { args in args[0].map(f) },
               derivative: .vjp { ctx, g in [try rule(ctx, g)] }).batchingItsVJP()
    }

    /// A 0/1 constant, 1 where `test` holds for an element of `v`: a mask for a VJP.
    static func mask(_ v: Variable, _ test: (Double) -> Bool) -> Variable {
        Variable(v.value.map { test($0) ? 1 : 0 })
    }

    /// A 0/1 mask like `mask`, for PyTorch's CPU backward kernels whose vectorised loop and
    /// scalar tail disagree at NaN (hardtanh, relu6, softshrink, hardshrink): the loop runs over
    /// whole blocks of 64 bytes (8 doubles, 16 floats) and its masks give NaN a 0; the elements
    /// after the last whole block go through the scalar test, where NaN passes the gradient.
    static func blockedNaNMask(_ v: Variable, _ inside: @escaping (Double) -> Bool) -> Variable {
        let values = v.value.data
        let block = v.value.dtype == .float32 ? 16 : 8
        let vectorised = values.count / block * block
        return Variable(Tensor(shape: v.shape, data: values.indices.map { i in
            let x = values[i]
            return x.isNaN ? (i < vectorised ? 0 : 1) : (inside(x) ? 1 : 0)
        }))
    }

    /// The zero gradient of a step function (sign, floor, ...), shaped like its input.
    static func zeroGradient(_ ctx: VJPContext) -> Variable {
        Variable(Tensor.zeros(ctx[0].shape))
    }

    /// The sign of `x` as PyTorch computes it: -1, 0 or 1 (and 0 for NaN, as torch.sign gives on CPU).
    static func signum(_ x: Double) -> Double {
        x > 0 ? 1 : x < 0 ? -1 : 0
    }

    /// `exp(input)`.
    public static let exp = unary("exp", gradFn: "ExpBackward0", summary: "e raised to input",
                                  array: { n, x, out in for i in 0..<n { out[i] = Glibc.exp(x[i]) } }, Glibc.exp) { ctx, g in
        try g * ctx.result()
    }.savingResult()

    /// `exp2(input)`, 2 raised to input.
    public static let exp2 = unary("exp2", gradFn: "Exp2Backward0", summary: "2 raised to input", float32Kernel: GK_F32_EXP2,
                                   vectorized: { x, _ in gk_sleef_exp2(x) }, Glibc.exp2) { ctx, g in
        try g * ctx.result() * Variable(M_LN2)
    }.savingResult()

    /// `expm1(input)`, exp(input) - 1, accurate near 0.
    public static let expm1 = unary("expm1", gradFn: "Expm1Backward0", summary: "exp(input) - 1, accurate near 0",
                                    float32Kernel: GK_F32_EXPM1, TorchFloat64Math.expm1) { ctx, g in
        try g * (ctx.result() + 1)
    }.savingResult()

    /// `log(input)`, the natural logarithm.
    public static let log = unary("log", gradFn: "LogBackward0", summary: "natural logarithm",
                                  kinks: "log(0) = -inf with gradient inf; negative input gives NaN",
                                  range: 0.5...3, Glibc.log) { ctx, g in
        try g / ctx[0]
    }

    /// `log2(input)`, the base-2 logarithm.
    public static let log2 = unary("log2", gradFn: "Log2Backward0", summary: "base-2 logarithm",
                                   kinks: "log2(0) = -inf with gradient inf; negative input gives NaN",
                                   range: 0.5...3, Glibc.log2) { ctx, g in
        try g / (ctx[0] * Variable(M_LN2))
    }

    /// `log10(input)`, the base-10 logarithm.
    public static let log10 = unary("log10", gradFn: "Log10Backward0", summary: "base-10 logarithm",
                                    kinks: "log10(0) = -inf with gradient inf; negative input gives NaN",
                                    range: 0.5...3, gk_log10_dd) { ctx, g in  // nearly correctly rounded, as PyTorch's MKL log10
        try g / (ctx[0] * Variable(2.3025850929940456))  // derivatives.yaml's literal, 1 ulp below M_LN10
    }

    /// `log1p(input)`, log(1 + input), accurate near 0.
    public static let log1p = unary("log1p", gradFn: "Log1PBackward0", summary: "log(1 + input), accurate near 0",
                                    kinks: "log1p(-1) = -inf with gradient inf; input < -1 gives NaN",
                                    range: -0.5...2, float32Kernel: GK_F32_LOG1P, TorchFloat64Math.log1p) { ctx, g in
        try g / (ctx[0] + 1)
    }

    /// `sqrt(input)`.
    public static let sqrt = unary("sqrt", gradFn: "SqrtBackward0", summary: "square root",
                                   kinks: "sqrt'(0) = +inf (the limit from the right); negative input gives NaN",
                                   range: 0.5...3, array: { n, x, out in for i in 0..<n { out[i] = x[i].squareRoot() } },
                                   Glibc.sqrt) { ctx, g in
        try g / (2 * ctx.result())
    }.savingResult()

    /// `rsqrt(input)`, 1 / sqrt(input).
    public static let rsqrt = unary("rsqrt", gradFn: "RsqrtBackward0", summary: "1 / sqrt(input)",
                                    kinks: "rsqrt(0) = inf with gradient -inf; negative input gives NaN",
                                    range: 0.5...3, float32: { 1 / $0.squareRoot() }, { 1 / Glibc.sqrt($0) }) { ctx, g in
        let r = try ctx.result()
        return try -0.5 * g * (r * r * r)  // PyTorch's -0.5 * grad * result.pow(3), in its order
    }.savingResult()

    /// `square(input)`, input * input (PyTorch records it as a power).
    public static let square = unary("square", gradFn: "PowBackward0", summary: "input * input", { $0 * $0 }) { ctx, g in
        try g * 2 * ctx[0]
    }.withDType(.integralToInt64)  // a bool squared is int64, as PyTorch's pow(x, 2)

    /// `reciprocal(input)`, 1 / input.
    public static let reciprocal = piecewise("reciprocal", gradFn: "ReciprocalBackward0", summary: "1 / input",
                                             kinks: "reciprocal(0) = inf with gradient -inf",
                                             ranges: [0.5...2, -2...(-0.5)], { 1 / $0 }) { ctx, g in
        let r = try ctx.result()
        return try -g * (r * r)  // PyTorch's -grad * (result * result), in its order
    }.withDType(.floating).savingResult()

    /// `abs(input)`.
    public static let abs = piecewise("abs", aliases: ["absolute"], gradFn: "AbsBackward0", summary: "absolute value",
                                      kinks: "abs'(0) = 0 (the minimum-norm subgradient)",
                                      ranges: [0.1...2, -2...(-0.1)], Swift.abs) { ctx, g in
        try g * Variable(ctx[0].value.map(signum))
    }.withDType(.noBoolKernel("abs_cpu"))

    /// `sign(input)`: -1, 0 or 1.
    public static let sign = piecewise("sign", gradFn: "SignBackward0", summary: "-1, 0 or 1 by the sign of input",
                                       kinks: "the gradient is 0 everywhere, including at 0",
                                       ranges: [0.1...2, -2...(-0.1)], signum) { ctx, _ in zeroGradient(ctx) }

    /// `floor(input)`.
    public static let floor = piecewise("floor", gradFn: "FloorBackward0", summary: "largest integer <= input",
                                        kinks: "the gradient is 0 everywhere, including at integers",
                                        ranges: [0.1...0.9, 1.1...1.9, -0.9...(-0.1)], Glibc.floor) { ctx, _ in
        zeroGradient(ctx)
    }.withDType(.noBoolKernel("floor_vml_cpu"))

    /// `ceil(input)`.
    public static let ceil = piecewise("ceil", gradFn: "CeilBackward0", summary: "smallest integer >= input",
                                       kinks: "the gradient is 0 everywhere, including at integers",
                                       ranges: [0.1...0.9, 1.1...1.9, -0.9...(-0.1)], Glibc.ceil) { ctx, _ in
        zeroGradient(ctx)
    }.withDType(.noBoolKernel("ceil_vml_cpu"))

    /// `round(input)`, to the nearest integer with ties to even, like PyTorch.
    public static let round = piecewise("round", gradFn: "RoundBackward0",
                                        summary: "nearest integer (halves round to even)",
                                        kinks: "the gradient is 0 everywhere, including at halves",
                                        ranges: [0.1...0.4, 0.6...1.4, -0.4...(-0.1)],
                                        { $0.rounded(.toNearestOrEven) }) { ctx, _ in zeroGradient(ctx) }.withDType(.noBoolKernel("round_vml_cpu"))

    /// `trunc(input)`, rounding toward zero.
    public static let trunc = piecewise("trunc", aliases: ["fix"], gradFn: "TruncBackward0",
                                        summary: "input rounded toward zero",
                                        kinks: "the gradient is 0 everywhere, including at integers",
                                        ranges: [0.1...0.9, 1.1...1.9, -0.9...(-0.1)], Glibc.trunc) { ctx, _ in
        zeroGradient(ctx)
    }.withDType(.noBoolKernel("trunc_vml_cpu"))

    /// `erf(input)`, the error function.
    public static let erf = unary("erf", gradFn: "ErfBackward0", summary: "the error function", Glibc.erf) { ctx, g in
        let x = ctx[0]
        return try Variable(2 / Double.pi.squareRoot()) * (-(x * x)).exp() * g  // derivatives.yaml's order
    }
}

extension Variable {
    /// `e` raised to each element.
    public func exp() throws -> Variable { try apply(Ops.exp, [self]) }
    /// 2 raised to each element.
    public func exp2() throws -> Variable { try apply(Ops.exp2, [self]) }
    /// `exp(x) - 1` for each element, accurate near 0.
    public func expm1() throws -> Variable { try apply(Ops.expm1, [self]) }
    /// The natural logarithm of each element.
    public func log() throws -> Variable { try apply(Ops.log, [self]) }
    /// The base-2 logarithm of each element.
    public func log2() throws -> Variable { try apply(Ops.log2, [self]) }
    /// The base-10 logarithm of each element.
    public func log10() throws -> Variable { try apply(Ops.log10, [self]) }
    /// `log(1 + x)` for each element, accurate near 0.
    public func log1p() throws -> Variable { try apply(Ops.log1p, [self]) }
    /// The square root of each element; its gradient at 0 is +inf.
    public func sqrt() throws -> Variable { try apply(Ops.sqrt, [self]) }
    /// `1 / sqrt(x)` for each element.
    public func rsqrt() throws -> Variable { try apply(Ops.rsqrt, [self]) }
    /// Each element squared.
    public func square() throws -> Variable { try apply(Ops.square, [self]) }
    /// `1 / x` for each element.
    public func reciprocal() throws -> Variable { try apply(Ops.reciprocal, [self]) }
    /// The absolute value of each element; its gradient at 0 is 0.
    public func abs() throws -> Variable { try apply(Ops.abs, [self]) }
    /// -1, 0 or 1 by the sign of each element; the gradient is 0.
    public func sign() throws -> Variable { try apply(Ops.sign, [self]) }
    /// Each element rounded down; the gradient is 0.
    public func floor() throws -> Variable { try apply(Ops.floor, [self]) }
    /// Each element rounded up; the gradient is 0.
    public func ceil() throws -> Variable { try apply(Ops.ceil, [self]) }
    /// Each element rounded to the nearest integer, halves to even; the gradient is 0.
    public func round() throws -> Variable { try apply(Ops.round, [self]) }
    /// Each element rounded toward zero; the gradient is 0.
    public func trunc() throws -> Variable { try apply(Ops.trunc, [self]) }
    /// The error function of each element.
    public func erf() throws -> Variable { try apply(Ops.erf, [self]) }
}
