import CKernels
import Glibc

// More activations and elementwise functions of `torch.nn.functional` and `torch`. Piecewise
// VJPs multiply by constant 0/1 masks, so higher derivatives are those of each piece.

extension Ops {
    static let moreActivations: [OpSpec] = [hardtanh, relu6, selu, celu, mish, hardswish, hardsigmoid, softsign,
                                            softshrink, hardshrink, clampMin, clampMax, logit]
    static let moreBinary: [OpSpec] = [logaddexp, hypot, xlogy]

    /// Samples on each side of the kinks at `points`, away from them.
    static func sidesOf(_ points: [Double], attrs: Attrs = Attrs()) -> [OpSample] {
        let cuts = [(points.first ?? 0) - 3] + points + [(points.last ?? 0) + 3]
        return zip(cuts, cuts.dropFirst()).map { a, b in OpSample([[3, 2]], attrs: attrs, range: (a + 0.1)...(b - 0.1)) }
    }

    /// `hardtanh(input, min_val=-1, max_val=1)`: input clamped to [min_val, max_val].
    public static let hardtanh: OpSpec = activation(
        "hardtanh", params: [Param("min_val", .double, default: .double(-1)), Param("max_val", .double, default: .double(1))],
        gradFn: "HardtanhBackward0", summary: "input clamped to [min_val, max_val]",
        kinks: "the gradient is 0 at min_val and max_val (PyTorch's)", samples: sidesOf([-1, 1]),
        { attrs in
            let lo = try attrs.double("min_val"), hi = try attrs.double("max_val")
            return { x in x.isNaN ? x : Swift.min(Swift.max(x, lo), hi) }
        }) { ctx, g in
        let lo = try ctx.attrs.double("min_val"), hi = try ctx.attrs.double("max_val")
        return try g * blockedNaNMask(ctx[0]) { $0 > lo && $0 < hi }
    }.withDType(.promoteRejectingBool(hardtanhBool))  // integers stay int64, as PyTorch's clamp

    static let hardtanhBool = "Bool inputs not supported for hardtanh"

    /// `relu6(input)`: hardtanh between 0 and 6.
    public static let relu6: OpSpec = activation(
        "relu6", gradFn: "HardtanhBackward0", summary: "min(max(input, 0), 6)",
        kinks: "the gradient is 0 at 0 and 6", samples: sidesOf([0, 6]),
        { _ in { x in x.isNaN ? x : Swift.min(Swift.max(x, 0), 6) } }) { ctx, g in
        try g * blockedNaNMask(ctx[0]) { $0 > 0 && $0 < 6 }
    }.withDType(.promoteRejectingBool(hardtanhBool))

    static let seluAlpha = 1.6732632423543772848170429916717
    static let seluScale = 1.0507009873554804934193349852946

    /// `selu(input)`: scale * elu(input, alpha) with the self-normalising constants.
    public static let selu: OpSpec = activation(
        "selu", gradFn: "EluBackward0", summary: "scale * (input if input > 0 else alpha * (exp(input) - 1))",
        kinks: "the gradient at 0 is scale * alpha (the left limit, as PyTorch)", samples: sidesOf([0]),
        float32: { x, _ in TorchFloat32Math.elu(x, alpha: seluAlpha, scale: seluScale) },
        float64: { x, _ in TorchFloat64Math.elu(x, alpha: seluAlpha, scale: seluScale) },
        { _ in { x in seluScale * (x > 0 ? x : seluAlpha * Glibc.expm1(x)) } }) { ctx, g in
        try apply(eluBackward, [g, ctx[0]], eluBackwardAttrs(alpha: seluAlpha, scale: seluScale))
    }.withDType(.floatingKernel("elu_cpu"))

    /// `celu(input, alpha=1)`: max(0, input) + min(0, alpha * (exp(input / alpha) - 1)).
    public static let celu: OpSpec = activation(
        "celu", params: [Param("alpha", .double, default: .double(1))], gradFn: "CeluBackward0",
        summary: "input if input > 0 else alpha * (exp(input / alpha) - 1)",
        kinks: "the gradient at 0 is 1", samples: sidesOf([0]) + [OpSample([[3, 2]], attrs: ["alpha": .double(0.5)], range: -2...(-0.1))],
        float32: { x, attrs in
            let alpha = try attrs.double("alpha")
            return TorchFloat32Math.elu(x, alpha: alpha, inputScale: 1 / alpha)
        },
        float64: { x, attrs in
            let alpha = try attrs.double("alpha")
            return TorchFloat64Math.elu(x, alpha: alpha, inputScale: 1 / alpha)
        },
        { attrs in
            let alpha = try attrs.double("alpha")
            return { x in x > 0 ? x : alpha * Glibc.expm1(x / alpha) }
        }) { ctx, g in
        let alpha = try ctx.attrs.double("alpha")
        return try apply(eluBackward, [g, ctx[0]], eluBackwardAttrs(alpha: alpha, inputScale: 1 / Double(Float(alpha))))
    }.withDType(.floatingKernel("elu_cpu"))

    /// `mish(input)`: input * tanh(softplus(input)).
    public static let mish: OpSpec = activation(
        "mish", gradFn: "MishBackward0", summary: "input * tanh(softplus(input))",
        float32: { x, _ in TorchFloat32Math.unary(x, GK_F32_MISH) },
        float64: { x, _ in TorchFloat64Math.activation(x, GK_F64_MISH) },
        { _ in { x in x * Glibc.tanh(x > 20 ? x : Glibc.log1p(Glibc.exp(x))) } }) { ctx, g in
        let x = ctx[0]
        // derivatives.yaml: mish_backward's kernel without grad mode, else its composed form.
        guard GradMode.isEnabled else {
            return Variable(try TorchFloat32Math.backward(BackwardKernel.Mish(), g.value, x.value, dtype: x.dtype))
        }
        // infinitely_differentiable_mish_backward, softplus as exp().log1p()
        let s = try x.sigmoid(), t = try x.exp().log1p().tanh()
        return try g * (t + x * s * (1 - t * t))
    }.withDType(.floatingKernel("mish_cpu"))

    /// `hardswish(input)`: input * relu6(input + 3) / 6.
    public static let hardswish: OpSpec = activation(
        "hardswish", gradFn: "HardswishBackward0", summary: "input * min(max(input + 3, 0), 6) / 6",
        kinks: "at -3 the gradient is 0 and at 3 it is 1 (PyTorch's: the outer pieces' slopes)", samples: sidesOf([-3, 3]),
        float32: { x, _ in TorchFloat32Math.scalar(x) { v in v * TorchFloat32Math.clamp(v + 3, 0, 6) / 6 } },
        { _ in { x in x * Swift.min(Swift.max(x + 3, 0), 6) / 6 } }) { ctx, g in
        try apply(hardswishBackward, [g, ctx[0]])
    }.withDType(.floatingKernel("hardswish_cpu"))

    /// `hardsigmoid(input)`: relu6(input + 3) / 6.
    public static let hardsigmoid: OpSpec = activation(
        "hardsigmoid", gradFn: "HardsigmoidBackward0", summary: "min(max(input + 3, 0), 6) / 6",
        kinks: "the gradient is 0 at -3 and 3", samples: sidesOf([-3, 3]),
        float32: { x, _ in TorchFloat32Math.scalar(x) { v in TorchFloat32Math.clamp(v + 3, 0, 6) / 6 } },
        { _ in { x in Swift.min(Swift.max(x + 3, 0), 6) / 6 } }) { ctx, g in
        // PyTorch's slope is the float32 constant 1/6 even for float64 (0.1666666716...): matched.
        try g * mask(ctx[0]) { $0 > -3 && $0 < 3 } * Variable(Double(Float(1.0 / 6.0)))
    }.withDType(.floatingKernel("hardsigmoid_cpu"))

    /// `softsign(input)`: input / (1 + |input|) (PyTorch composes it, so its node is a division).
    public static let softsign: OpSpec = activation(
        "softsign", gradFn: "DivBackward0", summary: "input / (1 + |input|)",
        kinks: "smooth at 0 to first order", samples: sidesOf([0]),
        // PyTorch composes it: input / (input.abs() + 1), two float operations.
        float32: { x, _ in TorchFloat32Math.scalar(x) { v in v / (Swift.abs(v) + 1) } },
        { _ in { x in x / (1 + Swift.abs(x)) } }) { ctx, g in
        // PyTorch's graph: DivBackward0 (grad / d, -grad * ((x / d) / d)) and AbsBackward0 (* sgn(x)),
        // to the last bit, and NaN at +-inf as there.
        let x = ctx[0], d = try 1 + x.abs()
        return try g / d + (-g * ((x / d) / d)) * x.sign()
    }

    /// `softshrink(input, lambd=0.5)`: input - lambd above lambd, input + lambd below -lambd, else 0.
    public static let softshrink: OpSpec = activation(
        "softshrink", params: [Param("lambd", .double, default: .double(0.5))], gradFn: "SoftshrinkBackward0",
        summary: "input shrunk towards 0 by lambd, 0 within [-lambd, lambd]",
        kinks: "the gradient is 0 at +-lambd", samples: sidesOf([-0.5, 0.5]),
        float32: { x, attrs in
            // PyTorch's kernel: +0 inside [-lambd, lambd] in whole vector chunks, x * 0 (-0 for
            // negative x) in the scalar tail; lambd in float. The chunks are 16 elements under
            // every capability: the default build's vectors are 8 floats, and an AVX-512 CPU runs
            // the AVX2 kernel (PyTorch registers no AVX-512 version of this one).
            let l = Float(try attrs.double("lambd"))
            return TorchFloat32Math.chunks(x, chunk: 16, vector: { v in Double(Float(v) > l ? Float(v) - l : Float(v) < -l ? Float(v) + l : v.isNaN ? Float.nan : 0) },
                                           scalar: { v in Double(Float(v) > l ? Float(v) - l : Float(v) < -l ? Float(v) + l : Float(v) * 0) })
        },
        { attrs in
            let l = try attrs.double("lambd")
            return { x in x > l ? x - l : x < -l ? x + l : x.isNaN ? x : 0 }
        }) { ctx, g in
        let l = try ctx.attrs.double("lambd")
        return try g * blockedNaNMask(ctx[0]) { $0 > l || $0 < -l }
    }.withDType(.floatingKernel("softshrink_check"))

    /// `hardshrink(input, lambd=0.5)`: input outside [-lambd, lambd], else 0.
    public static let hardshrink: OpSpec = activation(
        "hardshrink", params: [Param("lambd", .double, default: .double(0.5))], gradFn: "HardshrinkBackward0",
        summary: "input outside [-lambd, lambd], 0 within", kinks: "the gradient is 0 at +-lambd", samples: sidesOf([-0.5, 0.5]),
        { attrs in
            let l = try attrs.double("lambd")
            return { x in x >= -l && x <= l ? 0 : x }  // NaN stays NaN
        }) { ctx, g in
        let l = try ctx.attrs.double("lambd")
        return try g * blockedNaNMask(ctx[0]) { $0 > l || $0 < -l }
    }.withDType(.floatingKernel("hardshrink_cpu"))

    /// `clamp_min(input, min)`: max(input, min) for a number `min`.
    public static let clampMin: OpSpec = activation(
        "clamp_min", params: [Param("min", .double)], gradFn: "ClampMinBackward0", summary: "max(input, min)",
        kinks: "the gradient at input = min is 1 (PyTorch's)", samples: sidesOf([0], attrs: ["min": .double(0)]),
        { attrs in
            let m = try attrs.double("min")
            return { x in x.isNaN ? x : Swift.max(x, m) }
        }) { ctx, g in
        let m = try ctx.attrs.double("min")
        return try g * mask(ctx[0]) { $0 >= m }
    }

    /// `clamp_max(input, max)`: min(input, max) for a number `max`.
    public static let clampMax: OpSpec = activation(
        "clamp_max", params: [Param("max", .double)], gradFn: "ClampMaxBackward0", summary: "min(input, max)",
        kinks: "the gradient at input = max is 1 (PyTorch's)", samples: sidesOf([0], attrs: ["max": .double(0)]),
        { attrs in
            let m = try attrs.double("max")
            return { x in x.isNaN ? x : Swift.min(x, m) }
        }) { ctx, g in
        let m = try ctx.attrs.double("max")
        return try g * mask(ctx[0]) { $0 <= m }
    }

    /// `logit(input, eps=None)`: log(input / (1 - input)), input clamped to [eps, 1 - eps] when eps is given.
    public static let logit: OpSpec = activation(
        "logit", params: [Param("eps", .double, default: AttrValue.none)], gradFn: "LogitBackward0",
        summary: "log(input / (1 - input)), the inverse of sigmoid",
        kinks: "with eps, the gradient is 0 outside [eps, 1 - eps]; without eps it is NaN outside [0, 1] (PyTorch's logit_backward)",
        samples: [OpSample([[3, 2]], range: 0.1...0.9)],
        float32: { x, attrs in TorchFloat32Math.logit(x, eps: attrs.optionalDouble("eps")) },
        { attrs in
            let eps = attrs.optionalDouble("eps")
            return { x in
                let z = eps.map { Swift.min(Swift.max(x, $0), 1 - $0) } ?? x
                return Glibc.log(z / (1 - z))
            }
        }) { ctx, g in
        let x = ctx[0]
        guard let eps = ctx.attrs.optionalDouble("eps") else {
            // NaN outside [0, 1], as PyTorch's logit_backward (the formula alone is finite there).
            let outside = Variable(x.value.map { $0 < 0 || $0 > 1 ? .nan : 0 })
            return try g / (x * (1 - x)) + outside
        }
        // Outside [eps, 1 - eps] the input was clamped: the gradient is 0 there, not 0 / 0.
        let inside = mask(x) { !($0 < eps || $0 > 1 - eps) }  // NaN is inside, as PyTorch's test
        return try Variable.where(inside, g / (x * (1 - x)), 0)  // also 0 where x * (1 - x) overflows
    }

    /// `logaddexp(input, other)`: log(exp(input) + exp(other)), without overflow.
    public static let logaddexp: OpSpec = binary(
        "logaddexp", gradFn: "LogaddexpBackward0", summary: "log(exp(input) + exp(other)), computed stably",
        logaddexpOf, forward: { args, kernel in
            if args.dtype.isFloat32 { return try TorchFloat32Math.binary(args[0], args[1], GK_F32_LOGADDEXP) }
            if args.dtype.isFloat64 { return try TorchFloat64Math.binary(args[0], args[1], GK_F64_LOGADDEXP) }
            return try Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype, logaddexpOf)
        }) { ctx, g in
        // derivatives.yaml: grad / (1 + exp(other - self)), grad / (1 + exp(self - other)).
        let a = ctx[0], b = ctx[1]
        return [try g / (Variable(1) + (b - a).exp()), try g / (Variable(1) + (a - b).exp())]
    }.withDType(.floatingOnly { "\"logaddexp_cpu\" not implemented for '\($0)'" })  // PyTorch refuses integers

    /// log(exp(a) + exp(b)) of two numbers, stably; a itself where a == b is infinite.
    static func logaddexpOf(_ a: Double, _ b: Double) -> Double {
        let m = Swift.max(a, b)
        return m.isInfinite && a == b ? m : m + Glibc.log1p(Glibc.exp(-Swift.abs(a - b)))
    }

    /// `hypot(input, other)`: sqrt(input^2 + other^2).
    public static let hypot: OpSpec = binary(
        "hypot", gradFn: "HypotBackward0", summary: "sqrt(input^2 + other^2), without overflow",
        kinks: "at (0, 0) the gradient is NaN, as in PyTorch", range: 0.5...2, Glibc.hypot, forward: { args, kernel in
            // PyTorch's float64 kernel: Sleef's hypot (u05) on whole chunks.
            if args.dtype.isFloat64 { return try TorchFloat64Math.binary(args[0], args[1], GK_F64_HYPOT) }
            return try Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype, Glibc.hypot)
        }) { ctx, g in
        let r = try ctx.result()
        return [try g * ctx[0] / r, try g * ctx[1] / r]
    }.withDType(.floatingOnly { "\"hypot_cpu\" not implemented for '\($0)'" }).savingResult()  // PyTorch refuses integers

    /// `xlogy(input, other)`: input * log(other), 0 where input is 0.
    public static let xlogy: OpSpec = binary(
        "xlogy", gradFn: "XlogyBackward0",
        // PyTorch: XlogyBackward2 for a number `other`, XlogyBackward1 for a number `input`.
        gradFnForInputs: { inputs, _ in
            func isScalar(_ v: Variable) -> Bool { v.value.isScalar && !v.requiresGrad }
            return isScalar(inputs[1]) ? "XlogyBackward2" : isScalar(inputs[0]) ? "XlogyBackward1" : "XlogyBackward0"
        },
        summary: "input * log(other), and 0 where input = 0",
        kinks: "where input = 0 the value is 0 (even for other = 0); d/dinput is log(other), and 0 where input = 0 and other <= 0",
        range: 0.5...2,
        { x, y in y.isNaN ? .nan : x == 0 ? 0 : x * Glibc.log(y) },
        forward: { args, kernel in
            // PyTorch's float kernel: x * std::log(y) with the C library's logf.
            if args.dtype.isFloat32 {
                return try Tensor.zip(args[0], args[1]) { x, y in
                    let a = Float(x), b = Float(y)
                    return Double(b.isNaN ? .nan : a == 0 ? 0 : a * Glibc.logf(b))
                }
            }
            return try Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype) { x, y in y.isNaN ? .nan : x == 0 ? 0 : x * Glibc.log(y) }
        }) { ctx, g in
        let x = ctx[0], y = ctx[1]
        // d/dinput is log(other), as PyTorch's xlogy(grad, other) (0 where grad is 0), masked
        // to 0 where input = 0 and other <= 0: the directional derivative along input = 0.
        let dx = try Variable.where((x == 0) * (y <= 0), 0, apply(xlogy, [g, y]))
        return [dx, try g * x / y]
    }.withDType(.floating)
}
