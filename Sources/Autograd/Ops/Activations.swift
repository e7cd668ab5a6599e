import CKernels
import Glibc

// Neural-network activations. Forwards are written to stay finite for large |input|;
// VJPs combine differentiable ops with constant 0/1 masks for the piecewise parts.

extension Ops {
    static let activations: [OpSpec] = [sigmoid, logsigmoid, relu, leakyRelu, elu, gelu, silu, softplus]

    /// An elementwise op of one tensor with number or name attributes: `f(attrs)` gives the
    /// function applied to each element.
    static func activation(_ name: String, aliases: [String] = [], params: [Param] = [], gradFn: String,
                           summary: String, kinks: String? = nil, samples: @autoclosure @escaping () -> [OpSample]? = nil,
                           float32: ((Tensor, Attrs) throws -> Tensor)? = nil,
                           float64: ((Tensor, Attrs) throws -> Tensor)? = nil,
                           _ f: @escaping (Attrs) throws -> (Double) -> Double,
                           vjp rule: @escaping (VJPContext, Variable) throws -> Variable) -> OpSpec {
        OpSpec(name, aliases: aliases, params: [input] + params, gradFn: gradFn, summary: summary, kinks: kinks,
               samples: samples() ?? [OpSample([[3, 2]], range: -3...3)],
               forward: { args in
                   // PyTorch's float32 kernel where gradcli reproduces it (TorchFloat32Math).
                   if let float32, args.dtype.isFloat32 { return try float32(args[0], args.attrs) }
                   // PyTorch's float64 kernel where it calls Sleef (TorchFloat64Math).
                   if let float64, args.dtype.isFloat64 { return try float64(args[0], args.attrs) }
                   return args[0].map(try f(args.attrs))
               },
               derivative: .vjp { ctx, g in [try rule(ctx, g)] }).withDType(.floating).batchingItsVJP()
    }

    /// The logistic function 1 / (1 + exp(-x)), without overflow for large |x|.
    static func logistic(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + Glibc.exp(-x)) : Glibc.exp(x) / (1 + Glibc.exp(x))
    }

    /// `sigmoid(input)`, 1 / (1 + exp(-input)).
    public static let sigmoid = activation("sigmoid", gradFn: "SigmoidBackward0",
                                           summary: "logistic function 1 / (1 + exp(-input))",
                                           float32: { x, _ in TorchFloat32Math.sigmoid(x) },
                                           float64: { x, _ in TorchFloat64Math.unary(x, GK_F64_SIGMOID) }, { _ in logistic }) { ctx, g in
        let s = try ctx.result()
        return try g * (1 - s) * s  // PyTorch's order, so the last bit agrees
    }.savingResult()

    /// `logsigmoid(input)`, log(sigmoid(input)), computed stably.
    public static let logsigmoid = activation("logsigmoid", gradFn: "LogSigmoidBackward0",
                                              summary: "log(sigmoid(input)), stable for large |input|",
                                              float32: { x, _ in TorchFloat32Math.unary(x, GK_F32_LOGSIGMOID) },
                                              float64: { x, _ in TorchFloat64Math.activation(x, GK_F64_LOGSIGMOID) },
                                              { _ in { x in Swift.min(x, 0) - Glibc.log1p(Glibc.exp(-Swift.abs(x))) } }) { ctx, g in
        try apply(logSigmoidBackward, [g, ctx[0]])
    }.withDType(.floatingKernel("log_sigmoid_cpu"))

    /// `relu(input)`, max(input, 0).
    public static let relu = activation("relu", gradFn: "ReluBackward0", summary: "max(input, 0)",
                                        kinks: "relu'(0) = 0",
                                        samples: [OpSample([[3, 2]], range: 0.1...2), OpSample([[3, 2]], range: -2...(-0.1))],
                                        { _ in { x in x > 0 || x.isNaN ? x : 0 } }) { ctx, g in
        try g * mask(ctx[0]) { !($0 <= 0) }  // PyTorch's threshold_backward: NaN passes the gradient
    }.withDType(.noBool("Boolean inputs not supported for relu"))

    /// `leaky_relu(input, negative_slope=0.01)`.
    public static let leakyRelu = activation(
        "leaky_relu", params: [Param("negative_slope", .double, default: .double(0.01))], gradFn: "LeakyReluBackward0",
        summary: "input where input > 0, else negative_slope * input",
        kinks: "the gradient at 0 is negative_slope",
        samples: [OpSample([[3, 2]], range: 0.1...2), OpSample([[3, 2]], range: -2...(-0.1)),
                  OpSample([[3, 2]], attrs: Attrs(["negative_slope": .double(0.2)]), range: -2...(-0.1))],
        float32: { x, attrs in
            // PyTorch multiplies by the slope cast to float32.
            let slope = Double(Float(try attrs.double("negative_slope")))
            return Tensor(shape: x.shape, data: x.data.map { $0 > 0 ? $0 : Double(Float($0 * slope)) }, dtype: .float32)
        },
        { attrs in
            let slope = try attrs.double("negative_slope")
            return { x in x > 0 ? x : x * slope }
        }) { ctx, g in
        let slope = try ctx.attrs.double("negative_slope")
        return try g * Variable(ctx[0].value.map { $0 > 0 ? 1 : slope })
    }.withDType(.floatingKernel("leaky_relu_cpu"))

    /// `elu(input, alpha=1)`.
    public static let elu = activation(
        "elu", params: [Param("alpha", .double, default: .double(1))], gradFn: "EluBackward0",
        summary: "input where input > 0, else alpha * (exp(input) - 1)",
        kinks: "the gradient at 0 is alpha (the left limit, as PyTorch)",
        samples: [OpSample([[3, 2]], range: 0.1...2), OpSample([[3, 2]], range: -2...(-0.1)),
                  OpSample([[3, 2]], attrs: Attrs(["alpha": .double(0.5)]), range: -2...(-0.1))],
        float32: { x, attrs in TorchFloat32Math.elu(x, alpha: try attrs.double("alpha")) },
        float64: { x, attrs in TorchFloat64Math.elu(x, alpha: try attrs.double("alpha")) },
        { attrs in
            let alpha = try attrs.double("alpha")
            return { x in x > 0 ? x : alpha * Glibc.expm1(x) }
        }) { ctx, g in
        try apply(eluBackward, [g, ctx[0]], eluBackwardAttrs(alpha: try ctx.attrs.double("alpha")))
    }.withDType(.floatingKernel("elu_cpu"))

    /// `gelu(input, approximate='none')`: input * Phi(input), or its tanh approximation.
    public static let gelu = activation(
        "gelu", params: [Param("approximate", .string(choices: ["none", "tanh"]), default: .string("none"))],
        gradFn: "GeluBackward0", summary: "input * Phi(input), Phi the normal CDF ('tanh' approximates it)",
        samples: [OpSample([[3, 2]], range: -3...3),
                  OpSample([[3, 2]], attrs: Attrs(["approximate": .string("tanh")]), range: -3...3)],
        float32: { x, attrs in
            // PyTorch's float32 gelu (oneDNN's erf one on an AVX-512 CPU) where gradcli reproduces it.
            if try geluUsesTanh(attrs) { return TorchFloat32Math.geluTanh(x) }
            if let y = TorchFloat32Math.gelu(x) { return y }
            return x.map(try geluFunction(attrs))
        },
        float64: { x, attrs in
            // PyTorch's own kernel: Sleef's tanh or erf on whole chunks.
            try geluUsesTanh(attrs) ? TorchFloat64Math.activation(x, GK_F64_GELU_TANH) : TorchFloat64Math.gelu(x)
        }, geluFunction) { ctx, g in
        try apply(geluBackward, [g, ctx[0]], ["approximate": .string(ctx.attrs.string("approximate") ?? "none")])
    }.withDType(.floatingKernel("GeluKernelImpl"))

    /// gelu's function of one element for `approximate`.
    static func geluFunction(_ attrs: Attrs) throws -> (Double) -> Double {
        if try geluUsesTanh(attrs) {
            return { x in 0.5 * x * (1 + Glibc.tanh(geluK * (x + 0.044715 * x * x * x))) }
        }
        return { x in 0.5 * x * (1 + Glibc.erf(x * 0.5.squareRoot())) }
    }

    /// sqrt(2 / pi), the scale inside gelu's tanh approximation.
    static let geluK = (2 / Double.pi).squareRoot()

    static func geluUsesTanh(_ attrs: Attrs) throws -> Bool {
        switch attrs.string("approximate") ?? "none" {
        case "none": return false
        case "tanh": return true
        default: throw OpError.value("approximate argument must be either none or tanh.")
        }
    }

    /// `silu(input)`, input * sigmoid(input).
    public static let silu = activation("silu", gradFn: "SiluBackward0",
                                        summary: "input * sigmoid(input)",
                                        float32: { x, _ in TorchFloat32Math.silu(x) },
                                        float64: { x, _ in TorchFloat64Math.unary(x, GK_F64_SILU) },
                                        { _ in { x in x * logistic(x) } }) { ctx, g in
        let x = ctx[0]
        // derivatives.yaml: silu_backward's kernel without grad mode, else its composed form.
        guard GradMode.isEnabled else {
            return Variable(try TorchFloat32Math.backward(BackwardKernel.Silu(), g.value, x.value, dtype: x.dtype))
        }
        let s = try x.sigmoid()
        return try g * s * (1 + x * (1 - s))  // infinitely_differentiable_silu_backward
    }.withDType(.floatingKernel("silu_cpu"))

    /// `softplus(input, beta=1, threshold=20)`: log(1 + exp(beta * input)) / beta,
    /// and input itself where beta * input > threshold.
    public static let softplus = activation(
        "softplus", params: [Param("beta", .double, default: .double(1)), Param("threshold", .double, default: .double(20))],
        gradFn: "SoftplusBackward0",
        summary: "log(1 + exp(beta * input)) / beta; input where beta * input > threshold",
        kinks: "the switch to the identity at beta * input = threshold is a jump in the gradient, as in PyTorch",
        samples: [OpSample([[3, 2]], range: -3...3),
                  OpSample([[3, 2]], attrs: Attrs(["beta": .double(2), "threshold": .double(1)]), range: -2...0.4),
                  OpSample([[3, 2]], attrs: Attrs(["beta": .double(2), "threshold": .double(1)]), range: 0.6...2)],
        float32: { x, attrs in
            TorchFloat32Math.softplus(x, beta: try attrs.double("beta"), threshold: try attrs.double("threshold"))
        },
        float64: { x, attrs in
            TorchFloat64Math.softplus(x, beta: try attrs.double("beta"), threshold: try attrs.double("threshold"))
        },
        { attrs in
            let beta = try attrs.double("beta"), threshold = try attrs.double("threshold")
            return { x in x * beta > threshold ? x : Glibc.log1p(Glibc.exp(x * beta)) / beta }
        }) { ctx, g in
        try apply(softplusBackward, [g, ctx[0]], ["beta": .double(try ctx.attrs.double("beta")),
                                                   "threshold": .double(try ctx.attrs.double("threshold"))])
    }.withDType(.floatingKernel("softplus_cpu"))
}

extension Variable {
    /// The logistic function of each element.
    public func sigmoid() throws -> Variable { try apply(Ops.sigmoid, [self]) }
    /// `log(sigmoid(x))` of each element, computed stably.
    public func logsigmoid() throws -> Variable { try apply(Ops.logsigmoid, [self]) }
    /// `max(x, 0)` of each element; its gradient at 0 is 0.
    public func relu() throws -> Variable { try apply(Ops.relu, [self]) }
    /// `x` where positive, else `negativeSlope * x`.
    public func leakyRelu(negativeSlope: Double = 0.01) throws -> Variable {
        try apply(Ops.leakyRelu, [self], Attrs(["negative_slope": .double(negativeSlope)]))
    }
    /// `x` where positive, else `alpha * (exp(x) - 1)`.
    public func elu(alpha: Double = 1) throws -> Variable {
        try apply(Ops.elu, [self], Attrs(["alpha": .double(alpha)]))
    }
    /// `x * Phi(x)`; `approximate: "tanh"` uses the tanh approximation.
    public func gelu(approximate: String = "none") throws -> Variable {
        try apply(Ops.gelu, [self], Attrs(["approximate": .string(approximate)]))
    }
    /// `x * sigmoid(x)` of each element.
    public func silu() throws -> Variable { try apply(Ops.silu, [self]) }
    /// `log(1 + exp(beta * x)) / beta`, or `x` where `beta * x > threshold`.
    public func softplus(beta: Double = 1, threshold: Double = 20) throws -> Variable {
        try apply(Ops.softplus, [self], Attrs(["beta": .double(beta), "threshold": .double(threshold)]))
    }
}
