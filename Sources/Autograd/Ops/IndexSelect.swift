// Indexing with index tensors: `index_select`, `index_add`, `gather`, `scatter_add`, and the
// advanced indexing of `x[idx]` and `x[mask]` (PyTorch's `IndexBackward0`). Each VJP is
// written with its partner op, so every order of derivative is available.

extension Tensor {
    /// The sizes before `dim`, at `dim` and after it: `(outer, size, inner)`.
    func lanes(_ dim: Int) -> (outer: Int, size: Int, inner: Int) {
        (shape[..<dim].reduce(1, *), shape[dim], shape[(dim + 1)...].reduce(1, *))
    }

    /// The sub-tensors at `positions` along `dim`, in that order (`dim` gets their count).
    /// Throws a limit error when the result is beyond the element limit or the memory budget
    /// (an index tensor's count multiplies the result's size).
    func taking(dim: Int, positions: [Int]) throws -> Tensor {
        var outShape = shape
        outShape[dim] = positions.count
        let count = try Tensor.checkedCount(of: outShape)
        let (outer, size, inner) = lanes(dim)
        var out = [Double]()
        out.reserveCapacity(count)
        for o in 0..<outer {
            for p in positions {
                let base = (o * size + p) * inner
                out.append(contentsOf: data[base..<(base + inner)])
            }
        }
        return Tensor(shape: outShape, data: out, dtype: dtype)
    }

    /// This tensor with `source`'s sub-tensors along `dim` added at `positions` (repeats
    /// accumulate in order, a float32 source rounded after each add as PyTorch's kernel rounds).
    func adding(_ source: Tensor, dim: Int, positions: [Int], alpha: Double = 1) -> Tensor {
        var out = self
        let (outer, size, inner) = lanes(dim)
        let float32 = source.dtype == .float32
        for o in 0..<outer {
            for (j, p) in positions.enumerated() {
                let dst = (o * size + p) * inner, src = (o * positions.count + j) * inner
                for i in 0..<inner {
                    let sum = out.data[dst + i] + alpha * source.data[src + i]
                    out.data[dst + i] = float32 ? Double(Float(sum)) : sum
                }
            }
        }
        return out
    }
}

extension Ops {
    static let indexSelectOps: [OpSpec] = [indexSelect, indexAdd, gather, takeAlongDim, scatterAdd]

    /// `take_along_dim(input, indices, dim=None)`: `gather` with the index second, input and
    /// indices broadcast against each other apart from `dim` (a negative index counts from the
    /// end); both flattened without dim, where a negative index is out of bounds.
    public static let takeAlongDim: OpSpec = OpSpec(
        "take_along_dim", params: [input, Param("indices", .tensor), Param("dim", .int, default: AttrValue.none)],
        gradFn: "GatherBackward0", summary: "gather(input, dim, indices), broadcast apart from dim; both flattened when dim is absent",
        samples: [OpSample([[3, 2], [2, 2]], attrs: ["dim": .int(0)], constantInputs: [1],
                           fixed: [1: Tensor(shape: [2, 2], data: [2, 0, 0, 0], dtype: .int64)]),
                  OpSample([[2, 3], [1, 2]], attrs: ["dim": .int(1)], constantInputs: [1],
                           fixed: [1: Tensor(shape: [1, 2], data: [-1, 0], dtype: .int64)])],
        dtype: .ofFirstInput,  // as gather
        forward: { args in
            try refuseBoolIndex(args[1], "take_along_dim", args.attrs)
            let (x, index) = try alongDim(args[0], args[1], args.attrs)
            return try gather.forward(ForwardArgs(variables: [Variable(x), Variable(index)], attrs: ["dim": .int(args.attrs.optionalInt("dim") ?? 0)], spec: gather))
        },
        derivative: .vjp { ctx, g in
            // Into zeros of the broadcast input (the engine sums them onto the input's shape).
            let (x, index) = try alongDim(ctx[0].value, ctx[1].value, ctx.attrs)
            let zeros = Ops.filled(x.shape, with: 0, dtype: g.dtype)
            let spread = try apply(scatterAdd, [zeros, Variable(index), g.reshape(index.shape)], ["dim": .int(ctx.attrs.optionalInt("dim") ?? 0)])
            return [ctx.attrs.optionalInt("dim") == nil ? try spread.reshape(ctx[0].shape) : spread, nil]
        })

    /// take_along_dim's input and index as gather takes them: flattened without dim; with dim,
    /// broadcast apart from dim, and the index's negative positions counted from the end.
    static func alongDim(_ x: Tensor, _ index: Tensor, _ attrs: Attrs) throws -> (Tensor, Tensor) {
        guard let given = attrs.optionalInt("dim") else { return (x.reshaped([x.count]), index.reshaped([index.count])) }
        let dim = try normalize(dim: given, rank: x.rank)
        guard index.rank == x.rank else {
            throw OpError.value("torch.take_along_dim(): input and indices should have the same number of dimensions, but got \(x.rank) dimensions for input, and \(index.rank) dimensions for indices")
        }
        guard x.rank > 0 else { return (x, index) }
        var xShape = x.shape, indexShape = index.shape
        xShape[dim] = 1
        indexShape[dim] = 1
        let common = try Tensor.broadcastShapeOrThrow(xShape, indexShape)
        xShape = common
        xShape[dim] = x.shape[dim]
        indexShape = common
        indexShape[dim] = index.shape[dim]
        let size = x.shape[dim]
        var wrapped = try index.expanded(to: indexShape)
        let at = try positions(wrapped, size: size, dim: dim)
        wrapped = Tensor(shape: indexShape, data: at.map(Double.init), dtype: .int64)
        return (try x.expanded(to: xShape), wrapped)
    }

    /// Integer positions from an index tensor, each checked against `size`; a negative one
    /// counts from the end where `wrapsNegative` (`x[idx]`), and is out of range for the ops
    /// (`gather`, `index_select`...). `outOfRange` is the op's own message for a position
    /// outside, if it has one.
    static func positions(_ index: Tensor, size: Int, dim: Int, wrapsNegative: Bool = true,
                          outOfRange: ((Double) -> String)? = nil) throws -> [Int] {
        let lowest = wrapsNegative ? -Double(size) : 0
        return try index.data.map { value in
            guard value.isFinite, value == value.rounded() else {
                throw OpError.value("tensors used as indices must be long, int, byte or bool tensors")
            }
            // Compared as a double first: 1e300 is out of bounds, not beyond Int.
            guard value >= lowest && value < Double(size) else {
                if let outOfRange { throw OpError.value(outOfRange(value)) }
                let shown = Swift.abs(value) < 0x1p63 ? String(Int(value)) : String(value)
                throw OpError.value("index \(shown) is out of bounds for dimension \(dim) with size \(size)")
            }
            let i = Int(value)
            return i < 0 ? i + size : i
        }
    }

    static let indexParam = Param("index", .tensor)
    /// What index_select (along dim 0) and index_add (of a 1-D input) say of a position outside
    /// the input (an IndexError in Python).
    static let outOfRangeInSelf: (Double) -> String = { _ in "index out of range in self" }

    /// The rule of the ops that add a source into a copy of their input (`index_add`,
    /// `scatter_add`): the input's dtype, with PyTorch's `refusal` (input's dtype, source's) for
    /// a source of another dtype. The index is read uncast.
    static func sameDType(asInput source: Int, _ refusal: @escaping (DType, DType) -> String) -> DTypeRule {
        .custom { inputs, _ in
            let dtype = inputs[0].dtype, other = inputs[source].dtype
            guard other == dtype else { throw OpError.value(refusal(dtype, other)) }
            return dtype
        }
    }

    /// `index_select(input, dim, index)`: the sub-tensors at the positions of a 1-D `index`.
    public static let indexSelect: OpSpec = OpSpec(
        "index_select", params: [input, Param("dim", .int), indexParam], gradFn: "IndexSelectBackward0",
        summary: "the entries at the positions of a 1-D index along dim",
        kinks: "gradients of repeated positions add up",
        samples: [OpSample([[3, 2], [3]], attrs: ["dim": .int(0)], constantInputs: [1], fixed: [1: Tensor(shape: [3], data: [2, 0, 2], dtype: .int64)])],
        dtype: .ofFirstInput,  // picked entries keep their dtype; the index is read uncast
        forward: { args in
            let x = args[0], index = args[1]
            try refuseBoolIndex(index, "index_select")
            let dim = try normalize(dim: args.attrs.int("dim"), rank: x.rank)
            guard index.rank <= 1 else { throw OpError.value("index_select(): Index is supposed to be a vector") }
            // A 0-d input has one entry, at position 0.
            let size = x.rank == 0 ? 1 : x.shape[dim]
            let outOfRange = dim == 0 ? outOfRangeInSelf : { "INDICES element is out of DATA bounds, id=\(Int(exactly: $0).map(String.init) ?? String($0)) axis_dim=\(size)" }
            let picked = try positions(index, size: size, dim: dim, wrapsNegative: false, outOfRange: outOfRange)
            guard x.rank > 0 else { return x }
            return try x.taking(dim: dim, positions: picked)
        },
        derivative: .vjp { ctx, g in
            let zeros = Ops.filled(ctx[0].shape, with: 0, dtype: g.dtype)
            return [try apply(indexAdd, [zeros, ctx[1], g], ["dim": ctx.attrs["dim"]]), nil]
        })

    /// `index_add(input, dim, index, source, alpha=1)`: `input` with `alpha * source` added at `index` along `dim`.
    public static let indexAdd: OpSpec = OpSpec(
        "index_add", params: [input, Param("dim", .int), indexParam, Param("source", .tensor),
                              Param("alpha", .double, default: .double(1))],
        gradFn: "IndexAddBackward0", summary: "input with alpha * source added at the positions of index along dim",
        samples: [OpSample([[3, 2], [4], [4, 2]], attrs: ["dim": .int(0), "alpha": .double(1.5)], constantInputs: [1],
                           fixed: [1: Tensor(shape: [4], data: [2, 0, 2, 1], dtype: .int64)])],
        dtype: sameDType(asInput: 2) { "index_add_(): self (\($0.pytorchTypeName)) and source (\($1.pytorchTypeName)) must have the same scalar type" },
        forward: { args in
            let x = args[0], index = args[1], source = args[2]
            try refuseBoolIndex(index, "index_add")
            let dim = try normalize(dim: args.attrs.int("dim"), rank: x.rank)
            guard x.rank > 0 else {
                // A 0-d input is one entry at position 0; its source is 0-d too.
                guard source.rank == 0 else {
                    throw OpError.shape("source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = [] source.shape = \(describe(shape: source.shape))")
                }
                let at = try positions(index, size: 1, dim: 0, wrapsNegative: false, outOfRange: outOfRangeInSelf)
                guard at.count == 1 else { throw OpError.value("index_add_(): Number of indices (\(at.count)) should be equal to source.size(dim) (1)") }
                return x.reshaped([1]).adding(source.reshaped([1]), dim: 0, positions: at, alpha: try args.attrs.double("alpha")).reshaped([])
            }
            var expected = x.shape
            expected[dim] = index.count
            guard source.shape == expected, index.rank <= 1 else {
                throw OpError.shape("index_add_(): source of shape \(describe(shape: source.shape)) does not match input \(describe(shape: x.shape)) with \(index.count) indices along dim \(dim)")
            }
            // A 1-D input's message is index_select's; others name the position (as gather does).
            let at = try positions(index, size: x.shape[dim], dim: dim, wrapsNegative: false, outOfRange: x.rank == 1 ? outOfRangeInSelf : nil)
            return x.adding(source, dim: dim, positions: at, alpha: try args.attrs.double("alpha"))
        },
        derivative: .vjp { ctx, g in
            let alpha = try ctx.attrs.double("alpha")
            let picked = try apply(indexSelect, [g, ctx[1]], ["dim": ctx.attrs["dim"]])
            return [g, nil, alpha == 1 ? picked : try picked * Variable(alpha)]
        })

    /// The flat offsets `gather`/`scatter_add` visit: for each element of `index`, where it reads in a tensor of `shape`.
    static func gatherOffsets(_ shape: [Int], dim: Int, index: Tensor, wrapsNegative: Bool = false) throws -> [Int] {
        guard index.rank == shape.count else {
            throw OpError.value("Index tensor must have the same number of dimensions as input tensor")
        }
        for d in 0..<shape.count where d != dim && index.shape[d] > shape[d] {
            throw OpError.value("Size does not match at dimension \(d) expected index \(describe(shape: index.shape)) to be no larger than self \(describe(shape: shape)) apart from dimension \(dim)")
        }
        let strides = Tensor.strides(of: shape)
        return try (0..<index.count).map { offset in
            var position = Tensor.index(ofOffset: offset, in: index.shape)
            // A 0-d input gathers from its one element, as PyTorch's does.
            let i = try positions(Tensor(index.data[offset]), size: shape.isEmpty ? 1 : shape[dim], dim: dim, wrapsNegative: wrapsNegative)[0]
            if shape.isEmpty { return 0 }
            position[dim] = i
            return zip(position, strides).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// `gather(input, dim, index)`: `out[i][j] = input[index[i][j]][j]` for dim 0, and so on.
    public static let gather: OpSpec = OpSpec(
        "gather", params: [input, Param("dim", .int), indexParam], gradFn: "GatherBackward0",
        summary: "entries of input picked along dim by index (same rank as input)",
        kinks: "gradients of repeated positions add up",
        samples: [OpSample([[3, 2], [2, 2]], attrs: ["dim": .int(0)], constantInputs: [1],
                           fixed: [1: Tensor(shape: [2, 2], data: [2, 0, 0, 0], dtype: .int64)])],
        dtype: .ofFirstInput,
        forward: { args in
            let x = args[0], index = args[1]
            try refuseBoolIndex(index, "gather")
            let dim = try normalize(dim: args.attrs.int("dim"), rank: x.rank)
            let offsets = try gatherOffsets(x.shape, dim: dim, index: index)
            return Tensor(shape: index.shape, data: offsets.map { x.data[$0] }, dtype: x.dtype)
        },
        derivative: .vjp { ctx, g in
            let zeros = Ops.filled(ctx[0].shape, with: 0, dtype: g.dtype)
            return [try apply(scatterAdd, [zeros, ctx[1], g], ["dim": ctx.attrs["dim"]]), nil]
        })

    /// `scatter_add(input, dim, index, src)`: `input` with `src[i][j]` added at `[index[i][j]][j]` (dim 0).
    public static let scatterAdd: OpSpec = OpSpec(
        "scatter_add", params: [input, Param("dim", .int), indexParam, Param("src", .tensor)], gradFn: "ScatterAddBackward0",
        summary: "input with src added at the positions index names along dim",
        samples: [OpSample([[3, 2], [2, 2], [2, 2]], attrs: ["dim": .int(0)], constantInputs: [1],
                           fixed: [1: Tensor(shape: [2, 2], data: [2, 0, 2, 1], dtype: .int64)])],
        dtype: sameDType(asInput: 2) { _, _ in "scatter(): Expected self.dtype to be equal to src.dtype" },
        forward: { args in
            let x = args[0], index = args[1], src = args[2]
            try refuseBoolIndex(index, "scatter_add")
            let dim = try normalize(dim: args.attrs.int("dim"), rank: x.rank)
            guard src.rank == index.rank, zip(index.shape, src.shape).allSatisfy({ $0 <= $1 }) else {
                throw OpError.value("scatter_add(): expected index \(describe(shape: index.shape)) to be no larger than src \(describe(shape: src.shape))")
            }
            let offsets = try gatherOffsets(x.shape, dim: dim, index: index)
            var out = x
            let srcStrides = Tensor.strides(of: src.shape)
            let float32 = src.dtype == .float32  // rounded after each add, as PyTorch's kernel rounds
            for (k, offset) in offsets.enumerated() {
                let position = Tensor.index(ofOffset: k, in: index.shape)
                let sum = out.data[offset] + src.data[zip(position, srcStrides).reduce(0) { $0 + $1.0 * $1.1 }]
                out.data[offset] = float32 ? Double(Float(sum)) : sum
            }
            return out
        },
        derivative: .vjp { ctx, g in
            [g, nil, try apply(gather, [g, ctx[1]], ["dim": ctx.attrs["dim"]])]
        })

    /// Where `x[index]` along `dim` reads: the shape `x` is viewed in (a mask's dimensions
    /// flattened into one), the positions along `dim` in it, and the result's shape.
    static func advancedIndex(_ shape: [Int], _ index: Tensor, dim: Int) throws -> (view: [Int], positions: [Int], result: [Int]) {
        let after = shape.count - dim
        if index.dtype == .bool {
            let k = index.rank
            guard k <= after else {
                throw OpError.value("too many indices for tensor of dimension \(shape.count)")
            }
            for j in 0..<k where index.shape[j] != shape[dim + j] {
                throw OpError.value("The shape of the mask \(describe(shape: index.shape)) at index \(j) does not match the shape of the indexed tensor \(describe(shape: shape)) at index \(dim + j)")
            }
            let view = Array(shape[..<dim]) + [index.count] + Array(shape[(dim + k)...])
            let positions = index.data.indices.filter { index.data[$0] != 0 }
            return (view, positions, Array(shape[..<dim]) + [positions.count] + Array(shape[(dim + k)...]))
        }
        guard after >= 1 else { throw OpError.value("too many indices for tensor of dimension \(shape.count)") }
        let positions = try positions(index, size: shape[dim], dim: dim)
        return (shape, positions, Array(shape[..<dim]) + index.shape + Array(shape[(dim + 1)...]))
    }

    /// `x[index]` at dimension `dim`: an integer index tensor (its shape replaces `dim`) or a
    /// boolean mask over the dimensions from `dim` (they become one, of the count of true
    /// entries). The language's advanced indexing; not in the registry.
    public static let index: OpSpec = OpSpec(
        "index", params: [input, indexParam, Param("dim", .int, default: .int(0))], gradFn: "IndexBackward0",
        summary: "x[index] with an integer or boolean index tensor",
        dtype: .ofFirstInput,  // the index is read uncast: a mask cast to float32 would read as positions
        forward: { args in
            let x = args[0]
            let (view, positions, result) = try advancedIndex(x.shape, args[1], dim: try args.attrs.int("dim"))
            _ = try Tensor.checkedCount(of: result, reserving: false)  // names the result's shape, not the view's
            return try x.reshaped(view).taking(dim: try args.attrs.int("dim"), positions: positions).reshaped(result)
        },
        derivative: .vjp { ctx, g in
            var attrs = ctx.attrs
            attrs["input_sizes"] = .ints(ctx[0].shape)
            return [try apply(indexBackward, [g, ctx[1]], attrs), nil]
        })

    /// The gradient of `index`: `grad` added into zeros of `input_sizes` at the indexed places.
    static let indexBackward: OpSpec = OpSpec(
        "index_backward", params: [Param("grad", .tensor), indexParam, Param("dim", .int), Param("input_sizes", .ints)],
        gradFn: "IndexPutBackward0", summary: "the gradient of index",
        dtype: .ofFirstInput,
        forward: { args in
            let target = args.attrs.optionalInts("input_sizes") ?? []
            let dim = try args.attrs.int("dim")
            let (view, positions, _) = try advancedIndex(target, args[1], dim: dim)
            var taken = view
            taken[dim] = positions.count
            return Tensor.zeros(view).adding(args[0].reshaped(taken), dim: dim, positions: positions).reshaped(target)
        },
        derivative: .vjp { ctx, g in [try apply(index, [g, ctx[1]], ["dim": ctx.attrs["dim"]]), nil] })
}
