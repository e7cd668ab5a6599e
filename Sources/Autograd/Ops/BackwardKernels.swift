import CKernels
import Glibc

// PyTorch's backward functions that have CPU kernels of their own, so that a gradient rounds
// exactly as PyTorch's does. Not in the registry: they appear as the nodes of a gradient's own
// graph (`create_graph=True`), named as PyTorch names them, each with derivatives.yaml's rule.
// The kernels themselves are in TorchBackwardMath.swift.


extension Ops {
    static let gradOutput = Param("grad_output", .tensor)

    /// `tanh_backward(grad_output, output)`: grad_output * (1 - output^2), with `1 - output^2`
    /// one fused multiply-add where PyTorch's AVX2 and AVX-512 builds contract it.
    static let tanhBackward: OpSpec = OpSpec(
        "tanh_backward", params: [gradOutput, Param("output", .tensor)],
        gradFn: "TanhBackwardBackward0", summary: "the gradient of tanh",
        forward: { args in
            let (g, t) = (args[0], args[1])
            if g.shape == t.shape, args.dtype.isFloatingPoint {
                let n = g.count, fused: Int32 = TorchFloat32Math.fusesMultiplyAdd ? 1 : 0, single: Int32 = args.dtype.isFloat32 ? 1 : 0
                let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
                    g.data.withUnsafeBufferPointer { pg in
                        t.data.withUnsafeBufferPointer { pt in
                            if n > 0 { gk_tanh_backward(n, pg.baseAddress!, pt.baseAddress!, buffer.baseAddress!, fused, single) }
                        }
                    }
                    initialized = n
                }
                return Tensor(shape: g.shape, data: out, dtype: args.dtype)
            }
            // Broadcast operands (a gradient given by the program): the same formula element by element.
            if args.dtype.isFloat32 {
                return try Tensor.zip(args[0], args[1]) { g, t in
                    let (g, t) = (Float(g), Float(t))
                    return Double(g * TorchFloat32Math.multiplyAdd(-t, t, 1))
                }
            }
            return try Tensor.zip(args[0], args[1]) { g, t in g * TorchFloat32Math.multiplyAdd(-t, t, 1) }
        },
        // derivatives.yaml: grad_output: tanh_backward(grad, output); output: grad * (-2 * output * grad_output).
        derivative: .vjp { ctx, g in
            let gradOutput = ctx[0], output = ctx[1]
            return [gradOutput.requiresGrad ? try apply(tanhBackward, [g, output]) : nil,
                    output.requiresGrad ? try g * (Variable(-2) * output * gradOutput) : nil]
        }).withDType(.promote)

    /// A backward function of (grad_output, self) and attributes, computed by `kernel(attrs, dtype)`.
    static func backwardFunction<K: PointwiseBackward>(
        _ name: String, params: [Param] = [], gradFn: String, summary: String,
        kernel: @escaping (Attrs, DType) throws -> K, derivative: Derivative
    ) -> OpSpec {
        OpSpec(name, params: [gradOutput, Param("self", .tensor)] + params, gradFn: gradFn, summary: summary,
               forward: { args in try TorchFloat32Math.backward(try kernel(args.attrs, args.dtype), args[0], args[1], dtype: args.dtype) },
               derivative: derivative).withDType(.promote)
    }

    /// A 0/1 constant of `like`'s dtype, 1 where `test` holds for an element of `v`
    /// (PyTorch's `(...).type_as(grad)`).
    static func mask(_ v: Variable, like: Variable, _ test: (Double) -> Bool) -> Variable {
        Variable(Tensor(shape: v.shape, data: v.value.data.map { test($0) ? 1 : 0 }, dtype: like.dtype))
    }

    /// `elu_backward(grad_output, alpha, scale, input_scale, is_result=False, self)`, the
    /// gradient of elu, selu and celu. PyTorch takes each number as the dtype first (float32:
    /// negcoef = float(alpha) * float(scale)).
    static let eluBackward: OpSpec = backwardFunction(
        "elu_backward", params: [Param("alpha", .double), Param("scale", .double), Param("input_scale", .double)],
        gradFn: "EluBackwardBackward0", summary: "the gradient of elu",
        kernel: { attrs, dtype in
            let alpha = try attrs.double("alpha"), scale = try attrs.double("scale"), inputScale = try attrs.double("input_scale")
            guard dtype.isFloat32 else { return BackwardKernel.Elu(negcoef: alpha * scale, poscoef: scale, negiptcoef: inputScale) }
            return BackwardKernel.Elu(negcoef: Double(Float(alpha) * Float(scale)), poscoef: Double(Float(scale)),
                                      negiptcoef: Double(Float(inputScale)))
        },
        // derivatives.yaml: grad_output: elu_backward(grad, ...); self: elu_double_backward, which is
        // elu_backward(grad * grad_output * input_scale, ..., self) * (self < 0).
        derivative: .vjp { ctx, g in
            let gradOutput = ctx[0], x = ctx[1], inputScale = try ctx.attrs.double("input_scale")
            return [gradOutput.requiresGrad ? try apply(eluBackward, [g, x], ctx.attrs) : nil,
                    x.requiresGrad ? try apply(eluBackward, [g * gradOutput * Variable(inputScale), x], ctx.attrs)
                        * mask(x, like: g) { $0 < 0 } : nil]
        })

    /// The attributes of `elu_backward` for elu, selu (alpha and scale its constants) and celu
    /// (input_scale 1 / alpha, with alpha taken as a float first: derivatives.yaml's `1.0/alpha.toFloat()`).
    static func eluBackwardAttrs(alpha: Double, scale: Double = 1, inputScale: Double = 1) -> Attrs {
        ["alpha": .double(alpha), "scale": .double(scale), "input_scale": .double(inputScale)]
    }

    /// `softplus_backward(grad_output, self, beta, threshold)`.
    static let softplusBackward: OpSpec = backwardFunction(
        "softplus_backward", params: [Param("beta", .double), Param("threshold", .double)],
        gradFn: "SoftplusBackwardBackward0", summary: "the gradient of softplus",
        kernel: { attrs, _ in BackwardKernel.Softplus(beta: try attrs.double("beta"), threshold: try attrs.double("threshold")) },
        // derivatives.yaml: self: softplus_double_backward(grad * grad_output, self, beta, threshold),
        // sigmoid_backward(g, (self * beta).sigmoid()) * (self * beta < threshold) * beta.
        derivative: .vjp { ctx, g in
            let gradOutput = ctx[0], x = ctx[1]
            let beta = try ctx.attrs.double("beta"), threshold = try ctx.attrs.double("threshold")
            guard x.requiresGrad else { return [gradOutput.requiresGrad ? try apply(softplusBackward, [g, x], ctx.attrs) : nil, nil] }
            let z = try x * Variable(beta), s = try z.sigmoid()
            let limit = x.dtype.isFloat32 ? Double(Float(threshold)) : threshold  // compared in the dtype
            let below = mask(z, like: g) { $0 < limit }
            return [gradOutput.requiresGrad ? try apply(softplusBackward, [g, x], ctx.attrs) : nil,
                    try (g * gradOutput) * (1 - s) * s * below * Variable(beta)]
        })

    /// `log_sigmoid_backward(grad_output, self, buffer)`, the buffer exp(-|self|) recomputed
    /// with the forward's functions.
    static let logSigmoidBackward: OpSpec = backwardFunction(
        "log_sigmoid_backward", gradFn: "LogSigmoidBackwardBackward0", summary: "the gradient of logsigmoid",
        kernel: { _, _ in BackwardKernel.LogSigmoid() },
        // derivatives.yaml: self: log_sigmoid_double_backward(grad * grad_output, self), g * (z - 1) * z.
        derivative: .vjp { ctx, g in
            let gradOutput = ctx[0], x = ctx[1]
            let dx: Variable? = x.requiresGrad ? try {
                let z = try x.sigmoid()
                return try g * gradOutput * (z - 1) * z
            }() : nil
            return [gradOutput.requiresGrad ? try apply(logSigmoidBackward, [g, x]) : nil, dx]
        })

    /// `hardswish_backward(grad_output, self)`.
    static let hardswishBackward: OpSpec = backwardFunction(
        "hardswish_backward", gradFn: "HardswishBackwardBackward0", summary: "the gradient of hardswish",
        kernel: { _, _ in BackwardKernel.Hardswish() },
        // derivatives.yaml: self: where(-3 < self < 3, grad * grad_output / 3, 0).
        derivative: .vjp { ctx, g in
            let gradOutput = ctx[0], x = ctx[1]
            return [gradOutput.requiresGrad ? try apply(hardswishBackward, [g, x]) : nil,
                    x.requiresGrad ? try Variable.where(mask(x) { $0 > -3 && $0 < 3 }, g * gradOutput / 3, 0) : nil]
        })

    /// `gelu_backward(grad_output, self, approximate)`. For float32 and more than one element
    /// PyTorch calls oneDNN's eltwise backward (approximate='none'), reproduced where its
    /// forward is (`TorchFloat32Math.geluIsReproducible`); otherwise its own kernel.
    static let geluBackward: OpSpec = OpSpec(
        "gelu_backward", params: [gradOutput, Param("self", .tensor), Param("approximate", .string(choices: ["none", "tanh"]))],
        gradFn: "GeluBackwardBackward0", summary: "the gradient of gelu",
        forward: { args in
            let tanh = try geluUsesTanh(args.attrs)
            // float64: GeluBackwardKernelImpl with Sleef's double erf, exp and tanh on whole chunks.
            if args.dtype.isFloat64 { return try TorchFloat64Math.geluBackward(args[0], args[1], tanh: tanh) }
            if !tanh, args.dtype.isFloat32, args[1].count > 1, TorchFloat32Math.geluIsReproducible {
                let shape = try Tensor.broadcastShapeOrThrow(args[0].shape, args[1].shape)
                let g = try args[0].expanded(to: shape), x = try args[1].expanded(to: shape)
                var out = Tensor(shape: shape, data: [Double](repeating: 0, count: g.count), dtype: .float32)
                out.data.withUnsafeMutableBufferPointer { o in
                    if let base = o.baseAddress { gk_gelu_backward_f32(g.count, g.data, x.data, base) }
                }
                return out
            }
            return tanh ? try TorchFloat32Math.backward(BackwardKernel.GeluTanh(), args[0], args[1], dtype: args.dtype)
                        : try TorchFloat32Math.backward(BackwardKernel.Gelu(), args[0], args[1], dtype: args.dtype)
        },
        // derivatives.yaml: grad_output: gelu_backward(grad, self); self: gelu_double_backward(grad, grad_output, self).
        derivative: .vjp { ctx, g in
            let gradOutput = ctx[0], x = ctx[1]
            return [gradOutput.requiresGrad ? try apply(geluBackward, [g, x], ctx.attrs) : nil,
                    x.requiresGrad ? try g * gradOutput * geluSecondDerivative(x, tanh: try geluUsesTanh(ctx.attrs)) : nil]
        }).withDType(.promote)

    /// gelu''(x) as FunctionsManual.cpp's gelu_double_backward composes it.
    static func geluSecondDerivative(_ x: Variable, tanh: Bool) throws -> Variable {
        guard tanh else {
            let beta = M_2_SQRTPI * M_SQRT1_2 * 0.5
            let square = try x * x
            let pdf = try Variable(beta) * (Variable(-0.5) * square).exp()
            return try 2 * pdf - square * pdf
        }
        let beta = M_SQRT2 * M_2_SQRTPI * 0.5, kappa = 0.044715
        let inner = try Variable(beta) * (x + Variable(kappa) * x.pow(Variable(wrappedNumber: 3, dtype: .int64)))
        let t = try inner.tanh(), sech = try 1 / inner.cosh()
        let f = try 0.5 * x, g = try 1 - t * t
        let h = try Variable(beta) * (1 + Variable(3 * kappa) * x * x)
        let fPrimeGH = try 0.5 * g * h
        let gPrime = try (2 * sech) * (-sech * t) * h
        let gPrimeFH = try f * h * gPrime
        let hPrime = try Variable(6 * kappa) * x * Variable(beta)
        let hPrimeFG = try f * g * hPrime
        return try 2 * fPrimeGH + gPrimeFH + hPrimeFG
    }
}
