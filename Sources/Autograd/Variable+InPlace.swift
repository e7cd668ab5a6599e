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
        store(newValue)
    }

    /// `replaceValue` with every element set to `x` as the value's dtype holds it (`fill_`,
    /// `zero_`: PyTorch casts the scalar), written into the value's own storage when nothing else
    /// holds it, so `grad.zero_()` in a loop allocates nothing.
    public func replaceValue(filling x: Double) throws {
        try checkWritable()
        // Swapped out of the variable while written (see `addInPlace`).
        var filled = Variable.emptyValue
        swap(&filled, &storedValue)
        let element = filled.dtype.convert(x)
        filled.data.withUnsafeMutableBufferPointer { p in
            for i in p.indices { p[i] = element }
        }
        store(filled)
    }

    /// Makes `newValue`, of this shape, the value, as `replaceValue` does.
    private func store(_ newValue: Tensor) {
        value = newValue
        writes += 1
        // The node that made this value saved it as its result: PyTorch's saved output is this
        // storage, so a write that bypasses the version counter (`.data`) reaches its gradient.
        if let fn = gradFn, let saved = fn.savedResult, saved.shape == newValue.shape, saved.dtype == newValue.dtype {
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
            // No node is recorded: one other operand takes the thread's spare input list.
            let value = try withNoGrad {
                others.count == 1 ? try ThreadState.current.withInputs(self, others[0]) { try applyValue(spec, $0, attrs) }
                    : try applyValue(spec, Variable.list(self, others), attrs)
            }
            try replaceValue(try castForWriting(value, of: spec))
            markModified()
            return self.value
        }
        if isLeaf && requiresGrad { throw OpError.autograd(Variable.leafInPlaceMessage) }
        let result = try apply(spec, Variable.list(snapshot(), others), attrs)
        try replaceValue(try castForWriting(result.value, of: spec))
        takeHistory(of: result)
        return value
    }

    /// An in-place op's result in this variable's dtype, which it keeps (`x += y64` leaves a
    /// float32 x float32), or PyTorch's refusal of a result it cannot hold (`i += 1.5`).
    private func castForWriting(_ result: Tensor, of spec: OpSpec) throws -> Tensor {
        let dtype = value.dtype
        if result.dtype == dtype { return result }
        guard result.dtype.canCast(to: dtype) else {
            // clamp's kernel names the C++ type (`long int`).
            let target = spec.name == "clamp" ? dtype.cTypeName : dtype.pytorchTypeName
            throw OpError.value("result type \(result.dtype.pytorchTypeName) can't be cast to the desired output type \(target)")
        }
        return result.converted(to: dtype)
    }

    /// Counts an in-place update whose recorded op made `result` and makes `result`'s node this
    /// variable's (PyTorch's `rebase_history`), keeping the earlier node for the nodes made before.
    func takeHistory(of result: Variable) {
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
        // it too), swapped out of the variable meanwhile: an access to the stored property that
        // spans a closure would make every access to it checked at run time.
        var sum = Variable.emptyValue
        swap(&sum, &storedValue)
        let dtype = sum.dtype
        sum.data.withUnsafeMutableBufferPointer { out in
            addend.data.withUnsafeBufferPointer { x in
                for i in out.indices { out[i] = dtype.convert(out[i] + x[i]) }
            }
        }
        swap(&sum, &storedValue)
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
        try assignItem(at: index.map { ItemIndex.integer($0) }, source)
    }

    /// Writes `source` into the region the leading indices pick (`x[0, 1:3] = v`, `x[:, 0] += 1`).
    public func assignItem(at index: [ItemIndex], _ source: Variable) throws {
        // PyTorch writes through a view of the target, so its error names a view.
        if isLeaf && requiresGrad && GradMode.isEnabled {
            throw OpError.autograd("a view of a leaf Variable that requires grad is being used in an in-place operation.")
        }
        try applyInPlace(Ops.copySlices, [source], Attrs(["index": .ints(try ItemIndex.encoded(index, shape: shape))]))
    }
}

/// One leading index of an item assignment: an integer (its dimension is dropped) or a slice
/// `start:stop:step` with Python's rules (negative bounds count from the end, bounds are
/// clamped, nil is the end of the dimension; PyTorch refuses steps below 1).
public enum ItemIndex: Equatable {
    case integer(Int)
    case slice(start: Int?, stop: Int?, step: Int?)

    /// Four integers per index, checked against `shape`: `[0, i, 0, 0]` for integer `i` (made
    /// non-negative), `[1, start, count, step]` for a slice.
    static func encoded(_ index: [ItemIndex], shape: [Int]) throws -> [Int] {
        guard index.count <= shape.count else {
            throw OpError.value("too many indices for tensor of dimension \(shape.count)")
        }
        var codes: [Int] = []
        for (dim, i) in index.enumerated() {
            switch i {
            case .integer(let k):
                guard k >= -shape[dim] && k < shape[dim] else {
                    throw OpError.value("index \(k) is out of bounds for dimension \(dim) with size \(shape[dim])")
                }
                codes += [0, k < 0 ? k + shape[dim] : k, 0, 0]
            case .slice(let start, let stop, let step):
                var attrs = Attrs(["dim": .int(dim)])
                if let start { attrs["start"] = .int(start) }
                if let stop { attrs["end"] = .int(stop) }
                if let step { attrs["step"] = .int(step) }
                let (_, first, by, count) = try Ops.slicePosition(shape, attrs)
                codes += [1, first, count, by]
            }
        }
        return codes
    }
}

extension Ops {
    /// The element offsets (row-major over the region) and the shape of the region that the
    /// encoded leading indices (`ItemIndex.encoded`) pick from a tensor of `shape`.
    static func itemRegion(_ shape: [Int], _ codes: [Int]) -> (offsets: [Int], shape: [Int]) {
        let strides = Tensor.strides(of: shape)
        let leading = codes.count / 4
        var base = 0
        // The sliced dimensions: (count, stride in elements per step).
        var sliced: [(count: Int, stride: Int)] = []
        var regionShape: [Int] = []
        for dim in 0..<leading {
            let kind = codes[4 * dim], a = codes[4 * dim + 1]
            if kind == 0 {
                base += a * strides[dim]
            } else {
                base += a * strides[dim]
                sliced.append((codes[4 * dim + 2], codes[4 * dim + 3] * strides[dim]))
                regionShape.append(codes[4 * dim + 2])
            }
        }
        let trailing = Array(shape[leading...])
        let block = Tensor.count(of: trailing)
        regionShape += trailing
        var offsets: [Int] = []
        offsets.reserveCapacity(Tensor.count(of: regionShape))
        // An odometer over the sliced dimensions, each position a contiguous block of the rest.
        var position = [Int](repeating: 0, count: sliced.count)
        outer: while true {
            var start = base
            for (d, p) in position.enumerated() { start += p * sliced[d].stride }
            if sliced.allSatisfy({ $0.count > 0 }) {
                for k in 0..<block { offsets.append(start + k) }
            }
            var d = sliced.count - 1
            while d >= 0 {
                position[d] += 1
                if position[d] < sliced[d].count { continue outer }
                position[d] = 0
                d -= 1
            }
            break
        }
        return (offsets, regionShape)
    }

    /// PyTorch's errors for expanding `src` (leading 1-dims dropped) to `shape`, as item
    /// assignment's copy into the region does; it checks the dimensions from the last.
    static func checkExpandable(_ src: Tensor, to shape: [Int]) throws {
        guard src.rank <= shape.count else {
            throw OpError.value("expand(torch.\(src.dtype.legacyTensorTypeName){\(describe(shape: src.shape))}, size=\(describe(shape: shape))): the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(src.rank))")
        }
        for j in stride(from: src.rank - 1, through: 0, by: -1) {
            let dim = shape.count - src.rank + j, size = src.shape[j]
            guard size == 1 || size == shape[dim] else {
                throw OpError.shape("The expanded size of the tensor (\(shape[dim])) must match the existing size (\(size)) at non-singleton dimension \(dim).  Target sizes: \(describe(shape: shape)).  Tensor sizes: \(describe(shape: src.shape))")
            }
        }
    }

    /// `input` with the region the leading indices pick replaced by `src` (broadcast to it,
    /// leading 1-dims dropped): the out-of-place form of item assignment, whose node PyTorch
    /// names `CopySlices`.
    public static let copySlices = OpSpec(
        "copy_slices", params: [input, Param("src", .tensor), Param("index", .ints)], gradFn: "CopySlices",
        summary: "input with input[index] replaced by src (item assignment)",
        dtype: .ofFirstInput,  // the destination keeps its dtype
        forward: { args in
            let (offsets, region) = itemRegion(args[0].shape, args.attrs.optionalInts("index") ?? [])
            var src = args[1]
            while src.shape.first == 1 { src = src.reshaped(Array(src.shape.dropFirst())) }
            try checkExpandable(src, to: region)
            let filled = try Tensor.zip(Tensor.zeros(region), src) { _, s in s }
            var out = args[0]
            // The source is cast to the destination's dtype, as PyTorch's copy_ casts it.
            for (k, x) in filled.data.enumerated() {
                let offset = offsets[k]
                switch out.dtype {
                case .float32: out.data[offset] = Double(Float(x))
                case .float64: out.data[offset] = x
                case .int64: out.data[offset] = x.rounded(.towardZero)
                case .bool: out.data[offset] = x != 0 ? 1 : 0
                }
            }
            return out
        },
        derivative: .vjp { ctx, g in
            let codes = ctx.attrs.optionalInts("index") ?? []
            let (offsets, _) = itemRegion(ctx[0].shape, codes)
            var mask = Tensor(repeating: 1, shape: ctx[0].shape)
            mask.dtype = g.value.dtype
            for offset in offsets { mask.data[offset] = 0 }
            // The region of g, by the same indices as differentiable ops.
            var part = g, dim = 0
            for i in 0..<codes.count / 4 {
                if codes[4 * i] == 0 {
                    part = try part.select(dim: dim, index: codes[4 * i + 1])
                } else {
                    let first = codes[4 * i + 1], count = codes[4 * i + 2], step = codes[4 * i + 3]
                    part = try apply(slice, [part], Attrs(["dim": .int(dim), "start": .int(first),
                                                          "end": .int(first + count * step), "step": .int(step)]))
                    dim += 1
                }
            }
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
