// Updates that change a tensor's metadata rather than its elements, as PyTorch's do:
// `x.t_()` (a new shape over the same storage, recorded as one in-place op) and
// `x.data = other` (x takes other's storage, shape and dtype; nothing is recorded).

extension Variable {
    /// Runs the shape-changing op `spec` (`t` for `x.t_()`) on this variable in place: the value
    /// takes the op's result, shape included; the version counts the update and, under grad
    /// mode, the result's node becomes this variable's (a leaf that requires grad is PyTorch's
    /// error). Views made before stay current: the storage they read is unchanged. On a view
    /// (gradcli's copy) it is allowed, as only the view's own layout changes.
    public func applyInPlaceChangingShape(_ spec: OpSpec, _ attrs: Attrs = Attrs()) throws {
        guard GradMode.isEnabled, requiresGrad else {
            let result = try withNoGrad { try apply(spec, [self], attrs) }
            value = result.value
            markModified()
            return
        }
        if isLeaf { throw OpError.autograd(Variable.leafInPlaceMessage) }
        let result = try apply(spec, [snapshot()], attrs)
        value = result.value
        takeHistory(of: result)
    }

    /// `x.data = other`: the value becomes `newValue`, whatever its shape and dtype, without
    /// counting a version or recording anything (PyTorch's `set_data`). The caller moves the
    /// variable into `other`'s storage group.
    public func setData(_ newValue: Tensor) throws {
        try checkWritable()
        if requiresGrad && !newValue.dtype.isFloatingPoint {
            throw OpError.autograd("data set to a tensor that requires gradients must be floating point or complex dtype")
        }
        value = newValue
    }
}
