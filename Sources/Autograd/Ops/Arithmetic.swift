import CKernels
import Glibc

// The arithmetic operators of the language: + - * / unary minus, ^ (pow), and `where`,
// which the power rule needs for its conventions at zero.

extension Ops {
    static let arithmetic: [OpSpec] = [add, sub, mul, div, neg, pow, where_, floorDivide, remainder]

    /// PyTorch's errors for `-` on bool tensors, which it reserves for logical ops.
    static let boolNegation = "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
    static let boolSubtraction = "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead."
    static let boolOperandSubtraction = "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."

    /// PyTorch's sub refuses any bool operand (a Python True too), not only a bool result.
    static let subtractionDType = DTypeRule.promoteRefusing(accepted: "all but bool (a bool operand too)") { inputs, _, t in
        if t == .bool { return boolSubtraction }
        return inputs.contains { $0.value.dtype == .bool } ? boolOperandSubtraction : nil
    }

    /// Integer `//` and `%` divide by zero as PyTorch's CPU kernels refuse to.
    static func rejectIntegerDivisionByZero(_ args: ForwardArgs) throws {
        guard !args.dtype.isFloatingPoint, args[1].data.contains(0) else { return }
        throw OpError.value("ZeroDivisionError")
    }

    /// `floor_divide(input, other)`: input / other rounded down; integers stay integers.
    public static let floorDivide = OpSpec(
        "floor_divide", params: [input, other], gradFn: "NotImplemented",
        summary: "input / other rounded down (integers stay int64)",
        forward: { args in
            try rejectIntegerDivisionByZero(args)
            return try Tensor.zip(args[0], args[1], pythonFloorDivide)
        },
        derivative: .notImplemented("derivative for aten::floor_divide is not implemented")).withDType(.noBoolKernel("div_floor_cpu"))

    /// `remainder(input, other)`: input - floor(input / other) * other, with the sign of other.
    public static let remainder = OpSpec(
        "remainder", params: [input, other], gradFn: "RemainderBackward0",
        // PyTorch: RemainderBackward0 for a Python-number other (`x % 1.5`), RemainderBackward1 for a tensor.
        gradFnForInputs: { inputs, _ in inputs[1].isWrappedNumber ? "RemainderBackward0" : "RemainderBackward1" },
        summary: "input modulo other, with the sign of other (Python's %; integers stay int64)",
        kinks: "the value jumps where input / other is an integer; d/dother = -(input // other), PyTorch's floor division (-1 for 1 % -inf)",
        samples: [OpSample([[3, 2], [3, 2]], range: 0.6...0.9), OpSample([[3, 2], []], range: 1.1...1.4)],
        forward: { args in
            try rejectIntegerDivisionByZero(args)
            return try Tensor.zip(args[0], args[1]) { a, b in
                let r = Glibc.fmod(a, b)
                return r != 0 && (r < 0) != (b < 0) ? r + b : r
            }
        },
        derivative: .vjp { ctx, g in
            // PyTorch's -grad * self.div(other, rounding_mode='floor'): its floor division, not floor(a / b).
            [g, try -g * Variable(try Tensor.zip(ctx[0].value, ctx[1].value, pythonFloorDivide))]
        }).withDType(.noBoolKernel("remainder_cpu"))


    /// `input + other`. (With `alpha=`, the language calls `scaledAdd`: the plain entry has
    /// no attributes, so the hot `+` fills in no defaults.)
    public static let add = binary("add", gradFn: "AddBackward0", summary: "input + other, elementwise with broadcasting (alpha= scales other)",
                                   +, int64: .add) { _, g in [g, g] }.readingInputShapesOnly()

    /// `input - other`.
    public static let sub = binary("sub", aliases: ["subtract"], gradFn: "SubBackward0",
                                   summary: "input - other, elementwise with broadcasting (alpha= scales other)",
                                   -, int64: .subtract) { ctx, g in
        [g, ctx[1].requiresGrad ? try negation(g, foldedOnto: ctx[1], ctx) : nil]
    }.withDType(subtractionDType).readingInputShapesOnly()

    static let alpha = Param("alpha", .double, default: .double(1))

    /// `add(input, other, alpha=)`: `input + alpha * other` (PyTorch's node is AddBackward0). Not in the registry.
    public static let scaledAdd: OpSpec = OpSpec(
        "add", params: [input, other, alpha], gradFn: "AddBackward0", summary: "input + alpha * other",
        samples: [OpSample([[3, 2], [3, 2]], attrs: ["alpha": .double(-1.5)])],
        forward: { args in try scaledSum(args, alpha: try args.attrs.double("alpha")) },
        derivative: .vjp { ctx, g in [g, try g * Variable(ctx.attrs.double("alpha"))] }).readingInputShapesOnly()

    /// `sub(input, other, alpha=)`: `input - alpha * other`. Not in the registry.
    public static let scaledSub: OpSpec = OpSpec(
        "sub", params: [input, other, alpha], gradFn: "SubBackward0", summary: "input - alpha * other",
        samples: [OpSample([[3, 2], [3, 2]], attrs: ["alpha": .double(0.5)])],
        forward: { args in try scaledSum(args, alpha: -(try args.attrs.double("alpha"))) },
        derivative: .vjp { ctx, g in [g, try g * Variable(-(try ctx.attrs.double("alpha")))] })
        .withDType(subtractionDType).readingInputShapesOnly()

    /// `input * other`.
    public static let mul = binary("mul", aliases: ["multiply"], gradFn: "MulBackward0",
                                   summary: "input * other, elementwise with broadcasting",
                                   *, int64: .multiply) { ctx, g in
        // Only the gradients an input requires, as PyTorch's grad_input_mask computes them.
        [ctx[0].requiresGrad ? try product(g, ctx[1], foldedOnto: ctx[0], ctx) : nil,
         ctx[1].requiresGrad ? try product(g, ctx[0], foldedOnto: ctx[1], ctx) : nil]
    }

    /// `g * other`, the gradient of a product's `input`. Where broadcasting made `input` smaller
    /// than `g` (so the engine would sum the product down to its shape) and nothing records the
    /// backward, float64 products are summed as they are made, to the same bits, without
    /// storing them (see `SumSource`).
    static func product(_ g: Variable, _ other: Variable, foldedOnto input: Variable, _ ctx: VJPContext) throws -> Variable {
        if folds(g, onto: input, ctx), let folded = try foldedGradient(g, { Tensor.summedProduct(g.value, other.value, toShape: input.shape) }) {
            return folded
        }
        return try g * other
    }

    /// `-g`, the gradient of a difference's `other`, summed as it is made as `product` sums.
    static func negation(_ g: Variable, foldedOnto input: Variable, _ ctx: VJPContext) throws -> Variable {
        if folds(g, onto: input, ctx), let folded = try foldedGradient(g, { Tensor.summedNegation(g.value, toShape: input.shape) }) {
            return folded
        }
        return try -g
    }

    /// Whether `g`, the gradient of `ctx`'s node, is summed to `input`'s shape as it is made:
    /// float64, nothing recording the backward, and `g` of the node's result shape (not a
    /// batched pass's rows, which the batched engine folds itself) larger than the input.
    private static func folds(_ g: Variable, onto input: Variable, _ ctx: VJPContext) -> Bool {
        !ctx.createGraph && g.shape == ctx.node.resultShape && input.shape != g.shape
            && input.dtype.isFloat64 && g.dtype.isFloat64
    }

    /// The gradient `sum` made, already summed to an input's shape, when it could make one
    /// (`summedProduct` needs `other` of g's shape) and it is finite, charged as the op it
    /// replaces; nil leaves the gradient to the op and the engine, where anomaly mode sees a
    /// non-finite sum.
    private static func foldedGradient(_ g: Variable, _ sum: () -> Tensor?) throws -> Variable? {
        guard let folded = sum() else { return nil }
        try WorkBudget.spend(g.value.count + 1)
        return folded.isFinite ? Variable(folded) : nil
    }

    /// `input / other`.
    public static let div = binary("div", aliases: ["divide", "true_divide"], gradFn: "DivBackward0",
                                   summary: "input / other, elementwise with broadcasting (rounding_mode= 'trunc' or 'floor')",
                                   /) { ctx, g in
        // -g * ((x / y) / y), not -g * x / (y * y): y * y overflows for large y; PyTorch's
        // div_tensor_other_backward, in its order (the last bit).
        [ctx[0].requiresGrad ? try g / ctx[1] : nil,
         ctx[1].requiresGrad ? try -g * ((ctx[0] / ctx[1]) / ctx[1]) : nil]
    }.withDType(.floating)

    /// `div(input, other, rounding_mode=)`: the quotient rounded toward zero (`'trunc'`) or
    /// down (`'floor'`), a step function whose gradient is zero (DivBackward2). Not in the registry.
    public static let roundedDiv: OpSpec = OpSpec(
        "div", params: [input, other, Param("rounding_mode", .string(choices: ["trunc", "floor"]), default: AttrValue.none)],
        gradFn: "DivBackward2", summary: "input / other rounded by rounding_mode",
        kinks: "a step function: its gradient is 0",
        forward: { args in
            switch args.attrs.string("rounding_mode") {
            case "trunc"?: return try Tensor.zip(args[0], args[1]) { ($0 / $1).rounded(.towardZero) }
            case "floor"?: return try Tensor.zip(args[0], args[1], pythonFloorDivide)
            default: return try Tensor.zip(args[0], args[1], /)
            }
        },
        derivative: .vjp { ctx, g in
            let zero = try g * Variable(0)
            return [zero, zero]
        })

    /// Python's and PyTorch's floor division: from the remainder, so `1 // 0.2` is 4 (0.2 is a
    /// little more than a fifth), not `floor(1 / 0.2)` = 5.
    static func pythonFloorDivide(_ a: Double, _ b: Double) -> Double {
        guard b != 0 else { return a / b }
        let mod = fmod(a, b)
        var quotient = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) { quotient -= 1 }
        guard quotient != 0 else { return copysign(0, a / b) }
        var floored = quotient.rounded(.down)
        if quotient - floored > 0.5 { floored += 1 }
        return floored
    }

    /// `-input`.
    public static let neg = unary("neg", aliases: ["negative"], gradFn: "NegBackward0", summary: "-input",
                                  array: { n, x, out in for i in 0..<n { out[i] = -x[i] } },
                                  { -$0 }) { _, g in try -g }.withDType(.promoteRejectingBool(boolNegation)).readingInputShapesOnly()

    /// `input ^ exponent`, elementwise with broadcasting.
    public static let pow = binary(
        "pow", params: [input, Param("exponent", .tensor)], gradFn: "PowBackward0",
        // PyTorch: PowBackward0 for a scalar exponent (`x ** 2`), PowBackward2 for a scalar
        // base (`2 ** x`), PowBackward1 for two tensors (a 0-d tensor too).
        gradFnForInputs: { inputs, _ in
            inputs[1].isWrappedNumber ? "PowBackward0" : inputs[0].isWrappedNumber ? "PowBackward2" : "PowBackward1"
        },
        summary: "input raised to exponent, elementwise",
        kinks: "at input = 0: exponent 0 gives 0, 0 < exponent < 1 gives inf, 1 gives 1, >= 2 gives 0, negative gives -inf; d/dexponent of 0^exponent is 0 for exponent >= 0",
        range: 0.5...2, Glibc.pow, forward: powForward, int64: .power
    ) { ctx, g in
        let x = ctx[0], p = ctx[1]
        // d/dx = p * x^(p-1), taken as 0 where p == 0 (PyTorch masks it so 0^-1 never leaks).
        // A constant nonzero scalar exponent (`x^2`) needs no mask.
        let dx: Variable
        if !p.requiresGrad, let exponent = p.value.scalar, exponent == 0 {
            // x^0 is constant: 0 to every order, also at NaN and inf (PyTorch's zeros_like(self)).
            dx = Variable(Tensor(shape: x.shape, data: [Double](repeating: 0, count: x.value.count), dtype: x.value.dtype))
        } else if !p.requiresGrad, let exponent = p.value.scalar, exponent == 2, !ctx.createGraph {
            // x^1 is x to the bit (the forward copies for exponent 1), so `x ** 2` skips that op;
            // a recorded backward keeps it, as PyTorch's graph has its PowBackward0.
            if p.isWrappedNumber, let product = try squareGradient(g, x) { return [product, nil] }
            dx = try p * x
        } else if !p.requiresGrad, let exponent = p.value.scalar {
            dx = try p * x.pow(Variable(wrappedNumber: exponent - 1, dtype: .float64))  // a scalar: keeps x's dtype
        } else {
            dx = try Variable.where(p == 0, 0, p * x.pow(p - 1))
        }
        guard p.requiresGrad else { return [try g * dx, nil] }
        // d/dp = x^p * log(x), taken as 0 where x == 0 and p >= 0 (the limit from the right).
        let dp = try Variable.where((x == 0) * (p >= 0), 0, x.pow(p) * x.log())
        return [try g * dx, try g * dp]
    }.withDType(.promoteRefusing(accepted: "all; a bool result only with a Python-number exponent") { inputs, _, t in
        // A bool power of bools has no kernel; a Python-number exponent takes pow(Tensor, Scalar), which has one.
        t == .bool && !inputs[1].isWrappedNumber ? DTypeRule.notImplemented("pow", t) : nil
    })

    /// `g * (2 * x)`, the gradient of `x ** 2`, in one pass when `g` and `x` are floating tensors
    /// of one shape and dtype (nil otherwise): each product rounded to the dtype as the two ops
    /// round it, without the temporary `2 * x` (a large share of a big backward's memory traffic).
    static func squareGradient(_ g: Variable, _ x: Variable) throws -> Variable? {
        let (gv, xv) = (g.value, x.value)
        guard gv.shape == xv.shape, gv.dtype == xv.dtype, gv.dtype.isFloatingPoint else { return nil }
        try MemoryBudget.reserve(elements: xv.count)
        try WorkBudget.spend(2 * xv.count + 1)
        let single = xv.dtype.isFloat32
        let out = [Double](unsafeUninitializedCapacity: xv.count) { buffer, initialized in
            gv.data.withUnsafeBufferPointer { pg in
                xv.data.withUnsafeBufferPointer { px in
                    if single {
                        for i in 0..<px.count { buffer[i] = Double(Float(pg[i]) * (2 * Float(px[i]))) }
                    } else {
                        for i in 0..<px.count { buffer[i] = pg[i] * (2 * px[i]) }
                    }
                }
            }
            initialized = xv.count
        }
        return Variable(Tensor(shape: xv.shape, data: out, dtype: xv.dtype))
    }

    /// `pow` with a Python-number exponent runs PyTorch's CPU kernel for it: x*x for 2, x*x*x
    /// for 3, 1/(x*x) for -2, sqrt for 0.5, 1/sqrt for -0.5, 1/x for -1 (so `x ** 3` is
    /// PyTorch's number to the last bit, and `(-0.0) ** 0.5` is -0.0), std::pow otherwise (Sleef's
    /// pow on whole vector chunks and std::pow on the rest: in float32 Sleef's powf and the double
    /// std::pow).
    static func powForward(_ args: ForwardArgs, _ kernel: ElementwiseKernel?) throws -> Tensor {
        let exponent = args.variables[1]
        guard exponent.isWrappedNumber, args.dtype.isFloatingPoint, let p = exponent.value.scalar else {
            // Two tensors (a Python-number base among them): Sleef's pow on whole chunks.
            if args.dtype.isFloat32 { return try TorchFloat32Math.binary(args[0], args[1], GK_F32_POW) }
            if args.dtype.isFloat64 { return try TorchFloat64Math.binary(args[0], args[1], GK_F64_POW) }
            return try Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype, Glibc.pow)
        }
        // In float32 each step rounds to float32, as PyTorch's float kernel does.
        let single = args.dtype == .float32
        @inline(__always) func r(_ v: Double) -> Double { single ? Double(Float(v)) : v }
        let x = args[0]
        // Each case's loop with its arithmetic inlined (no closure call per element).
        @inline(__always) func each(_ f: (Double) -> Double) -> Tensor {
            var result = x.map(f)
            result.dtype = x.dtype
            return result
        }
        switch p {
        case 2: return each { x in x * x }
        case 3: return each { x in r(x * x) * x }
        case -2: return each { x in 1 / r(x * x) }
        case 0.5: return each { x in x.squareRoot() }
        case -0.5: return each { x in 1 / r(x.squareRoot()) }
        case -1: return each { x in 1 / x }
        // PyTorch fills 1 for exponent 0 and copies for 1; other exponents run Sleef's pow.
        case _ where single && p != 0 && p != 1: return TorchFloat32Math.pow(args[0], exponent: p)
        case _ where x.dtype.isFloat64 && p != 0 && p != 1: return TorchFloat64Math.pow(args[0], exponent: p)
        default: return try Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype, Glibc.pow)
        }
    }

    /// `where(condition, input, other)`: input where condition is nonzero, else other.
    public static let where_ = OpSpec(
        "where", params: [Param("condition", .tensor), input, other], gradFn: "WhereBackward0",
        summary: "input where condition is true (nonzero), other elsewhere",
        kinks: "the gradient flows to the chosen branch only",
        samples: [OpSample([[3, 2], [3, 2], [3, 2]], constantInputs: [0],
                           fixed: [0: Tensor(shape: [3, 2], data: [1, 0, 0, 1, 1, 0])])],
        forward: { args in
            let shape = try [args[1].shape, args[2].shape].reduce(args[0].shape, Tensor.broadcastShapeOrThrow)
            let c = try args[0].expanded(to: shape), a = try args[1].expanded(to: shape), b = try args[2].expanded(to: shape)
            return Tensor(shape: shape, data: (0..<c.count).map { c.data[$0] != 0 ? a.data[$0] : b.data[$0] })
        },
        derivative: .vjp { ctx, g in
            let zero = Variable(0)
            return [nil, try Variable.where(ctx[0], g, zero), try Variable.where(ctx[0], zero, g)]
        })
}
