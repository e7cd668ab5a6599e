import Glibc

// Elementwise functions of one tensor. Each VJP is written with differentiable ops,
// so double backward (Hessians) works through it.

extension Ops {
    static let elementwise: [OpSpec] = [exp, log]

    /// `exp(input)`.
    public static let exp = unary("exp", gradFn: "ExpBackward0", summary: "e raised to input", Glibc.exp) { ctx, g in
        try g * ctx.result()
    }

    /// `log(input)`, the natural logarithm.
    public static let log = unary("log", gradFn: "LogBackward0", summary: "natural logarithm",
                                  kinks: "log(0) = -inf with gradient inf; negative input gives NaN",
                                  range: 0.5...3, Glibc.log) { ctx, g in
        try g / ctx[0]
    }
}

extension Variable {
    /// `e` raised to each element.
    public func exp() throws -> Variable { try apply(Ops.exp, [self]) }
    /// The natural logarithm of each element.
    public func log() throws -> Variable { try apply(Ops.log, [self]) }
}
