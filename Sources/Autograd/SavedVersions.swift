// PyTorch's version counter: every in-place update of a variable bumps its `version`; a backward
// node remembers the versions of what it saved, and backward refuses a node whose saved tensors
// were modified since, with PyTorch's message. Which tensors an op saves follows PyTorch's
// derivative formulas: ops linear in their inputs save none, products save an input only for the
// gradient of another, ops whose gradient reads their output save that output.

/// The versions of a node's inputs when it was made: packed into one integer in the common case
/// (at most four inputs, each below 65,535 updates), so recording them allocates nothing.
struct SavedVersions {
    private let packed: UInt64
    private let list: [Int]?

    init(_ inputs: [Variable]) {
        var bits: UInt64 = 0
        var fits = inputs.count <= 4
        if fits {
            for (i, v) in inputs.enumerated() {
                guard v.version < 0xFFFF else { fits = false; break }
                bits |= UInt64(v.version) << UInt64(16 * i)
            }
        }
        packed = fits ? bits : 0
        list = fits ? nil : inputs.map(\.version)
    }

    subscript(i: Int) -> Int {
        if let list { return list[i] }
        return Int((packed >> UInt64(16 * i)) & 0xFFFF)
    }
}

extension Variable {
    /// Records an in-place update of the value (`x.add_(y)`, `x -= y` under `no_grad`, `x[0] = v`).
    public func markModified() {
        version += 1
        ThreadState.current.modifications += 1
        if resultOf == nil { resultOf = gradFn }
        resultOf?.outputVersion = version
    }
}

extension GradFn {
    /// PyTorch's error when a tensor this node saved was modified in place after it was saved.
    func checkSavedInputs() throws {
        for (i, input) in inputs.enumerated() where input.version != savedVersions[i] {
            guard savesInput(i) else { continue }
            throw OpError.autograd(GradFn.modifiedMessage(
                shape: input.shape, dtype: input.dtype, producer: input.gradFn,
                current: input.version, expected: savedVersions[i]))
        }
    }

    /// The same error for a node whose output PyTorch saves, modified since (checked before
    /// the VJP runs: gradcli's relu and pow read their inputs, PyTorch's formulas the output).
    func checkSavedOutput() throws {
        guard outputVersion != 0, GradFn.readsResult.contains(spec.name) || (spec.name == "pow" && name != "PowBackward0") else { return }
        try checkSavedResult()
    }

    /// The same error for an op whose gradient reads its own output (`exp`, `sigmoid`, ...).
    func checkSavedResult() throws {
        guard outputVersion != 0 else { return }
        throw OpError.autograd(GradFn.modifiedMessage(
            shape: resultShape, dtype: resultDType, producer: self, current: outputVersion, expected: 0))
    }

    /// True when the node keeps tensors for its backward (PyTorch's saved variables): a pass
    /// through it after a pass released it is PyTorch's error. A node that keeps none (`add`,
    /// `sum`, the views) runs again, as in PyTorch.
    var savesTensors: Bool {
        // CopySlices drops the node it wraps when released; var_mean's parts save the input.
        if GradFn.readsResult.contains(spec.name) || spec.name == "copy_slices" { return true }
        if name == "VarMeanBackward0" || name == "StdMeanBackward0" { return true }
        return inputs.indices.contains { savesInput($0) }
    }

    private func savesInput(_ i: Int) -> Bool {
        let name = spec.name
        if GradFn.savesNoInputs.contains(name) { return false }
        switch name {
        case "where": return i == 0  // the condition only
        case "remainder", "fmod":  // the operands only for the divisor's gradient
            return inputs.count > 1 && inputs[1].requiresGrad
        case "lerp":  // the weight; the ends only for the weight's gradient
            return i == 2 || (inputs.count > 2 && inputs[2].requiresGrad)
        default: break
        }
        // A product saves each factor for the gradient of the others only.
        if GradFn.products.contains(name) {
            return inputs.indices.contains { $0 != i && inputs[$0].requiresGrad }
        }
        // a / b saves a for b's gradient; b always.
        if name == "div" && i == 0 { return inputs.count > 1 && inputs[1].requiresGrad }
        return true
    }

    private static let savesNoInputs: Set<String> = [
        "add", "sub", "neg", "sum", "mean", "reshape", "view", "flatten", "expand", "broadcast_to",
        "transpose", "t", "permute", "squeeze", "unsqueeze", "clone", "contiguous", "cat", "stack",
        "narrow", "select", "slice", "diagonal", "tril", "triu", "roll", "flip", "repeat",
        "exp", "exp2", "expm1", "sqrt", "rsqrt", "sigmoid", "tanh", "relu", "softmax", "log_softmax",
        "float", "double", "to", "copy_slices", "copy",
        "cumsum", "sign", "sgn", "floor", "ceil", "round", "trunc", "frac", "diag", "diag_embed", "trace",
        "pad", "deg2rad", "rad2deg", "zero_", "fill_", "normal", "bernoulli", "reciprocal", "tan",
    ]
    /// Of the ops that save no input, those whose gradient reads their output.
    private static let readsResult: Set<String> = ["exp", "exp2", "expm1", "sqrt", "rsqrt", "sigmoid", "tanh", "relu", "softmax", "log_softmax",
                                                    "reciprocal", "tan"]
    private static let products: Set<String> = ["mul", "matmul", "mm", "mv", "dot", "bmm", "outer", "inner"]

    static func modifiedMessage(shape: [Int], dtype: DType, producer: GradFn?, current: Int, expected: Int) -> String {
        var text = "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.\(dtype.legacyTensorTypeName) \(describe(shape: shape))]"
        if let producer { text += ", which is output 0 of \(opName(producer.qualifiedName))," }
        text += " is at version \(current); expected version \(expected) instead. Hint: "
        if ThreadState.current.anomaly != nil {
            text += "the backtrace further above shows the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!"
        } else {
            text += "enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False)."
        }
        return text
    }

    /// The op's name as the message gives it: the node's name without `Backward0`, and
    /// without `Backward` before another number (`TBackward1`, an in-place `t_`, is `T1`).
    private static func opName(_ nodeName: String) -> String {
        let stem = String(nodeName.reversed().drop(while: \.isNumber).reversed())
        guard stem.count < nodeName.count, stem.hasSuffix("Backward") else { return nodeName }
        let number = nodeName.dropFirst(stem.count)
        return String(stem.dropLast("Backward".count)) + (number == "0" ? "" : number)
    }
}
