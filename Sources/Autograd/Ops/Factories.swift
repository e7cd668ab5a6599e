// Factories make new tensors from sizes and numbers. Their outputs are constants that never
// require grad (as in PyTorch without requires_grad=True). The random ones (rand, randn, ...)
// are in Random/RandomFactories.swift.

extension Ops {
    static let factories: [OpSpec] = [tensor, ones, zeros, full, eye, arange, linspace, onesLike, zerosLike] + randomFactories

    static let size = Param("size", .ints)

    /// A factory entry: not differentiable, with no samples to gradcheck. Its dtype is the
    /// `dtype=` argument when given, else `inferred` (the default floating dtype unless given).
    static func factory(_ name: String, params: [Param], summary: String,
                        dtype inferred: (([Variable], Attrs) -> DType)? = nil,
                        _ make: @escaping (ForwardArgs) throws -> Tensor) -> OpSpec {
        let typed = inferred != nil
        return OpSpec(name, params: typed ? params + [Param.dtype, requiresGrad] : params, gradFn: "", summary: summary,
                      dtype: typed ? .custom { inputs, attrs in try attrs.dtype() ?? inferred!(inputs, attrs) } : .promote,
                      forward: make,
                      derivative: .notDifferentiable("a factory makes a new constant; its output does not require grad"))
    }

    /// `requires_grad=True` makes a factory's result a leaf that requires grad (floating only).
    static let requiresGrad = Param("requires_grad", .bool, default: .bool(false), keywordOnly: true)

    /// The default floating dtype, for factories of floats.
    static func defaultFloat(_: [Variable], _: Attrs) -> DType { DefaultDType.current }

    /// int64 when every named attribute is an integer (`arange(5)`, `full(2, 7)`), as PyTorch
    /// infers it from Python ints; the default floating dtype otherwise.
    static func integerIfAllInts(_ names: [String]) -> ([Variable], Attrs) -> DType {
        { _, attrs in
            names.allSatisfy { name in
                switch attrs[name] {
                case .int, .none: return true
                default: return false
                }
            } ? .int64 : DefaultDType.current
        }
    }

    /// The `size` attribute, checked as PyTorch checks it.
    static func sizeAttr(_ attrs: Attrs) throws -> [Int] {
        guard let size = attrs.optionalInts("size") else { throw OpError.value("missing argument 'size'") }
        if let bad = size.first(where: { $0 < 0 }) {
            throw OpError.value("Trying to create tensor with negative dimension \(bad): \(describe(shape: size))")
        }
        _ = try Tensor.checkedCount(of: size)
        return size
    }

    /// `tensor(data)`: a constant copy of data.
    /// Its dtype is data's: Python ints give int64, floats the default dtype, unless `dtype=` says
    /// otherwise (floats truncate toward zero to int64, as in PyTorch).
    public static let tensor = factory("tensor", params: [Param("data", .tensor)],
                                       summary: "a copy of data (dtype= to convert; requires_grad=True for a leaf)",
                                       dtype: { inputs, _ in
                                           let data = inputs[0]
                                           return data.isWrappedNumber && data.value.dtype.isFloatingPoint ? DefaultDType.current : data.value.dtype
                                       }) { args in args[0] }

    /// `ones(size)`.
    public static let ones = factory("ones", params: [size], summary: "a tensor of ones of the given size",
                                     dtype: defaultFloat) { args in
        Tensor.ones(try sizeAttr(args.attrs))
    }

    /// `zeros(size)`.
    public static let zeros = factory("zeros", params: [size], summary: "a tensor of zeros of the given size",
                                     dtype: defaultFloat) { args in
        Tensor.zeros(try sizeAttr(args.attrs))
    }

    /// `full(size, fill_value)`.
    public static let full = factory("full", params: [size, Param("fill_value", .double)],
                                     summary: "a tensor of the given size filled with fill_value (int64 for an int)",
                                     dtype: integerIfAllInts(["fill_value"])) { args in
        Tensor(repeating: try args.attrs.double("fill_value"), shape: try sizeAttr(args.attrs))
    }

    /// `eye(n, m=None)`: the n x m identity (square when m is omitted).
    public static let eye = factory("eye", params: [Param("n", .int), Param("m", .int, default: AttrValue.none)],
                                    summary: "an n x m matrix with ones on the diagonal (m defaults to n)",
                                    dtype: defaultFloat) { args in
        let n = try args.attrs.int("n"), m = args.attrs.optionalInt("m") ?? n
        guard n >= 0 else { throw OpError.value("n must be greater or equal to 0, got \(n)") }
        guard m >= 0 else { throw OpError.value("m must be greater or equal to 0, got \(m)") }
        _ = try Tensor.checkedCount(of: [n, m])
        var out = Tensor.zeros([n, m])
        for i in 0..<Swift.min(n, m) { out.data[i * m + i] = 1 }
        return out
    }

    /// `arange(start, end=None, step=1)`: start, start + step, ... up to but excluding end;
    /// with one argument it is the end and the start is 0 (`arange(5)` is 0, 1, 2, 3, 4).
    public static let arange = factory(
        "arange", params: [Param("start", .double), Param("end", .double, default: AttrValue.none),
                           Param("step", .double, default: .int(1))],
        summary: "values from start (default 0) up to but excluding end, spaced by step (int64 for ints)",
        dtype: integerIfAllInts(["start", "end", "step"])
    ) { args in
        var start = try args.attrs.double("start")
        let end: Double
        if let given = args.attrs.optionalDouble("end") { end = given } else { end = start; start = 0 }
        let step = try args.attrs.double("step")
        guard start.isFinite && end.isFinite else { throw OpError.value("unsupported range: \(start) -> \(end)") }
        guard step != 0 else { throw OpError.value("step must be nonzero") }
        guard (step > 0 && end >= start) || (step < 0 && end <= start) else {
            throw OpError.value("upper bound and larger bound inconsistent with step sign")
        }
        let length = ((end - start) / step).rounded(.up)
        guard length <= Double(Tensor.maxElementCount) else {
            throw OpError.limit("arange would make \(length) elements, more than the limit of \(Tensor.maxElementCount)")
        }
        return Tensor(RangeKernels.arange(start: start, step: step, count: Int(length), dtype: args.dtype))
    }

    /// `linspace(start, end, steps)`: `steps` evenly spaced values from start to end inclusive.
    public static let linspace = factory(
        "linspace", params: [Param("start", .double), Param("end", .double), Param("steps", .int)],
        summary: "steps evenly spaced values from start to end, both included",
        dtype: defaultFloat
    ) { args in
        let start = try args.attrs.double("start"), end = try args.attrs.double("end")
        let steps = try args.attrs.int("steps")
        guard steps >= 0 else { throw OpError.value("number of steps must be non-negative") }
        _ = try Tensor.checkedCount(of: [steps])
        guard steps > 1 else { return Tensor(steps == 1 ? [start] : []) }
        // PyTorch fills the first half from start and the second half back from end,
        // so both ends are exact.
        return Tensor(RangeKernels.linspace(start: start, end: end, steps: steps, dtype: args.dtype))
    }

    /// `ones_like(input)`: ones of input's shape.
    public static let onesLike = factory("ones_like", params: [input], summary: "a tensor of ones shaped like input",
                                         dtype: { inputs, _ in inputs[0].value.dtype }) { args in
        Tensor.ones(args[0].shape)
    }

    /// `zeros_like(input)`: zeros of input's shape.
    public static let zerosLike = factory("zeros_like", params: [input], summary: "a tensor of zeros shaped like input",
                                          dtype: { inputs, _ in inputs[0].value.dtype }) { args in
        Tensor.zeros(args[0].shape)
    }
}

extension Variable {
    /// A constant of ones with the given shape.
    public static func ones(_ size: [Int]) throws -> Variable { try apply(Ops.ones, [], Attrs(["size": .ints(size)])) }

    /// A constant of zeros with the given shape.
    public static func zeros(_ size: [Int]) throws -> Variable { try apply(Ops.zeros, [], Attrs(["size": .ints(size)])) }

    /// A constant of the given shape filled with `value`.
    public static func full(_ size: [Int], _ value: Double) throws -> Variable {
        try apply(Ops.full, [], Attrs(["size": .ints(size), "fill_value": .double(value)]))
    }

    /// The `n` x `m` identity matrix (`m` defaults to `n`).
    public static func eye(_ n: Int, _ m: Int? = nil) throws -> Variable {
        try apply(Ops.eye, [], Attrs(["n": .int(n), "m": m.map(AttrValue.int) ?? .none]))
    }

    /// `start, start + step, ...` up to but excluding `end`.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1) throws -> Variable {
        try apply(Ops.arange, [], Attrs(["start": .double(start), "end": .double(end), "step": .double(step)]))
    }

    /// `0, 1, ...` up to but excluding `end`.
    public static func arange(_ end: Double) throws -> Variable {
        try apply(Ops.arange, [], Attrs(["start": .double(end)]))
    }

    /// `steps` evenly spaced values from `start` to `end`, both included.
    public static func linspace(_ start: Double, _ end: Double, steps: Int) throws -> Variable {
        try apply(Ops.linspace, [], Attrs(["start": .double(start), "end": .double(end), "steps": .int(steps)]))
    }

    /// A constant of ones shaped like `input`.
    public static func onesLike(_ input: Variable) throws -> Variable { try apply(Ops.onesLike, [input]) }

    /// A constant of zeros shaped like `input`.
    public static func zerosLike(_ input: Variable) throws -> Variable { try apply(Ops.zerosLike, [input]) }
}
