// Swift operators on variables, so that code reads like the maths:
// `let out = try (3 * (a + 3).pow(2)).mean()`.

extension Variable: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// A 0-d constant, so literals mix with variables: `3 * a`.
    public convenience init(floatLiteral value: Double) { self.init(Tensor(value)) }
    /// A 0-d constant, so literals mix with variables: `a + 1`.
    public convenience init(integerLiteral value: Int) { self.init(Tensor(Double(value))) }
}

extension Variable {
    /// Elementwise sum with broadcasting.
    public static func + (a: Variable, b: Variable) throws -> Variable { try apply(Ops.add, a, b) }
    /// Elementwise difference with broadcasting.
    public static func - (a: Variable, b: Variable) throws -> Variable { try apply(Ops.sub, a, b) }
    /// Elementwise product with broadcasting.
    public static func * (a: Variable, b: Variable) throws -> Variable { try apply(Ops.mul, a, b) }
    /// Elementwise quotient with broadcasting.
    public static func / (a: Variable, b: Variable) throws -> Variable { try apply(Ops.div, a, b) }
    /// Elementwise negation.
    public static prefix func - (a: Variable) throws -> Variable { try apply(Ops.neg, [a]) }

    /// 1 where `a == b`, else 0; never requires grad.
    public static func == (a: Variable, b: Variable) throws -> Variable { try apply(Ops.eq, a, b) }
    /// 1 where `a != b`, else 0; never requires grad.
    public static func != (a: Variable, b: Variable) throws -> Variable { try apply(Ops.ne, a, b) }
    /// 1 where `a < b`, else 0; never requires grad.
    public static func < (a: Variable, b: Variable) throws -> Variable { try apply(Ops.lt, a, b) }
    /// 1 where `a <= b`, else 0; never requires grad.
    public static func <= (a: Variable, b: Variable) throws -> Variable { try apply(Ops.le, a, b) }
    /// 1 where `a > b`, else 0; never requires grad.
    public static func > (a: Variable, b: Variable) throws -> Variable { try apply(Ops.gt, a, b) }
    /// 1 where `a >= b`, else 0; never requires grad.
    public static func >= (a: Variable, b: Variable) throws -> Variable { try apply(Ops.ge, a, b) }

    /// This variable raised to `exponent`, elementwise.
    public func pow(_ exponent: Variable) throws -> Variable { try apply(Ops.pow, self, exponent) }

    /// `input` where `condition` is nonzero, else `other`.
    public static func `where`(_ condition: Variable, _ input: Variable, _ other: Variable) throws -> Variable {
        try apply(Ops.where_, [condition, input, other])
    }
}
