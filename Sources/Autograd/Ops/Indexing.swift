// Indexing: `select` (x[i] along a dimension) and `slice` (x[a:b:s]). The parser lowers
// `x[1, -1]`, `x[:, 0]` and `x[1:3]` to chains of these. Their VJPs scatter the gradient
// into zeros with hidden ops whose own VJPs are select and slice again.

extension Tensor {
    /// Elements `start, start + step, ...` (`count` of them) along `dim`; `dim` keeps its place.
    func strided(dim: Int, start: Int, step: Int, count: Int) -> Tensor {
        var outShape = shape
        outShape[dim] = count
        let inner = shape[(dim + 1)...].reduce(1, *), outer = shape[..<dim].reduce(1, *)
        var out = [Double]()
        out.reserveCapacity(Tensor.count(of: outShape))
        for o in 0..<outer {
            for j in 0..<count {
                let base = (o * shape[dim] + start + j * step) * inner
                out.append(contentsOf: data[base..<(base + inner)])
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// Zeros of `target` shape with this tensor written at `start, start + step, ...` along `dim`:
    /// the inverse of `strided`.
    func scattered(into target: [Int], dim: Int, start: Int, step: Int) -> Tensor {
        var out = [Double](repeating: 0, count: Tensor.count(of: target))
        let inner = target[(dim + 1)...].reduce(1, *), outer = target[..<dim].reduce(1, *)
        let count = shape[dim]
        for o in 0..<outer {
            for j in 0..<count {
                let dst = (o * target[dim] + start + j * step) * inner, src = (o * count + j) * inner
                for i in 0..<inner { out[dst + i] = data[src + i] }
            }
        }
        return Tensor(shape: target, data: out)
    }
}

extension Ops {
    static let indexing: [OpSpec] = [select, slice]

    /// `select(input, dim, index)`: the sub-tensor at `index` along `dim`, which is removed.
    /// A negative index counts from the end.
    public static let select: OpSpec = OpSpec(
        "select", params: [input, Param("dim", .int), Param("index", .int)], gradFn: "SelectBackward0",
        summary: "the slice at index along dim, with dim removed (x[i])",
        samples: [OpSample([[3, 2]], attrs: Attrs(["dim": .int(0), "index": .int(-1)])),
                  OpSample([[2, 3, 2]], attrs: Attrs(["dim": .int(1), "index": .int(1)]))],
        forward: { args in
            let x = args[0]
            let (dim, index) = try selectPosition(x.shape, args.attrs)
            var shape = x.shape
            shape.remove(at: dim)
            return x.strided(dim: dim, start: index, step: 1, count: 1).reshaped(shape)
        },
        derivative: .vjp { ctx, g in
            var attrs = ctx.attrs
            attrs["input_sizes"] = .ints(ctx[0].shape)
            return [try apply(selectBackward, [g], attrs)]
        })

    /// The normalised `(dim, index)` of a `select`, with PyTorch's errors.
    static func selectPosition(_ shape: [Int], _ attrs: Attrs) throws -> (Int, Int) {
        guard !shape.isEmpty else {
            throw OpError.value("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        }
        let dim = try normalize(dim: attrs.int("dim"), rank: shape.count)
        let index = try attrs.int("index")
        guard index >= -shape[dim] && index < shape[dim] else {
            throw OpError.value("index \(index) is out of bounds for dimension \(dim) with size \(shape[dim])")
        }
        return (dim, index < 0 ? index + shape[dim] : index)
    }

    /// The gradient of `select`: `grad` placed into zeros of `input_sizes`. Not in the registry.
    static let selectBackward: OpSpec = OpSpec(
        "select_backward", params: [Param("grad", .tensor), Param("input_sizes", .ints), Param("dim", .int), Param("index", .int)],
        gradFn: "SelectBackwardBackward0", summary: "the gradient of select",
        forward: { args in
            let target = args.attrs.optionalInts("input_sizes") ?? []
            let (dim, index) = try selectPosition(target, args.attrs)
            var kept = target
            kept[dim] = 1
            return args[0].reshaped(kept).scattered(into: target, dim: dim, start: index, step: 1)
        },
        derivative: .vjp { ctx, g in [try g.select(dim: ctx.attrs.int("dim"), index: ctx.attrs.int("index"))] })

    /// `slice(input, dim=0, start=None, end=None, step=1)`: `input[start:end:step]` along
    /// `dim`, with Python's rules (negative bounds count from the end; bounds are clamped).
    public static let slice: OpSpec = OpSpec(
        "slice", params: [input, Param("dim", .int, default: .int(0)), Param("start", .int, default: AttrValue.none),
                          Param("end", .int, default: AttrValue.none), Param("step", .int, default: .int(1))],
        gradFn: "SliceBackward0",
        summary: "elements start:end:step along dim (x[a:b])",
        samples: [OpSample([[4, 2]], attrs: Attrs(["start": .int(1), "end": .int(3)])),
                  OpSample([[2, 5]], attrs: Attrs(["dim": .int(1), "start": .int(-4), "step": .int(2)]))],
        forward: { args in
            let x = args[0]
            let (dim, start, step, count) = try slicePosition(x.shape, args.attrs)
            return x.strided(dim: dim, start: start, step: step, count: count)
        },
        derivative: .vjp { ctx, g in
            var attrs = ctx.attrs
            attrs["input_sizes"] = .ints(ctx[0].shape)
            return [try apply(sliceBackward, [g], attrs)]
        })

    /// The normalised `(dim, start, step, count)` of a `slice`.
    static func slicePosition(_ shape: [Int], _ attrs: Attrs) throws -> (Int, Int, Int, Int) {
        guard !shape.isEmpty else { throw OpError.value("slice() cannot be applied to a 0-dim tensor.") }
        let dim = try normalize(dim: attrs.int("dim"), rank: shape.count)
        let step = attrs.optionalInt("step") ?? 1
        guard step > 0 else { throw OpError.value("step must be greater than zero") }
        let size = shape[dim]
        func clamp(_ bound: Int?, _ fallback: Int) -> Int {
            guard var b = bound else { return fallback }
            if b < 0 { b += size }
            return Swift.min(Swift.max(b, 0), size)
        }
        let start = clamp(attrs.optionalInt("start"), 0), end = clamp(attrs.optionalInt("end"), size)
        // PyTorch's rounded-up length, in its 64-bit arithmetic: a step near 2^63 wraps it
        // negative, and the slice is empty.
        let span = (end - start) &+ (step - 1)
        return (dim, start, step, end > start && span > 0 ? span / step : 0)
    }

    /// The gradient of `slice`: `grad` placed into zeros of `input_sizes`. Not in the registry.
    static let sliceBackward: OpSpec = OpSpec(
        "slice_backward", params: [Param("grad", .tensor), Param("input_sizes", .ints), Param("dim", .int),
                                   Param("start", .int), Param("end", .int), Param("step", .int)],
        gradFn: "SliceBackwardBackward0", summary: "the gradient of slice",
        forward: { args in
            let target = args.attrs.optionalInts("input_sizes") ?? []
            let (dim, start, step, _) = try slicePosition(target, args.attrs)
            return args[0].scattered(into: target, dim: dim, start: start, step: step)
        },
        derivative: .vjp { ctx, g in [try apply(slice, [g], ctx.attrs)] })
}

extension Variable {
    /// The sub-tensor at `index` along `dim` (negative counts from the end), `dim` removed: `x[i]`.
    public func select(dim: Int, index: Int) throws -> Variable {
        try apply(Ops.select, [self], Attrs(["dim": .int(dim), "index": .int(index)]))
    }

    /// Elements `start..<end` by `step` along `dim`, with Python's slice rules: `x[start:end:step]`.
    public func slice(dim: Int = 0, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Variable {
        try apply(Ops.slice, [self], Attrs(["dim": .int(dim), "start": start.map(AttrValue.int) ?? .none,
                                            "end": end.map(AttrValue.int) ?? .none, "step": .int(step)]))
    }
}
