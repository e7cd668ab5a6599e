// The random factories: each draws from the calling thread's generator (TorchGenerator.current,
// seeded by `manualSeed`, the CLI's --seed) exactly as its PyTorch namesake draws from
// torch's default CPU generator. Float dtypes default to DefaultDType.current, integer
// factories to int64; errors carry PyTorch's wording.

extension Ops {
    static let randomFactories: [OpSpec] = [rand, randn, randLike, randnLike, randint, randperm, normal, bernoulli]

    /// A random factory entry: its forward chooses the dtype (see `floatingDType`). A factory
    /// makes a constant; the samplers of given tensors (`normal`, `bernoulli`) take the
    /// derivative PyTorch gives them, with their node names.
    static func randomFactory(_ name: String, params: [Param], summary: String, gradFn: String = "",
                              gradFnForInputs: (([Variable], Attrs) -> String)? = nil,
                              derivative: Derivative = .notDifferentiable("a factory makes a new constant; its output does not require grad"),
                              _ make: @escaping (ForwardArgs) throws -> Tensor) -> OpSpec {
        OpSpec(name, params: params, gradFn: gradFn, gradFnForInputs: gradFnForInputs, summary: summary,
               dtype: .chosenByForward, forward: make, derivative: derivative)
    }

    /// PyTorch's derivative of a sample with respect to the tensors it was drawn from: zero
    /// (`mean: zeros_like(grad)` and the like in derivatives.yaml).
    static func zeroSampleGradients(_ ctx: VJPContext) -> [Variable?] {
        ctx.inputs.map { Variable(Tensor.zeros($0.shape)) }
    }

    /// The floating dtype a random factory fills: dtype= when given, else `fallback`, refused
    /// (PyTorch's NotImplementedError) when it is not floating.
    static func floatingDType(_ attrs: Attrs, fallback: DType, kernel: String) throws -> DType {
        let dtype = try attrs.dtype() ?? fallback
        guard dtype.isFloatingPoint else { throw OpError.value("\"\(kernel)\" not implemented for '\(dtype.kernelName)'") }
        return dtype
    }

    /// `rand(size, dtype=None)`: uniform samples from [0, 1).
    public static let rand = randomFactory("rand", params: [size, .dtype],
                                     summary: "uniform random samples from [0, 1), torch's stream (see --seed)") { args in
        let shape = try sizeAttr(args.attrs)
        let dtype = try floatingDType(args.attrs, fallback: DefaultDType.current, kernel: "check_uniform_bounds")
        return Tensor(shape: shape, data: TorchGenerator.current.fillUniform(count: Tensor.count(of: shape), dtype: dtype), dtype: dtype)
    }

    /// `randn(size, dtype=None)`: standard normal samples.
    public static let randn = randomFactory("randn", params: [size, .dtype],
                                      summary: "standard normal random samples, torch's stream (see --seed)") { args in
        let shape = try sizeAttr(args.attrs)
        let dtype = try floatingDType(args.attrs, fallback: DefaultDType.current, kernel: "normal_kernel_cpu")
        return Tensor(shape: shape, data: TorchGenerator.current.fillNormal(count: Tensor.count(of: shape), dtype: dtype), dtype: dtype)
    }

    /// `rand_like(input, dtype=None)`: uniform samples shaped like input, in its dtype by default.
    public static let randLike = randomFactory("rand_like", params: [input, .dtype],
                                         summary: "uniform random samples from [0, 1) shaped like input") { args in
        let dtype = try floatingDType(args.attrs, fallback: args[0].dtype, kernel: "check_uniform_bounds")
        return Tensor(shape: args[0].shape, data: TorchGenerator.current.fillUniform(count: args[0].count, dtype: dtype), dtype: dtype)
    }

    /// `randn_like(input, dtype=None)`: standard normal samples shaped like input.
    public static let randnLike = randomFactory("randn_like", params: [input, .dtype],
                                          summary: "standard normal random samples shaped like input") { args in
        let dtype = try floatingDType(args.attrs, fallback: args[0].dtype, kernel: "normal_kernel_cpu")
        return Tensor(shape: args[0].shape, data: TorchGenerator.current.fillNormal(count: args[0].count, dtype: dtype), dtype: dtype)
    }

    /// `normal(mean, std=1, size=None, dtype=None)`: PyTorch's four overloads. Two Python
    /// numbers and a size draw that many samples; a tensor mean or std (with no size) gives
    /// the tensor's shape and dtype (see NormalTensors.swift).
    public static let normal = randomFactory(
        "normal", params: [Param("mean", .tensor), Param("std", .tensor, default: .double(1)),
                           Param("size", .ints, default: AttrValue.none), .dtype],
        summary: "normal random samples of the given mean and std (numbers, or tensors for per-element ones), torch's stream",
        gradFn: "NormalBackward1, NormalBackward2 or NormalBackward3",
        // PyTorch's overloads: (Tensor mean, float std), (float mean, Tensor std), (Tensor, Tensor).
        gradFnForInputs: { inputs, _ in
            switch (inputs[0].isWrappedNumber, inputs[1].isWrappedNumber) {
            case (false, true): return "NormalBackward1"
            case (true, false): return "NormalBackward2"
            default: return "NormalBackward3"
            }
        },
        derivative: .vjp { ctx, _ in zeroSampleGradients(ctx) }
    ) { args in
        let meanIsNumber = args.variables[0].isWrappedNumber, stdIsNumber = args.variables[1].isWrappedNumber
        guard meanIsNumber && stdIsNumber else {
            guard args.attrs.optionalInts("size") == nil, args.attrs["dtype"] == AttrValue.none else {
                throw OpError.value("normal() received an invalid combination of arguments: size= and dtype= need a number mean and std")
            }
            return try normalOfTensors(mean: args[0], meanIsNumber: meanIsNumber, std: args[1], stdIsNumber: stdIsNumber)
        }
        let mean = args[0].data[0], std = args[1].data[0]
        try TorchGenerator.checkNormalStd(std)
        guard args.attrs.optionalInts("size") != nil else {
            throw OpError.value("normal() received an invalid combination of arguments: two numbers need a size")
        }
        let shape = try sizeAttr(args.attrs)
        let dtype = try floatingDType(args.attrs, fallback: DefaultDType.current, kernel: "normal_kernel_cpu")
        let values = TorchGenerator.current.fillNormal(count: Tensor.count(of: shape), dtype: dtype, mean: mean, std: std)
        return Tensor(shape: shape, data: values, dtype: dtype)
    }

    /// `randint(low=0, high, size, dtype=None)`: integers from [low, high), int64 by default.
    /// Like PyTorch's two overloads, `randint(high, size)` leaves low at 0: with no size given,
    /// the second argument is the size.
    public static let randint = randomFactory(
        "randint", params: [Param("low", .int, default: AttrValue.none), Param("high", .ints, default: AttrValue.none),
                            Param("size", .ints, default: AttrValue.none), .dtype],
        summary: "random integers from [low, high) (low defaults to 0), torch's stream"
    ) { args in
        var attrs = args.attrs
        let first = attrs.optionalInt("low"), second = attrs.optionalInts("high"), size = attrs.optionalInts("size")
        var low = 0, high: Int
        switch (first, second, size) {
        case (let l?, let h?, _?):  // randint(low, high, size)
            guard h.count == 1 else { throw OpError.value("randint(): argument 'high' must be int, not tuple") }
            (low, high) = (l, h[0])
        case (let h?, let s?, nil):  // randint(high, size): the second argument is the size
            attrs["size"] = .ints(s)
            high = h
        case (let h?, nil, _?):  // randint(high, size=...)
            high = h
        case (nil, let h?, _?):  // randint(high=..., size=...)
            guard h.count == 1 else { throw OpError.value("randint(): argument 'high' must be int, not tuple") }
            high = h[0]
        default:
            throw OpError.value("randint() missing required argument 'size'")
        }
        let shape = try sizeAttr(attrs)
        guard low < high else {
            throw OpError.value("random_ expects 'from' to be less than 'to', but got from=\(low) >= to=\(high)")
        }
        let dtype = try attrs.dtype() ?? .int64
        if dtype == .bool && (low < 0 || high > 2) {
            throw OpError.value(low < 0 ? "from is out of bounds for bool" : "to - 1 is out of bounds for bool")
        }
        let exact = 1 << 53
        guard low >= -exact && high <= exact else {
            throw OpError.limit("randint bounds beyond 2^53 are not supported: tensor elements are held as doubles")
        }
        let draws = TorchGenerator.current.fillIntegers(count: Tensor.count(of: shape), low: Int64(low), high: Int64(high))
        return Tensor(shape: shape, data: draws.map { dtype == .float32 ? Double(Float($0)) : Double($0) }, dtype: dtype)
    }

    /// `randperm(n, dtype=int64)`: a random permutation of 0..<n.
    public static let randperm = randomFactory("randperm", params: [Param("n", .int), .dtype],
                                         summary: "a random permutation of 0, 1, ..., n - 1, torch's stream") { args in
        let n = try args.attrs.int("n")
        guard n >= 0 else { throw OpError.value("Trying to create tensor with negative dimension \(n): [\(n)]") }
        _ = try Tensor.checkedCount(of: [n])
        let dtype = try args.attrs.dtype() ?? .int64
        guard dtype != .bool else { throw OpError.value("\"randperm\" not implemented for 'Bool'") }
        return Tensor(shape: [n], data: TorchGenerator.current.permutation(n).map(Double.init), dtype: dtype)
    }

    /// `bernoulli(input, p=None)`: 0 or 1 per element, 1 with probability input (or p when
    /// given), in input's dtype.
    public static let bernoulli = randomFactory(
        "bernoulli", params: [input, Param("p", .double, default: AttrValue.none)],
        summary: "1 with probability input (or p) and 0 otherwise, per element, torch's stream",
        gradFn: "BernoulliBackward0",
        // With p given, PyTorch records the call but has no derivative for it.
        gradFnForInputs: { _, attrs in attrs.optionalDouble("p") == nil ? "BernoulliBackward0" : "NotImplemented" },
        derivative: .vjp { ctx, _ in
            guard ctx.attrs.optionalDouble("p") == nil else { throw OpError.autograd("derivative for aten::bernoulli is not implemented") }
            return zeroSampleGradients(ctx)
        }
    ) { args in
        let probabilities = args[0]
        if let p = args.attrs.optionalDouble("p") {
            guard p >= 0 && p <= 1 else { throw OpError.value("bernoulli_ expects p to be in [0, 1], but got p=\(pythonNumber(p))") }
            let values = TorchGenerator.current.bernoulli(count: probabilities.count, p: p)
            return Tensor(shape: probabilities.shape, data: values, dtype: probabilities.dtype)
        }
        guard probabilities.dtype.isFloatingPoint else {
            throw OpError.value("\"bernoulli_tensor_cpu_p_\" not implemented for '\(probabilities.dtype.kernelName)'")
        }
        guard probabilities.data.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw OpError.value("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
        }
        let values = TorchGenerator.current.bernoulli(probabilities: probabilities.data, dtype: probabilities.dtype)
        return Tensor(shape: probabilities.shape, data: values, dtype: probabilities.dtype)
    }

    /// A number as Python prints it in these messages: `-1` for an integral float, else its repr.
    static func pythonNumber(_ x: Double) -> String {
        x == x.rounded() && Swift.abs(x) < 1e16 ? String(Int(x)) : String(x)
    }
}

extension DType {
    /// The scalar type name PyTorch's kernels print in "not implemented for" errors.
    var kernelName: String {
        switch self {
        case .bool: return "Bool"
        case .int64: return "Long"
        case .float32: return "Float"
        case .float64: return "Double"
        }
    }
}

extension Variable {
    /// Uniform samples from [0, 1) drawn from this thread's generator (see `manualSeed`);
    /// `dtype` nil means `DefaultDType.current`.
    public static func rand(_ size: [Int], dtype: DType? = nil) throws -> Variable {
        try apply(Ops.rand, [], Attrs(["size": .ints(size), "dtype": dtype.map { .string($0.rawValue) } ?? .none]))
    }

    /// Standard normal samples drawn from this thread's generator (see `manualSeed`).
    public static func randn(_ size: [Int], dtype: DType? = nil) throws -> Variable {
        try apply(Ops.randn, [], Attrs(["size": .ints(size), "dtype": dtype.map { .string($0.rawValue) } ?? .none]))
    }
}
