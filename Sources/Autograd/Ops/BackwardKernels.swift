// PyTorch's backward functions that have CPU kernels of their own, so that a gradient rounds
// exactly as PyTorch's does. Not in the registry: they appear as the nodes of a gradient's own
// graph (`create_graph=True`), named as PyTorch names them.

extension Ops {
    /// `tanh_backward(grad_output, output)`: grad_output * (1 - output^2), with `1 - output^2`
    /// one fused multiply-add where PyTorch's AVX2 and AVX-512 builds contract it.
    static let tanhBackward: OpSpec = OpSpec(
        "tanh_backward", params: [Param("grad_output", .tensor), Param("output", .tensor)],
        gradFn: "TanhBackwardBackward0", summary: "the gradient of tanh",
        forward: { args in
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
}
