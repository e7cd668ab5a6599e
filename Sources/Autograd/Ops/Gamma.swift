import CKernels
import Glibc

// lgamma, digamma and polygamma: each one's derivative is the next (digamma, polygamma(1),
// polygamma(n + 1)), so every order of derivative exists. polygamma(n >= 1) is computed
// from the Hurwitz zeta function, (-1)^(n+1) n! zeta(n + 1, x).

extension Ops {
    static let gammaFamily: [OpSpec] = [lgamma, digamma, polygamma]

    /// The Bernoulli numbers B2, B4, ..., B16 over (2k)!, for the Euler-Maclaurin tail.
    static let bernoulliOverFactorial: [Double] = [1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600, 1.0 / 47900160,
                                                   -691.0 / 1307674368000, 1.0 / 74724249600, -3617.0 / 10670622842880000]

    /// Hurwitz zeta(s, x) for s > 1 and x > 0.
    static func hurwitzZeta(_ s: Double, _ x: Double) -> Double {
        let shift = 12
        var sum = 0.0
        for k in 0..<shift { sum += Glibc.pow(x + Double(k), -s) }
        let a = x + Double(shift)
        sum += Glibc.pow(a, 1 - s) / (s - 1) + 0.5 * Glibc.pow(a, -s)
        var rising = s, power = Glibc.pow(a, -s - 1)
        for (j, b) in bernoulliOverFactorial.enumerated() {
            sum += b * rising * power
            rising *= (s + Double(2 * j + 1)) * (s + Double(2 * j + 2))
            power /= a * a
        }
        return sum
    }

    /// The digamma function; -inf at 0 and NaN at negative integers, as PyTorch.
    static func digammaValue(_ x: Double) -> Double {
        if x.isNaN || x == -.infinity { return .nan }
        if x == 0 { return x.sign == .minus ? .infinity : -.infinity }
        if x < 0 && x == x.rounded() { return .nan }
        var y = x, result = 0.0
        while y < 12 { result -= 1 / y; y += 1 }
        let r = 1 / (y * y)
        return result + Glibc.log(y) - 0.5 / y - r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r / 132))))
    }

    /// polygamma(n, x) for n >= 1: (-1)^(n+1) n! zeta(n + 1, x), with x < 1 shifted up.
    static func polygammaValue(_ n: Int, _ x: Double) -> Double {
        if n == 0 { return digammaValue(x) }
        if x.isNaN { return .nan }
        if x <= 0 && x == x.rounded() { return n % 2 == 1 ? .infinity : .nan }
        let factorial = (1...n).reduce(1.0) { $0 * Double($1) }
        var y = x, shifted = 0.0
        // psi^(n)(y) = psi^(n)(y + 1) + (-1)^(n+1) n! / y^(n+1)
        while y < 1 { shifted += Glibc.pow(y, -Double(n + 1)); y += 1 }
        let sign: Double = n % 2 == 1 ? 1 : -1
        return sign * factorial * (hurwitzZeta(Double(n + 1), y) + shifted)
    }

    /// `lgamma(input)`: log|Gamma(input)|.
    public static let lgamma: OpSpec = unary("lgamma", gradFn: "LgammaBackward0", summary: "log |Gamma(input)|",
                                             range: 0.3...3, float32Kernel: GK_F32_LGAMMA, { Glibc.lgamma($0) }) { ctx, g in
        try g * apply(digamma, [ctx[0]])
    }

    /// `digamma(input)`: the derivative of lgamma.
    public static let digamma: OpSpec = unary("digamma", aliases: ["psi"], gradFn: "DigammaBackward0", summary: "d/dx lgamma(x)",
                                              range: 0.3...3, float32Array: { n, x, out in gk_digamma_f32(n, x, out) },
                                              digammaValue) { ctx, g in
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
            return args[0].map { polygammaValue(n, $0) }
        },
        derivative: .vjp { ctx, g in [try g * apply(polygamma, [ctx[0]], ["n": .int(try ctx.attrs.int("n") + 1)])] })
}
