import Glibc

// fmod, copysign, nan_to_num, threshold: elementwise entries with PyTorch's derivatives.

extension Ops {
    static let moreElementwise: [OpSpec] = [fmodOp, copysignOp, nanToNum, threshold]

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
