// flatten, squeeze, unsqueeze, permute, cat and stack. The first three only relabel the
// shape (their VJP is a reshape back); permute moves elements; cat and stack join a list.

extension Tensor {
    /// The tensor with its dimensions reordered: dimension `i` of the result is
    /// dimension `order[i]` of this one.
    func permuted(_ order: [Int]) -> Tensor {
        if order == Array(0..<rank) { return self }
        let own = Tensor.strides(of: shape)
        return gathered(shape: order.map { shape[$0] }, strides: order.map { own[$0] }, count: count)
    }
}

extension Ops {
    /// The order that undoes the permutation `order`.
    static func inversePermutation(_ order: [Int]) -> [Int] {
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, d) in order.enumerated() { inverse[d] = i }
        return inverse
    }

    /// An op that only changes the shape; `newShape` computes it, and the VJP reshapes back.
    static func relabel(_ name: String, params: [Param], gradFn: String,
                        gradFnForInputs: (([Variable], Attrs) -> String)? = nil, summary: String, samples: @autoclosure @escaping () -> [OpSample],
                        _ newShape: @escaping ([Int], Attrs) throws -> [Int]) -> OpSpec {
        OpSpec(name, params: [input] + params, gradFn: gradFn, gradFnForInputs: gradFnForInputs, summary: summary,
               samples: samples(),
               forward: { args in args[0].reshaped(try newShape(args[0].shape, args.attrs)) },
               derivative: .vjp { ctx, g in [try g.reshape(ctx[0].shape)] })
    }

    /// `flatten(input, start_dim=0, end_dim=-1)`: merges dimensions start_dim...end_dim.
    public static let flatten = relabel(
        "flatten", params: [Param("start_dim", .int, default: .int(0)), Param("end_dim", .int, default: .int(-1))],
        gradFn: "ViewBackward0", summary: "merge dimensions start_dim..end_dim into one",
        samples: [OpSample([[2, 3, 2]]), OpSample([[2, 3, 2]], attrs: Attrs(["start_dim": .int(1)]))]) { shape, attrs in
        if shape.isEmpty { return [1] }
        let start = try normalize(dim: attrs.int("start_dim"), rank: shape.count)
        let end = try normalize(dim: attrs.int("end_dim"), rank: shape.count)
        guard start <= end else { throw OpError.value("flatten() has invalid args: start_dim cannot come after end_dim") }
        return Array(shape[..<start]) + [shape[start...end].reduce(1, *)] + Array(shape[(end + 1)...])
    }

    /// `squeeze(input, dim=None)`: removes dimensions of size 1 (only those in `dim` when given).
    public static let squeeze = relabel(
        "squeeze", params: [Param("dim", .ints, default: AttrValue.none)], gradFn: "SqueezeBackward0",
        gradFnForInputs: { _, attrs in
            switch attrs["dim"] {
            case .none: return "SqueezeBackward0"
            case .ints: return "SqueezeBackward2"
            default: return "SqueezeBackward1"
            }
        },
        summary: "remove dimensions of size 1 (only those in dim when given)",
        samples: [OpSample([[3, 1, 2]]), OpSample([[1, 3, 1]], attrs: Attrs(["dim": .int(-1)]))]) { shape, attrs in
        guard let dims = attrs.optionalInts("dim") else { return shape.filter { $0 != 1 } }
        let drop = Set(try dims.map { try normalize(dim: $0, rank: shape.count) })
        return shape.enumerated().filter { !(drop.contains($0.offset) && $0.element == 1) }.map(\.element)
    }

    /// `unsqueeze(input, dim)`: inserts a dimension of size 1 at `dim` (-1 appends).
    public static let unsqueeze = relabel(
        "unsqueeze", params: [Param("dim", .int)], gradFn: "UnsqueezeBackward0",
        summary: "insert a dimension of size 1 at dim",
        samples: [OpSample([[3, 2]], attrs: Attrs(["dim": .int(1)]))]) { shape, attrs in
        var out = shape
        out.insert(1, at: try normalize(dim: attrs.int("dim"), rank: shape.count + 1))
        return out
    }

    /// `permute(input, dims)`: reorders the dimensions.
    public static let permute = OpSpec(
        "permute", params: [input, Param("dims", .ints)], gradFn: "PermuteBackward0",
        summary: "reorder the dimensions (dims lists every dimension once)",
        samples: [OpSample([[2, 3, 4]], attrs: Attrs(["dims": .ints([2, 0, 1])])),
                  OpSample([[2, 3]], attrs: Attrs(["dims": .ints([-1, 0])])),
                  OpSample([[3]], attrs: Attrs(["dims": .ints([0])])),
                  OpSample([[]], attrs: Attrs(["dims": .ints([])]))],
        forward: { args in
            let x = args[0]
            return x.permuted(try permutation(args.attrs, rank: x.rank))
        },
        derivative: .vjp { ctx, g in
            [try g.permute(inversePermutation(permutation(ctx.attrs, rank: ctx[0].shape.count)))]
        })

    /// The `dims` of a `permute` call, normalized and checked in PyTorch's order: their
    /// count, then each dimension's range, then repeats.
    static func permutation(_ attrs: Attrs, rank: Int) throws -> [Int] {
        let requested = attrs.optionalInts("dims") ?? []
        guard requested.count == rank else {
            throw OpError.shape("permute(): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = \(rank) is not equal to len(dims) = \(requested.count)")
        }
        let dims = try requested.map { try normalize(dim: $0, rank: rank) }
        guard Set(dims).count == dims.count else { throw OpError.value("permute(): duplicate dims are not allowed.") }
        return dims
    }

    /// `cat(tensors, dim=0)`: joins tensors along an existing dimension.
    public static let cat = OpSpec(
        "cat", aliases: ["concat", "concatenate"], params: [Param("tensors", .tensorList), Param("dim", .int, default: .int(0))],
        gradFn: "CatBackward0", summary: "join tensors along an existing dimension",
        samples: [OpSample([[2, 3], [1, 3]]), OpSample([[2, 1], [2, 2], [2, 1]], attrs: Attrs(["dim": .int(-1)]))],
        forward: { args in
            guard !args.inputs.isEmpty else { throw OpError.value("torch.cat(): expected a non-empty list of Tensors") }
            for (i, t) in args.inputs.enumerated() where t.rank == 0 {
                throw OpError.shape("zero-dimensional tensor (at position \(i)) cannot be concatenated")
            }
            // As PyTorch does, empty 1-D tensors are skipped: they join anything (and give [0] alone).
            let joined = args.inputs.enumerated().filter { !isSkippedByCat($0.element.shape) }
            guard let first = joined.first?.element else { return Tensor(shape: [0], data: []) }
            let dim = try normalize(dim: args.attrs.int("dim"), rank: first.rank)
            for (i, t) in joined {
                guard t.rank == first.rank else {
                    throw OpError.shape("Tensors must have same number of dimensions: got \(first.rank) and \(t.rank)")
                }
                for d in 0..<t.rank where d != dim && t.shape[d] != first.shape[d] {
                    throw OpError.shape("Sizes of tensors must match except in dimension \(dim). Expected size \(first.shape[d]) but got size \(t.shape[d]) for tensor number \(i) in the list.")
                }
            }
            return try concatenate(joined.map(\.element), dim: dim)
        },
        derivative: .vjp { ctx, g in
            guard let rank = ctx.inputs.first(where: { !isSkippedByCat($0.shape) })?.shape.count else {
                return ctx.inputs.map { _ in Variable(Tensor(shape: [0], data: [])) }
            }
            let dim = try normalize(dim: ctx.attrs.int("dim"), rank: rank)
            var start = 0
            return try ctx.inputs.map { x in
                // A skipped input's gradient is empty, like the input.
                if isSkippedByCat(x.shape) { return Variable(Tensor(shape: [0], data: [])) }
                defer { start += x.shape[dim] }
                return try g.slice(dim: dim, start: start, end: start + x.shape[dim])
            }
        })

    /// An empty 1-D tensor, which `cat` leaves out (PyTorch's legacy rule); other empty
    /// tensors, such as `[2, 0]`, take part in its shape checks.
    static func isSkippedByCat(_ shape: [Int]) -> Bool { shape == [0] }

    /// `stack(tensors, dim=0)`: joins tensors of equal shape along a new dimension.
    public static let stack = OpSpec(
        "stack", params: [Param("tensors", .tensorList), Param("dim", .int, default: .int(0))],
        gradFn: "StackBackward0", summary: "join tensors of equal shape along a new dimension",
        samples: [OpSample([[2, 3], [2, 3]]), OpSample([[3], [3], [3]], attrs: Attrs(["dim": .int(1)]))],
        forward: { args in
            guard let first = args.inputs.first else { throw OpError.value("stack expects a non-empty TensorList") }
            for (i, t) in args.inputs.enumerated() where t.shape != first.shape {
                throw OpError.shape("stack expects each tensor to be equal size, but got \(describe(shape: first.shape)) at entry 0 and \(describe(shape: t.shape)) at entry \(i)")
            }
            let dim = try normalize(dim: args.attrs.int("dim"), rank: first.rank + 1)
            var kept = first.shape
            kept.insert(1, at: dim)
            return try concatenate(args.inputs.map { $0.reshaped(kept) }, dim: dim)
        },
        derivative: .vjp { ctx, g in
            let dim = try normalize(dim: ctx.attrs.int("dim"), rank: ctx[0].shape.count + 1)
            return try ctx.inputs.indices.map { i in try g.select(dim: dim, index: i) }
        })

    /// Joins tensors that agree in every dimension but `dim`.
    static func concatenate(_ parts: [Tensor], dim: Int) throws -> Tensor {
        var shape = parts[0].shape
        shape[dim] = parts.reduce(0) { $0 + $1.shape[dim] }
        let outer = shape[..<dim].reduce(1, *)
        var out: [Double] = []
        out.reserveCapacity(try Tensor.checkedCount(of: shape))
        for o in 0..<outer {
            for part in parts {
                let chunk = part.count / Swift.max(outer, 1)
                out.append(contentsOf: part.data[(o * chunk)..<((o + 1) * chunk)])
            }
        }
        return Tensor(shape: shape, data: out)
    }
}

extension Variable {
    /// Dimensions `startDim...endDim` merged into one.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Variable {
        try apply(Ops.flatten, [self], Attrs(["start_dim": .int(startDim), "end_dim": .int(endDim)]))
    }
    /// Size-1 dimensions removed (only `dim`, when given).
    public func squeeze(dim: Int? = nil) throws -> Variable {
        try apply(Ops.squeeze, [self], Attrs(["dim": dim.map(AttrValue.int) ?? .none]))
    }
    /// A size-1 dimension inserted at `dim`.
    public func unsqueeze(_ dim: Int) throws -> Variable {
        try apply(Ops.unsqueeze, [self], Attrs(["dim": .int(dim)]))
    }
    /// The dimensions reordered: dimension `i` of the result is dimension `dims[i]` of this.
    public func permute(_ dims: [Int]) throws -> Variable {
        if dims == Array(0..<shape.count) { return self }
        return try apply(Ops.permute, [self], Attrs(["dims": .ints(dims)]))
    }
    /// `tensors` joined along the existing dimension `dim`.
    public static func cat(_ tensors: [Variable], dim: Int = 0) throws -> Variable {
        try apply(Ops.cat, tensors, Attrs(["dim": .int(dim)]))
    }
    /// `tensors` (of equal shape) joined along a new dimension `dim`.
    public static func stack(_ tensors: [Variable], dim: Int = 0) throws -> Variable {
        try apply(Ops.stack, tensors, Attrs(["dim": .int(dim)]))
    }
}
