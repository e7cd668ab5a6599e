import CKernels
import Glibc

// lgamma, digamma and polygamma: each one's derivative is the next (digamma, polygamma(1),
// polygamma(n + 1)), so every order of derivative exists. digamma and polygamma run PyTorch's
// own formulas (calc_digamma, trigamma, zeta; CKernels/torch_special_f32.c and _f64.c), so
// their values agree with PyTorch's bit for bit in both dtypes.

extension Ops {
    static let gammaFamily: [OpSpec] = [lgamma, digamma, polygamma]

    /// `lgamma(input)`: log|Gamma(input)|.
    public static let lgamma: OpSpec = unary("lgamma", gradFn: "LgammaBackward0", summary: "log |Gamma(input)|",
                                             range: 0.3...3, float32Kernel: GK_F32_LGAMMA, TorchFloat64Math.lgamma) { ctx, g in
        try g * apply(digamma, [ctx[0]])
    }

    /// `digamma(input)`: the derivative of lgamma.
    public static let digamma: OpSpec = unary("digamma", aliases: ["psi"], gradFn: "DigammaBackward0", summary: "d/dx lgamma(x)",
                                              range: 0.3...3, float32Array: { n, x, out in gk_digamma_f32(n, x, out) },
                                              gk_digamma_f64) { ctx, g in
        try g * apply(polygamma, [ctx[0]], ["n": .int(1)])
    }

    /// `polygamma(n, input)`: the n-th derivative of digamma.
    public static let polygamma: OpSpec = OpSpec(
        "polygamma", params: [Param("n", .int), input], gradFn: "PolygammaBackward0", summary: "the n-th derivative of digamma",
        samples: [OpSample([[3, 2]], attrs: ["n": .int(1)], range: 0.3...3), OpSample([[4]], attrs: ["n": .int(2)], range: -0.8...(-0.2))],
        dtype: .floating,
        forward: { args in
            let n = try args.attrs.int("n")
            guard n >= 0 else { throw OpError.value("polygamma(n, x) does not support negative n.") }
            if args.dtype.isFloat32 {
                return TorchFloat32Math.apply(args[0]) { count, x, out, chunk in gk_polygamma_f32(n, count, x, out, chunk > 0 ? 1 : 0) }
            }
            return polygammaFloat64(n, args[0])
        },
        derivative: .vjp { ctx, g in [try g * apply(polygamma, [ctx[0]], ["n": .int(try ctx.attrs.int("n") + 1)])] })

    /// polygamma(n, x) of a float64 tensor, with trigamma's multiply-adds fused where PyTorch's
    /// build fuses them (its AVX2 and AVX-512 kernels; `ATEN_CPU_CAPABILITY=default` does not).
    static func polygammaFloat64(_ n: Int, _ x: Tensor) -> Tensor {
        TorchFloat64Math.apply(x) { count, x, out, chunk in gk_polygamma_f64(n, count, x, out, chunk > 0 ? 1 : 0) }
    }
}
