// In-place updates as PyTorch performs them: `x.add_(y)`, `x -= y`, `x.zero_()`, `x[i] = v`.
//
// The graph's edges are variables, so an in-place op on `x` runs the op on a *snapshot* of x's
// current version (the same value and node, a separate variable) and then moves the result's
// value and node into `x` (PyTorch's `rebase_history`). Later uses of `x` see the new version;
// the snapshot keeps the old one alive for backward. Nodes recorded before the update keep `x`
// itself as their edge: backward refuses such a node with PyTorch's version-counter error when
// it saved `x` (see `SavedVersions.swift`).
// Aliases that share storage (`.data`, `detach()`) are updated by the caller, with `replaceValue`.

extension Variable {
    /// PyTorch's message for an in-place op on a leaf that requires grad while grad mode is on.
    public static let leafInPlaceMessage = "a leaf Variable that requires grad is being used in an in-place operation."

    /// Replaces the value without recording anything, as an update through `.data` or under
    /// `no_grad` does. The shape must stay the same.
    public func replaceValue(_ newValue: Tensor) throws {
        try checkWritable()
        guard newValue.shape == value.shape else {
            throw OpError.shape("output with shape \(describe(shape: value.shape)) doesn't match the broadcast shape \(describe(shape: newValue.shape))")
        }
        value = newValue
        writes += 1
        // The node that made this value saved it as its result: PyTorch's saved output is this
        // storage, so a write that bypasses the version counter (`.data`) reaches its gradient.
        if let fn = gradFn, !fn.released, fn.savedResult.shape == newValue.shape, fn.savedResult.dtype == newValue.dtype {
            fn.savedResult = newValue
        }
    }

    /// gradcli's views are copies: writing to one would not reach the tensor it views, so it
    /// is refused rather than silently diverging from PyTorch.
    func checkWritable() throws {
        guard viewBase == nil else {
            throw OpError.value("writing in place to a view (the result of indexing, view, reshape, t, transpose, squeeze, expand...) is not supported in gradcli run: its tensor would not change. Write to that tensor itself (x[i] = v), or clone() the view first")
        }
    }

    /// Throws when this view's tensor was written in place after the view was made: PyTorch's
    /// view would show the new values, gradcli's copy still holds the old ones.
    public func checkViewIsCurrent() throws {
        guard let (base, writes) = viewBase, base.writes != writes else { return }
        throw OpError.value("reading a view (the result of indexing, view, reshape, t, transpose, squeeze, expand...) after its tensor was modified in place is not supported in gradcli run: it would show the old values. Take the view again after the update, or clone() it before")
    }

    /// Runs `spec` on this variable (as its first input) followed by `others`, and stores the
    /// result in this variable. Records the op when grad mode is on and any input requires grad;
    /// throws PyTorch's error for a leaf that requires grad. Returns the value written, for aliases.
    @discardableResult
    public func applyInPlace(_ spec: OpSpec, _ others: [Variable], _ attrs: Attrs = Attrs()) throws -> Tensor {
        guard GradMode.isEnabled, requiresGrad || others.contains(where: \.requiresGrad) else {
            let result = try withNoGrad { try apply(spec, Variable.list(self, others), attrs) }
            try replaceValue(result.value)
            markModified()
            return value
        }
        if isLeaf && requiresGrad { throw OpError.autograd(Variable.leafInPlaceMessage) }
        let result = try apply(spec, Variable.list(snapshot(), others), attrs)
        try replaceValue(result.value)
        let (lastVersion, earlierNode, earlierRequiresGrad) = (version, gradFn, requiresGrad)
        markModified()
        // Nodes made before this update keep their path through the version they saw.
        // (An entry per recorded in-place update of this variable: its graph holds those nodes anyway.)
        earlierVersions = (earlierVersions ?? []) + [EarlierVersion(lastVersion: lastVersion, node: earlierNode, requiresGrad: earlierRequiresGrad)]
        gradFn = result.gradFn
        requiresGrad = result.requiresGrad
        // A retained gradient is the new version's, as PyTorch moves the hook.
        if let earlierNode, earlierNode.retainedOutput === self {
            earlierNode.retainedOutput = nil
            gradFn?.retainedOutput = self
        }
        return value
    }

    /// Adds `addend` (of this shape) to the value in place without recording anything, as the
    /// engine accumulates a gradient: the sum is rounded to this variable's dtype, the version
    /// counts the update and the tensors sharing this storage see it.
    func addInPlace(_ addend: Tensor) throws {
        try checkWritable()
        guard addend.shape == value.shape else {
            throw OpError.shape("output with shape \(describe(shape: value.shape)) doesn't match the broadcast shape \(describe(shape: Tensor.broadcastShape(value.shape, addend.shape) ?? addend.shape))")
        }
        // The sum is written into the value's own storage (copied first only when an alias holds
        // it too), taken out of the variable meanwhile: an access to the stored property that
        // spans a closure would make every access to it checked at run time.
        var sum = value
        value = Variable.emptyValue
        let dtype = sum.dtype
        sum.data.withUnsafeMutableBufferPointer { out in
            addend.data.withUnsafeBufferPointer { x in
                for i in out.indices { out[i] = dtype.convert(out[i] + x[i]) }
            }
        }
        value = sum
        writes += 1
        markModified()
        try storageShare?.valueChanged(of: self, modified: true)
    }

    /// What a variable holds while its value is out being updated: allocates nothing.
    private static let emptyValue = Tensor(shape: [0], data: [])

    /// `[first] + rest`, made in one allocation for the usual one or two operands.
    private static func list(_ first: Variable, _ rest: [Variable]) -> [Variable] {
        switch rest.count {
        case 0: return [first]
        case 1: return [first, rest[0]]
        default: return [first] + rest
        }
    }

    /// This variable's current version as a separate variable: the same value and node.
    func snapshot() -> Variable {
        if let gradFn { return Variable(value: value, gradFn: gradFn) }
        return Variable(value, requiresGrad: requiresGrad)
    }

    /// Writes `source` into the sub-tensor at the leading integer `index` (`x[0, 1] = v`), like
    /// PyTorch's item assignment: recorded as a `CopySlices` node when `source` requires grad.
    public func assignItem(at index: [Int], _ source: Variable) throws {
        try applyInPlace(Ops.copySlices, [source], Attrs(["index": .ints(index)]))
    }
}

extension Ops {
    /// The offset and shape of the sub-tensor at leading integer `index` of a tensor of `shape`.
    static func itemRegion(_ shape: [Int], _ index: [Int]) throws -> (offset: Int, shape: [Int]) {
        guard index.count <= shape.count else {
            throw OpError.value("too many indices for tensor of dimension \(shape.count)")
        }
        let strides = Tensor.strides(of: shape)
        var offset = 0
        for (dim, i) in index.enumerated() {
            guard i >= -shape[dim] && i < shape[dim] else {
                throw OpError.value("index \(i) is out of bounds for dimension \(dim) with size \(shape[dim])")
            }
            offset += (i < 0 ? i + shape[dim] : i) * strides[dim]
        }
        return (offset, Array(shape[index.count...]))
    }

    /// `input` with the sub-tensor at `index` replaced by `src` (broadcast to it, leading 1-dims
    /// dropped): the out-of-place form of item assignment, whose node PyTorch names `CopySlices`.
    public static let copySlices = OpSpec(
        "copy_slices", params: [input, Param("src", .tensor), Param("index", .ints)], gradFn: "CopySlices",
        summary: "input with input[index] replaced by src (item assignment)",
        dtype: .custom { inputs, _ in inputs[0].value.dtype },  // the destination keeps its dtype
        forward: { args in
            let (offset, region) = try itemRegion(args[0].shape, args.attrs.optionalInts("index") ?? [])
            var src = args[1]
            while src.rank > region.count, src.shape.first == 1 { src = src.reshaped(Array(src.shape.dropFirst())) }
            guard let shape = Tensor.broadcastShape(src.shape, region), shape == region else {
                throw OpError.shape("shape mismatch: value tensor of shape \(describe(shape: args[1].shape)) cannot be broadcast to indexing result of shape \(describe(shape: region))")
            }
            let filled = try Tensor.zip(Tensor.zeros(region), src) { _, s in s }
            var out = args[0]
            // The source is cast to the destination's dtype, as PyTorch's copy_ casts it.
            for (k, x) in filled.data.enumerated() {
                switch out.dtype {
                case .float32: out.data[offset + k] = Double(Float(x))
                case .float64: out.data[offset + k] = x
                case .int64: out.data[offset + k] = x.rounded(.towardZero)
                case .bool: out.data[offset + k] = x != 0 ? 1 : 0
                }
            }
            return out
        },
        derivative: .vjp { ctx, g in
            let (offset, region) = try itemRegion(ctx[0].shape, ctx.attrs.optionalInts("index") ?? [])
            var mask = Tensor(repeating: 1, shape: ctx[0].shape)
            mask.dtype = g.value.dtype
            for k in 0..<Tensor.count(of: region) { mask.data[offset + k] = 0 }
            var part = g
            for i in ctx.attrs.optionalInts("index") ?? [] { part = try part.select(dim: 0, index: i) }
            let src = ctx[1]
            if part.value.count == src.value.count && part.shape != src.shape { part = try part.reshape(src.shape) }
            return [try g * Variable(mask), part]
        })
}

extension GradMode {
    /// Switches graph recording on or off until switched again, like `torch.set_grad_enabled(b)`
    /// called as a statement; `with(enabled:_:)` is the scoped form. Script mode's `with
    /// torch.no_grad():` blocks set it on entry and restore the previous mode on exit.
    public static func setEnabled(_ enabled: Bool) {
        ThreadState.current.gradEnabled = enabled
    }
}
