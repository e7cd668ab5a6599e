import Glibc

// fmod, copysign, nan_to_num, threshold: elementwise entries with PyTorch's derivatives.

extension Ops {
    static let moreElementwise: [OpSpec] = [fmodOp, copysignOp, nanToNum, threshold, lerp]

    /// `fmod(input, other)`: the remainder of input / other truncated toward zero (C's fmod),
    /// with the sign of input.
    public static let fmodOp: OpSpec = binary(
        "fmod", gradFn: "FmodBackward1", gradFnForInputs: { inputs, _ in inputs[1].isWrappedNumber ? "FmodBackward0" : "FmodBackward1" }, summary: "input - trunc(input / other) * other, with the sign of input (C's fmod)",
        kinks: "the gradient in other is -trunc(input / other), constant between its jumps", range: 0.3...2, Glibc.fmod) { ctx, g in
        let quotient = Variable(try Tensor.zip(ctx[0].value, ctx[1].value) { Glibc.trunc($0 / $1) })
        return [g, try -(g * quotient)]
    }.withDType(.noBoolKernel("fmod_cpu"))

    /// `copysign(input, other)`: |input| with the sign of other.
    public static let copysignOp: OpSpec = binary(
        "copysign", gradFn: "CopysignBackward0", gradFnForInputs: { inputs, _ in inputs[1].isWrappedNumber ? "CopysignBackward1" : "CopysignBackward0" }, summary: "|input| with the sign of other (of -0.0 too)",
        kinks: "the gradient in input is 0 at input = 0, and other gets none, as PyTorch's", range: 0.3...2, Glibc.copysign) { ctx, g in
        let ratio = Variable(try Tensor.zip(ctx[0].value, ctx[1].value) { a, b in a == 0 ? 0 : Glibc.copysign(a, b) / a })
        return [try g * ratio, Variable(Tensor.zeros(ctx[1].shape))]
    }

    /// `nan_to_num(input, nan=0.0, posinf=None, neginf=None)`: NaN and infinities replaced
    /// (by default the largest finite values).
    public static let nanToNum: OpSpec = activation(
        "nan_to_num", params: [Param("nan", .double, default: .double(0)), Param("posinf", .double, default: AttrValue.none),
                               Param("neginf", .double, default: AttrValue.none)],
        gradFn: "NanToNumBackward0", summary: "input with NaN, +inf and -inf replaced (by 0 and the largest finite values)",
        kinks: "the gradient is 0 where input is not finite",
        { attrs in
            let nan = try attrs.double("nan")
            let posinf = attrs.optionalDouble("posinf") ?? Double.greatestFiniteMagnitude
            let neginf = attrs.optionalDouble("neginf") ?? -Double.greatestFiniteMagnitude
            return { x in x.isNaN ? nan : x == .infinity ? posinf : x == -.infinity ? neginf : x }
        }) { ctx, g in try g * mask(ctx[0]) { $0.isFinite } }

    /// `threshold(input, threshold, value)`: input where input > threshold, else value.
    public static let threshold: OpSpec = activation(
        "threshold", params: [Param("threshold", .double), Param("value", .double)], gradFn: "ThresholdBackward0",
        summary: "input where input > threshold, value elsewhere", kinks: "the gradient at input = threshold is 0; a NaN input stays NaN with its gradient",
        samples: [OpSample([[3, 2]], attrs: ["threshold": .double(0.5), "value": .double(-1)], range: 0.6...2),
                  OpSample([[3, 2]], attrs: ["threshold": .double(0.5), "value": .double(-1)], range: -2...0.4)],
        { attrs in
            let t = try attrs.double("threshold"), v = try attrs.double("value")
            // PyTorch tests `input <= threshold`, so a NaN input stays NaN and keeps its gradient.
            return { x in x <= t ? v : x }
        }) { ctx, g in
        let t = try ctx.attrs.double("threshold")
        return try g * mask(ctx[0]) { !($0 <= t) }
    }.withDType(.noBoolKernel("threshold_cpu"))
}

extension Ops {
    /// `lerp(input, end, weight)`: input + weight * (end - input), computed as PyTorch's CPU
    /// kernel does so that the bits agree: a fused multiply-add from the nearer end
    /// (`fma(weight, end - input, input)` for |weight| < 0.5, else `fma(-(end - input), 1 - weight, end)`),
    /// in float for float32. `LerpBackward0` for a number weight, `LerpBackward1` for a tensor.
    public static let lerp = OpSpec(
        "lerp", params: [input, Param("end", .tensor), Param("weight", .tensor)],
        gradFn: "LerpBackward1",
        gradFnForInputs: { inputs, _ in inputs.count == 3 && inputs[2].isWrappedNumber ? "LerpBackward0" : "LerpBackward1" },
        summary: "input + weight * (end - input)",
        samples: [OpSample([[3, 2], [3, 2], [3, 2]], range: -1...1), OpSample([[3, 2], [2], []], range: 0.6...0.9)],
        dtype: .floating,
        forward: { args in
            let shape = try [args[1].shape, args[2].shape].reduce(args[0].shape, Tensor.broadcastShapeOrThrow)
            let a = try args[0].expanded(to: shape), b = try args[1].expanded(to: shape), w = try args[2].expanded(to: shape)
            let single = args.dtype.isFloat32
            return Tensor(shape: shape, data: (0..<a.count).map { i in
                single ? Double(lerpFloat(Float(a.data[i]), Float(b.data[i]), Float(w.data[i])))
                       : lerpDouble(a.data[i], b.data[i], w.data[i])
            })
        },
        derivative: .vjp { ctx, g in
            let weight = ctx[2]
            let oneMinus = try Variable(1) - weight
            return [try g * oneMinus, try g * weight, weight.isWrappedNumber ? nil : try g * (ctx[1] - ctx[0])]
        })

    static func lerpDouble(_ a: Double, _ b: Double, _ w: Double) -> Double {
        let d = b - a
        return Swift.abs(w) < 0.5 ? a.addingProduct(w, d) : b.addingProduct(-d, 1 - w)
    }

    /// float32: fused as PyTorch's AVX2 and AVX-512 builds compile it (vector and scalar code
    /// alike); its default build multiplies and adds separately.
    static func lerpFloat(_ a: Float, _ b: Float, _ w: Float) -> Float {
        let d = b - a
        guard TorchFloat32Math.fusesMultiplyAdd else { return Swift.abs(w) < 0.5 ? a + w * d : b - d * (1 - w) }
        return Swift.abs(w) < 0.5 ? a.addingProduct(w, d) : b.addingProduct(-d, 1 - w)
    }
}
