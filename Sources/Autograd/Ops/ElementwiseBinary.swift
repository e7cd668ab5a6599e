import Glibc

// Elementwise functions of two tensors (with broadcasting) and clamp. Where the function
// has a corner, the gradient is split by constant 0 / 0.5 / 1 masks, as PyTorch splits it.

extension Ops {
    static let elementwiseBinary: [OpSpec] = [atan2, maximum, minimum, clamp]

    /// `atan2(input, other)`: the angle of the point (other, input), in (-pi, pi].
    public static let atan2 = binary("atan2", aliases: ["arctan2"], gradFn: "Atan2Backward0",
                                     summary: "angle of the point (x=other, y=input), in (-pi, pi]",
                                     kinks: "the gradient is 0 at the origin (PyTorch's convention); the value jumps across other < 0, input = 0",
                                     range: 0.5...2, Glibc.atan2) { ctx, g in
        let y = ctx[0], x = ctx[1]
        let r2 = try x * x + y * y
        // 1 / r^2, taken as 0 at the origin where it is infinite, as PyTorch masks it.
        let recip = try Variable.where(r2 == 0, 0, 1 / r2)
        return [try g * x * recip, try -g * y * recip]
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

    /// `clamp(input, min=None, max=None)`: input limited to [min, max].
    public static let clamp = OpSpec(
        "clamp", aliases: ["clip"],
        params: [input, Param("min", .double, default: AttrValue.none), Param("max", .double, default: AttrValue.none)],
        gradFn: "ClampBackward1",
        summary: "input limited to [min, max] (either bound may be omitted)",
        kinks: "the gradient is 1 at a bound (min <= input <= max passes it), 0 outside",
        samples: [OpSample([[3, 2]], attrs: Attrs(["min": .double(-1), "max": .double(1)])),
                  OpSample([[3, 2]], attrs: Attrs(["min": .double(0.5)])),
                  OpSample([[3, 2]], attrs: Attrs(["max": .double(-0.5)]))],
        forward: { args in
            let (lo, hi) = try clampBounds(args.attrs)
            // A NaN input stays NaN; min > max gives max everywhere, as in PyTorch.
            return args[0].map { x in x.isNaN ? x : Swift.min(Swift.max(x, lo), hi) }
        },
        derivative: .vjp { ctx, g in
            let (lo, hi) = try clampBounds(ctx.attrs)
            return [try g * mask(ctx[0]) { $0 >= lo && $0 <= hi }]
        })

    /// The bounds of a clamp, missing ones as infinities; at least one must be given.
    static func clampBounds(_ attrs: Attrs) throws -> (Double, Double) {
        let lo = attrs.optionalDouble("min"), hi = attrs.optionalDouble("max")
        guard lo != nil || hi != nil else { throw OpError.value("torch.clamp: At least one of 'min' or 'max' must not be None") }
        return (lo ?? -.infinity, hi ?? .infinity)
    }
}

extension Variable {
    /// The angle of the point `(x: other, y: self)`, elementwise, like `torch.atan2(self, other)`.
    public func atan2(_ other: Variable) throws -> Variable { try apply(Ops.atan2, [self, other]) }

    /// The larger of `self` and `other` elementwise; a tie splits the gradient evenly.
    public func maximum(_ other: Variable) throws -> Variable { try apply(Ops.maximum, [self, other]) }

    /// The smaller of `self` and `other` elementwise; a tie splits the gradient evenly.
    public func minimum(_ other: Variable) throws -> Variable { try apply(Ops.minimum, [self, other]) }

    /// Each element limited to `[min, max]`; at least one bound must be given.
    public func clamp(min: Double? = nil, max: Double? = nil) throws -> Variable {
        try apply(Ops.clamp, [self], Attrs(["min": min.map(AttrValue.double) ?? .none,
                                             "max": max.map(AttrValue.double) ?? .none]))
    }
}
