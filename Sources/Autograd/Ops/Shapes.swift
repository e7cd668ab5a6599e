// Shape ops: views of the same elements in another shape, and broadcasting made explicit.

extension Ops {
    static let shapes: [OpSpec] = [reshape, view, expand, sumToSize, flatten, squeeze, unsqueeze, permute, cat, stack]

    /// Resolves one `-1` in a requested shape against the element count.
    static func inferShape(_ requested: [Int], count: Int) throws -> [Int] {
        try Tensor.checkRank(requested.count)
        let unknown = requested.indices.filter { requested[$0] == -1 }
        let bad = OpError.shape("shape '\(describe(shape: requested))' is invalid for input of size \(count)")
        guard unknown.count <= 1, requested.allSatisfy({ $0 >= -1 }) else { throw bad }
        // A product past the element limit cannot equal the count of an existing tensor.
        guard let known = try? Tensor.checkedCount(of: requested.filter { $0 != -1 }, reserving: false) else { throw bad }
        var out = requested
        if let i = unknown.first {
            guard known > 0, count % known == 0 else { throw bad }
            out[i] = count / known
        }
        guard Tensor.count(of: out) == count else { throw bad }
        return out
    }

    static func reshapeEntry(_ name: String) -> OpSpec {
        OpSpec(name, params: [input, Param("shape", .ints)], gradFn: "ViewBackward0",
               summary: "the same elements in another shape (one dimension may be -1)",
               samples: [OpSample([[3, 2]], attrs: Attrs(["shape": .ints([2, -1])]))],
               forward: { args in
                   guard let requested = args.attrs.optionalInts("shape") else { throw OpError.value("\(name): missing shape") }
                   return args[0].reshaped(try inferShape(requested, count: args[0].count))
               },
               derivative: .vjp { ctx, g in [try g.reshape(ctx[0].shape)] })
    }

    /// `reshape(input, shape)`.
    public static let reshape = reshapeEntry("reshape")
    /// `view(input, shape)`: the same as `reshape` (storage is always contiguous).
    public static let view = reshapeEntry("view")

    /// `expand(input, size)`: broadcast to `size` (-1 keeps a dimension).
    public static let expand = OpSpec(
        "expand", aliases: ["broadcast_to"], params: [input, Param("size", .ints)], gradFn: "ExpandBackward0",
        summary: "broadcast input to size (-1 keeps a dimension)",
        samples: [OpSample([[3, 1]], attrs: Attrs(["size": .ints([2, 3, 4])]))],
        forward: { args in
            guard var size = args.attrs.optionalInts("size") else { throw OpError.value("expand: missing size") }
            let x = args[0]
            let lead = size.count - x.rank
            guard lead >= 0 else {
                throw OpError.shape("expand: the number of sizes provided (\(size.count)) must be greater or equal to the number of dimensions in the tensor (\(x.rank))")
            }
            for i in size.indices where size[i] == -1 && i >= lead { size[i] = x.shape[i - lead] }
            return try x.expanded(to: size)
        },
        derivative: .vjp { ctx, g in [try g.sumToSize(ctx[0].shape)] })

    /// `sum_to_size(input, size)`: sums broadcast dimensions away; the inverse of `expand`.
    public static let sumToSize = OpSpec(
        "sum_to_size", params: [input, Param("size", .ints)], gradFn: "SumBackward1",  // PyTorch sums over dims
        summary: "sum input down to size, undoing broadcasting",
        samples: [OpSample([[2, 3, 4]], attrs: Attrs(["size": .ints([3, 1])]))],
        forward: { args in
            guard let size = args.attrs.optionalInts("size") else { throw OpError.value("sum_to_size: missing size") }
            guard Tensor.broadcastShape(size, args[0].shape) == args[0].shape else {
                throw OpError.shape("size \(describe(shape: size)) is not expandable to \(describe(shape: args[0].shape))")
            }
            return args[0].summed(toShape: size)
        },
        derivative: .vjp { ctx, g in [try g.expand(ctx[0].shape)] })
}

extension Variable {
    /// The same elements in `shape` (one entry may be -1).
    public func reshape(_ shape: [Int]) throws -> Variable {
        try apply(Ops.reshape, [self], Attrs(["shape": .ints(shape)]))
    }

    /// This variable broadcast to `shape`.
    public func expand(_ shape: [Int]) throws -> Variable {
        if shape == self.shape { return self }
        return try apply(Ops.expand, [self], Attrs(["size": .ints(shape)]))
    }

    /// This variable summed down to `shape`, undoing broadcasting. The engine folds every
    /// gradient onto its input's shape through here, and nowhere else.
    public func sumToSize(_ shape: [Int]) throws -> Variable {
        if shape == self.shape { return self }
        // A backward pass that records nothing (no createGraph) sums the values directly, as
        // the op's forward does: the same result without the cost of a recorded op, a large
        // share of a small backward. A non-finite sum takes the op, which anomaly mode watches.
        // (A float32 sum is float32 already, as the op would round it.)
        if !ThreadState.current.gradEnabled, value.dtype.isFloat64 || value.dtype.isFloat32,
           Tensor.broadcastShape(shape, self.shape) == self.shape {
            let summed = value.summed(toShape: shape)
            if summed.isFinite { return Variable(summed) }
        }
        return try apply(Ops.sumToSize, [self], Attrs(["size": .ints(shape)]))
    }
}
