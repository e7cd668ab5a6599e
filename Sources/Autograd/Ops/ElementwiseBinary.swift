import CKernels
import Glibc

// Elementwise functions of two tensors (with broadcasting) and clamp. Where the function
// has a corner, the gradient is split by constant 0 / 0.5 / 1 masks, as PyTorch splits it.

extension Ops {
    static let elementwiseBinary: [OpSpec] = [atan2, maximum, minimum, clamp]

    /// `atan2(input, other)`: the angle of the point (other, input), in (-pi, pi].
    public static let atan2 = binary("atan2", aliases: ["arctan2"], gradFn: "Atan2Backward0",
                                     summary: "angle of the point (x=other, y=input), in (-pi, pi]",
                                     kinks: "the gradient is 0 at the origin (PyTorch's convention); the value jumps across other < 0, input = 0",
                                     range: 0.5...2, Glibc.atan2, forward: atan2Forward) { ctx, g in
        let y = ctx[0], x = ctx[1]
        let r2 = try x * x + y * y
        // 1 / r^2, taken as 0 at the origin where it is infinite, as PyTorch masks it.
        let recip = try Variable.where(r2 == 0, 0, 1 / r2)
        return [try g * x * recip, try -g * y * recip]
    }.withDType(.floating)

    /// atan2's forward: PyTorch's kernel (Sleef's atan2 on whole chunks) for float32 and float64.
    static func atan2Forward(_ args: ForwardArgs, _ kernel: ElementwiseKernel?) throws -> Tensor {
        if args.dtype.isFloat32 { return try TorchFloat32Math.binary(args[0], args[1], GK_F32_ATAN2) }
        if args.dtype.isFloat64 { return try TorchFloat64Math.binary(args[0], args[1], GK_F64_ATAN2) }
        return try Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype, Glibc.atan2)
    }

    /// The masks that route maximum's (`larger` true) or minimum's gradient: 1 to the chosen
    /// input, 0 to the other, 0.5 to each on a tie. Constants, so the VJP stays differentiable.
    static func selectionMasks(_ ctx: VJPContext, larger: Bool) throws -> (Variable, Variable) {
        let a = ctx[0].value, b = ctx[1].value
        // PyTorch: where(a == b, grad / 2, grad) with the losing side zeroed.
        let loses: (Double, Double) -> Bool = larger ? { $0 < $1 } : { $0 > $1 }
        let ma = try Tensor.zip(a, b) { x, y in x == y ? 0.5 : loses(x, y) ? 0 : 1 }
        let mb = try Tensor.zip(b, a) { x, y in x == y ? 0.5 : loses(x, y) ? 0 : 1 }
        return (Variable(ma), Variable(mb))
    }

    /// `maximum(input, other)`, elementwise with broadcasting.
    public static let maximum = binary("maximum", gradFn: "MaximumBackward0",
                                       summary: "the larger of input and other, elementwise (NaN propagates)",
                                       kinks: "on a tie each input gets half of the gradient",
                                       { a, b in a.isNaN || b.isNaN ? .nan : Swift.max(a, b) }) { ctx, g in
        let (ma, mb) = try selectionMasks(ctx, larger: true)
        return [try g * ma, try g * mb]
    }

    /// `minimum(input, other)`, elementwise with broadcasting.
    public static let minimum = binary("minimum", gradFn: "MinimumBackward0",
                                       summary: "the smaller of input and other, elementwise (NaN propagates)",
                                       kinks: "on a tie each input gets half of the gradient",
                                       { a, b in a.isNaN || b.isNaN ? .nan : Swift.min(a, b) }) { ctx, g in
        let (ma, mb) = try selectionMasks(ctx, larger: false)
        return [try g * ma, try g * mb]
    }

    /// `clamp(input, min=None, max=None)`: input limited to [min, max]. The bounds are tensors
    /// that broadcast with the input; a number is a 0-d one. PyTorch shows `ClampBackward1` for
    /// a number bound and `ClampBackward0` for tensor bounds (a 0-d tensor too).
    public static let clamp = OpSpec(
        "clamp", aliases: ["clip"],
        params: [input, Param("min", .tensor, default: AttrValue.none), Param("max", .tensor, default: AttrValue.none)],
        gradFn: "ClampBackward1",
        gradFnForInputs: { inputs, attrs in
            // `clamp_min(x, t)` / `clamp_max(x, t)` with a tensor bound run as clamp, under their own name.
            if case .string(let name) = attrs["grad_fn"] { return name }
            // A number bound selects PyTorch's Scalar overload, whatever the other bound is.
            return inputs.dropFirst().contains(where: \.isWrappedNumber) ? "ClampBackward1" : "ClampBackward0"
        },
        summary: "input limited to [min, max]; bounds may be tensors, either may be omitted",
        kinks: "input gets the gradient where min <= input <= max (1 at a bound), a bound where it is the one chosen; "
            + "where min > max only max does",
        samples: [OpSample([[3, 2], [], []], constantInputs: [1, 2], fixed: [1: Tensor(-1), 2: Tensor(1)]),
                  OpSample([[3, 2], []], constantInputs: [1], fixed: [1: Tensor(0.5)]),
                  OpSample([[3, 2], []], attrs: Attrs(["min": .bool(false), "max": .bool(true)]), constantInputs: [1], fixed: [1: Tensor(-0.5)]),
                  OpSample([[3, 2], [2], [3, 1]]),
                  OpSample([[3, 2], [2, 1, 2]], attrs: Attrs(["min": .bool(false), "max": .bool(true)]))],
        forward: { args in
            let (x, lo, hi) = try clampInputs(args.inputs, args.attrs)
            // NaN anywhere stays NaN; min > max gives max, as in PyTorch.
            var out = x
            if let lo { out = try Tensor.zip(out, lo) { a, b in a.isNaN || b.isNaN ? .nan : Swift.max(a, b) } }
            if let hi { out = try Tensor.zip(out, hi) { a, b in a.isNaN || b.isNaN ? .nan : Swift.min(a, b) } }
            return out
        },
        derivative: .vjp { ctx, g in
            let (x, lo, hi) = try clampInputs(ctx.inputs.map(\.value), ctx.attrs)
            let shape = try [lo?.shape, hi?.shape].compactMap { $0 }.reduce(x.shape) { a, b in
                guard let s = Tensor.broadcastShape(a, b) else { throw OpError.shape("clamp: bounds do not broadcast") }
                return s
            }
            // PyTorch's masks (clamp_backward_min_max), as constant 0/1 tensors.
            func mask(_ pass: (Double, Double, Double) -> Bool) throws -> Variable {
                let xs = try x.expanded(to: shape), los = try lo?.expanded(to: shape), his = try hi?.expanded(to: shape)
                return Variable(Tensor(shape: shape, data: (0..<xs.count).map { i in
                    pass(xs.data[i], los?.data[i] ?? -.infinity, his?.data[i] ?? .infinity) ? 1 : 0
                }))
            }
            var grads: [Variable?] = [try g * mask { v, l, h in v >= l && v <= h }]
            // `l < h` only with a max: without one, a min of +inf still gets the gradient.
            if lo != nil { grads.append(try g * mask { v, l, h in v < l && (hi == nil || l < h) }) }
            if hi != nil { grads.append(try g * mask { v, l, h in v > h || h < l }) }
            return grads
        })

    /// The input and bounds of a clamp, checked: at least one bound must be given.
    static func clampInputs(_ values: [Tensor], _ attrs: Attrs) throws -> (Tensor, Tensor?, Tensor?) {
        let hasMin = attrs.bool("min"), hasMax = attrs.bool("max")
        guard hasMin || hasMax else { throw OpError.value("torch.clamp: At least one of 'min' or 'max' must not be None") }
        return (values[0], hasMin ? values[1] : nil, hasMax ? values[hasMin ? 2 : 1] : nil)
    }
}

extension Variable {
    /// The angle of the point `(x: other, y: self)`, elementwise, like `torch.atan2(self, other)`.
    public func atan2(_ other: Variable) throws -> Variable { try apply(Ops.atan2, [self, other]) }

    /// The larger of `self` and `other` elementwise; a tie splits the gradient evenly.
    public func maximum(_ other: Variable) throws -> Variable { try apply(Ops.maximum, [self, other]) }

    /// The smaller of `self` and `other` elementwise; a tie splits the gradient evenly.
    public func minimum(_ other: Variable) throws -> Variable { try apply(Ops.minimum, [self, other]) }

    /// Each element limited to `[min, max]`; at least one bound must be given. The bounds are
    /// numbers, as Python's are (`ClampBackward1`).
    public func clamp(min: Double? = nil, max: Double? = nil) throws -> Variable {
        try clamp(min: min.map { Variable(wrappedNumber: $0, dtype: .float64) }, max: max.map { Variable(wrappedNumber: $0, dtype: .float64) })
    }

    /// Each element limited to `[min, max]`, bounds that broadcast with `self`; a bound
    /// that requires grad gets the gradient where it is the value chosen.
    @_disfavoredOverload  // `clamp(min: 0)` with literals keeps meaning the numeric version
    public func clamp(min: Variable?, max: Variable?) throws -> Variable {
        try apply(Ops.clamp, [self, min, max])
    }
}
