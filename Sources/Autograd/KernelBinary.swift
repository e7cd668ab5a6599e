// The most common call of all, computed without the general path's bookkeeping: `add`, `sub`,
// `mul` or `div` of two floating tensors of one dtype, or of a floating tensor and a Python
// number (`lr * w.grad`, `2 * x`). Most ops of a small training step and most products of a
// backward pass are such calls, and for small tensors the general path's attribute, dtype-rule
// and argument steps cost several times the arithmetic. The value is the general path's to the
// bit: the same C kernel, the same result dtype (a Python number never changes a floating
// tensor's dtype), the same rounding of the Python number to float32 and of the result.

extension OpSpec {
    /// This entry with `kernel` as its elementwise kernel for `kernelBinaryValue`: for the
    /// attribute-free arithmetic entries whose forward is that kernel. Used only while the
    /// registry is built.
    func withBinaryKernel(_ kernel: ElementwiseKernel?) -> OpSpec {
        binaryKernel = kernel
        return self
    }
}

/// The value of `spec` on `a` and `b` without attributes when the call is the common case above,
/// or nil (the general path then computes it and reports any error). Spends the budgets as the
/// general path does.
func kernelBinaryValue(_ spec: OpSpec, _ a: Variable, _ b: Variable) throws -> Tensor? {
    guard let kernel = spec.binaryKernel, !a.isView, !b.isView else { return nil }
    var x = a.storedValue, y = b.storedValue
    let dtype: DType
    switch (a.isWrappedNumber, b.isWrappedNumber) {
    case (false, false):
        guard x.dtype == y.dtype, x.dtype.isFloatingPoint else { return nil }
        dtype = x.dtype
    case (false, true):
        guard x.dtype.isFloatingPoint, y.dtype != .bool else { return nil }
        dtype = x.dtype
        if dtype.isFloat32 { y = ThreadState.current.float32Value(ofWrapped: b) }
    case (true, false):
        guard y.dtype.isFloatingPoint, x.dtype != .bool else { return nil }
        dtype = y.dtype
        if dtype.isFloat32 { x = ThreadState.current.float32Value(ofWrapped: a) }
    case (true, true):
        return nil
    }
    let largest = Swift.max(x.count, y.count)
    try MemoryBudget.reserve(elements: largest)
    try WorkBudget.spend(largest + 1)
    // Shapes that do not broadcast take the general path, which reports them.
    guard var value = Tensor.kernelZip(x, y, kernel.op) else { return nil }
    if dtype.isFloat32 { roundInPlace(&value, to: .float32) } else { value.dtype = .float64 }
    return value
}
