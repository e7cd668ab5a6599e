// Conversions between dtypes: `to(dtype)` (also `type(dtype)`) and the shorthands `float()`,
// `double()`, `long()`, `int()`, `bool()`. PyTorch records them all as `ToCopyBackward0`,
// whose gradient is the incoming one cast back to the input's dtype. A conversion to an
// integer or bool dtype gives a result that does not require grad (no gradient exists there).

extension Ops {
    static let conversions: [OpSpec] = [to, float, double, long, int, bool]

    /// A conversion entry: `target` gives the dtype from the call's attributes.
    static func conversion(_ name: String, aliases: [String] = [], params: [Param] = [], summary: String,
                           samples: @autoclosure @escaping () -> [OpSample] = [OpSample([[3, 2]])],
                           _ target: @escaping (Attrs) throws -> DType) -> OpSpec {
        OpSpec(name, aliases: aliases, params: [input] + params, gradFn: "ToCopyBackward0", summary: summary,
               samples: samples(),
               dtype: .custom { _, attrs in try target(attrs) },
               forward: { args in args[0].converted(to: try target(args.attrs)) },
               derivative: .vjp { ctx, g in [try g.to(ctx[0].value.dtype)] })
    }

    /// The required `dtype` argument of `to` and `type`.
    static let requiredDType = Param("dtype", .string(choices: DType.acceptedNames))

    /// `to(input, dtype)`: a copy of input cast to dtype (floats truncate toward zero to int64).
    public static let to = conversion(
        "to", aliases: ["type"], params: [requiredDType],
        summary: "input cast to dtype (float32, float64, int64, bool; floats truncate toward zero to int64)",
        samples: [OpSample([[3, 2]], attrs: Attrs(["dtype": .string("float64")]))]
    ) { attrs in
        guard let dtype = try attrs.dtype() else { throw OpError.value("to(): missing dtype") }
        return dtype
    }

    /// `input.float()`: input cast to float32 (the expression language reads `float(x)` as
    /// Python's builtin, which gives a Python float).
    /// Its sample lies near 0.001, where float32's spacing (about 1e-10) is far below
    /// gradcheck's eps of 1e-6, so rounding to float32 does not swamp the finite differences.
    public static let float = conversion("float", summary: "input cast to float32, written input.float() (float(x) is Python's float)",
                                         samples: [OpSample([[3, 2]], range: 0.001...0.002)]) { _ in .float32 }
    /// `double(input)`: input cast to float64.
    public static let double = conversion("double", summary: "input cast to float64 (input.double())") { _ in .float64 }
    /// `long(input)`: input cast to int64, truncating toward zero.
    public static let long = conversion("long", summary: "input cast to int64, truncating toward zero (input.long())") { _ in .int64 }
    /// `int(input)`: input cast to int64 as well; gradcli has no int32, so this is `long()`.
    public static let int = conversion("int", summary: "input cast to int64 (gradcli has no int32: the same as long())") { _ in .int64 }
    /// `bool(input)`: true where input is nonzero.
    public static let bool = conversion("bool", summary: "input cast to bool: true where nonzero (input.bool())") { _ in .bool }
}

extension Variable {
    /// This variable cast to `dtype` (`ToCopyBackward0`); the same variable when it has that dtype already.
    public func to(_ dtype: DType) throws -> Variable {
        if value.dtype == dtype { return self }
        return try apply(Ops.to, [self], Attrs(["dtype": .string(dtype.rawValue)]))
    }
}
