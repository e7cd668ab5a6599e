import CKernels
import Glibc

// Circular and hyperbolic functions and their inverses. VJPs use differentiable ops
// (and the op's own result where that is PyTorch's formula), so they differentiate again.

extension Ops {
    static let trigonometric: [OpSpec] = [sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh]

    /// `sin(input)`.
    public static let sin = unary("sin", gradFn: "SinBackward0", summary: "sine",
                                  array: { n, x, out in for i in 0..<n { out[i] = Glibc.sin(x[i]) } }, Glibc.sin) { ctx, g in
        try g * ctx[0].cos()
    }

    /// `cos(input)`.
    public static let cos = unary("cos", gradFn: "CosBackward0", summary: "cosine",
                                  array: { n, x, out in for i in 0..<n { out[i] = Glibc.cos(x[i]) } }, Glibc.cos) { ctx, g in
        try -g * ctx[0].sin()
    }

    /// `tan(input)`.
    public static let tan = unary("tan", gradFn: "TanBackward0", summary: "tangent",
                                  kinks: "poles at odd multiples of pi/2", range: -1.2...1.2, Glibc.tan) { ctx, g in
        let t = try ctx.result()
        return try g * (1 + t * t)
    }.savingResult()

    /// `asin(input)`, the inverse sine.
    public static let asin = unary("asin", aliases: ["arcsin"], gradFn: "AsinBackward0", summary: "inverse sine",
                                   kinks: "gradient inf at -1 and 1; |input| > 1 gives NaN",
                                   range: -0.9...0.9, Glibc.asin) { ctx, g in
        let x = ctx[0]
        return try g * (1 - x * x).rsqrt()
    }

    /// `acos(input)`, the inverse cosine.
    public static let acos = unary("acos", aliases: ["arccos"], gradFn: "AcosBackward0", summary: "inverse cosine",
                                   kinks: "gradient -inf at -1 and 1; |input| > 1 gives NaN",
                                   range: -0.9...0.9, Glibc.acos) { ctx, g in
        let x = ctx[0]
        return try -g * (1 - x * x).rsqrt()
    }

    /// `atan(input)`, the inverse tangent.
    public static let atan = unary("atan", aliases: ["arctan"], gradFn: "AtanBackward0", summary: "inverse tangent",
                                   Glibc.atan) { ctx, g in
        let x = ctx[0]
        return try g / (1 + x * x)
    }

    /// `sinh(input)`.
    public static let sinh = unary("sinh", gradFn: "SinhBackward0", summary: "hyperbolic sine",
                                   kinks: "in PyTorch's vectorised kernel (whole chunks of 16 float64 or 32 float32 elements from the start, half that with AVX2) the value overflows past |input| = 709.78 (float32: 88.72); shorter tensors and the tail reach about 710.47 (89.42)",
                                   float32Kernel: GK_F32_SINH,
                                   vectorized: { x, _ in gk_sleef_sinh(x) },  // float64: Sleef on whole chunks (TorchFloat64Math)
                                   Glibc.sinh) { ctx, g in
        try g * ctx[0].cosh()
    }

    /// `cosh(input)`.
    public static let cosh = unary("cosh", gradFn: "CoshBackward0", summary: "hyperbolic cosine",
                                   kinks: "overflows as sinh does (PyTorch's vectorised kernel: inf past |input| ~ 709.78)",
                                   float32Kernel: GK_F32_COSH,
                                   vectorized: { x, _ in gk_sleef_cosh(x) },
                                   Glibc.cosh) { ctx, g in
        try g * ctx[0].sinh()
    }

    /// `tanh(input)`.
    public static let tanh = unary("tanh", gradFn: "TanhBackward0", summary: "hyperbolic tangent",
                                   array: { n, x, out in gk_tanh_f64(n, x, out) }, gk_tanh_dd) { ctx, g in  // nearly correctly rounded, as PyTorch's MKL tanh
        try apply(tanhBackward, [g, try ctx.result()])
    }.savingResult()

    /// `asinh(input)`, the inverse hyperbolic sine.
    public static let asinh = unary("asinh", aliases: ["arcsinh"], gradFn: "AsinhBackward0",
                                    summary: "inverse hyperbolic sine", float32: Glibc.asinhf, Glibc.asinh) { ctx, g in
        let x = ctx[0]
        return try g * (x * x + 1).rsqrt()
    }

    /// `acosh(input)`, the inverse hyperbolic cosine.
    public static let acosh = unary("acosh", aliases: ["arccosh"], gradFn: "AcoshBackward0",
                                    summary: "inverse hyperbolic cosine",
                                    kinks: "gradient inf at 1; input < 1 gives NaN",
                                    range: 1.2...3, float32: Glibc.acoshf, Glibc.acosh) { ctx, g in
        let x = ctx[0]
        return try g * (x * x - 1).rsqrt()
    }

    /// `atanh(input)`, the inverse hyperbolic tangent.
    public static let atanh = unary("atanh", aliases: ["arctanh"], gradFn: "AtanhBackward0",
                                    summary: "inverse hyperbolic tangent",
                                    kinks: "atanh(+-1) = +-inf with gradient inf; |input| > 1 gives NaN",
                                    range: -0.9...0.9, float32Kernel: GK_F32_ATANH,
                                    vectorized: { x, _ in gk_sleef_atanh(x) }, Glibc.atanh) { ctx, g in
        let x = ctx[0]
        return try g / (1 - x * x)
    }
}

extension Variable {
    /// The sine of each element.
    public func sin() throws -> Variable { try apply(Ops.sin, [self]) }
    /// The cosine of each element.
    public func cos() throws -> Variable { try apply(Ops.cos, [self]) }
    /// The tangent of each element.
    public func tan() throws -> Variable { try apply(Ops.tan, [self]) }
    /// The inverse sine of each element.
    public func asin() throws -> Variable { try apply(Ops.asin, [self]) }
    /// The inverse cosine of each element.
    public func acos() throws -> Variable { try apply(Ops.acos, [self]) }
    /// The inverse tangent of each element.
    public func atan() throws -> Variable { try apply(Ops.atan, [self]) }
    /// The hyperbolic sine of each element.
    public func sinh() throws -> Variable { try apply(Ops.sinh, [self]) }
    /// The hyperbolic cosine of each element.
    public func cosh() throws -> Variable { try apply(Ops.cosh, [self]) }
    /// The hyperbolic tangent of each element.
    public func tanh() throws -> Variable { try apply(Ops.tanh, [self]) }
    /// The inverse hyperbolic sine of each element.
    public func asinh() throws -> Variable { try apply(Ops.asinh, [self]) }
    /// The inverse hyperbolic cosine of each element.
    public func acosh() throws -> Variable { try apply(Ops.acosh, [self]) }
    /// The inverse hyperbolic tangent of each element.
    public func atanh() throws -> Variable { try apply(Ops.atanh, [self]) }
}
