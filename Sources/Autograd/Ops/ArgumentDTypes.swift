// PyTorch's refusals of a tensor argument of the wrong dtype: an index that is not int64, a
// condition or mask that is not bool. `gradcli run`, whose tensors have PyTorch's dtypes,
// applies them all. Expressions take a floating index or mask holding integers or 0 and 1 (their
// inputs are floating); the ops themselves refuse only a bool index, which would be read as
// positions 0 and 1.

/// The dtype an op requires of one tensor parameter, and PyTorch's words for another.
public struct ArgumentDType {
    public let param: String
    public let required: DType
    /// PyTorch's words for an argument of `dtype`, given the call's attributes.
    public let refusal: (_ dtype: DType, _ attrs: Attrs) -> String
    /// Whether the rule holds for a call with these tensor arguments (in parameter order).
    public var applies: ([Tensor?]) -> Bool = { _ in true }
}

extension Ops {
    /// By op name.
    public static let argumentDTypes: [String: ArgumentDType] = [
        "index_select": index { _, _ in "index_select(): Expected dtype int32 or int64 for index" },
        "index_add": index { dtype, _ in "index_add_(): Expected dtype int32/int64 for index but got: \(dtype.pytorchTypeName)" },
        "gather": index { _, _ in "gather(): Expected dtype int32/int64 for index" },
        "take_along_dim": ArgumentDType(param: "indices", required: .int64) { dtype, attrs in
            // Without dim the call is gather's, on the flattened tensors.
            attrs.optionalInt("dim") == nil ? "gather(): Expected dtype int32/int64 for index"
                : "torch.take_along_dim(): dtype of indices should be Long but got \(dtype.pytorchTypeName)"
        },
        "scatter_add": index { _, _ in "scatter(): Expected dtype int32/int64 for index" },
        "scatter": index { _, _ in "scatter(): Expected dtype int32/int64 for index" },
        "where": ArgumentDType(param: "condition", required: .bool) { dtype, _ in
            "where expected condition to be a boolean tensor, but got a tensor with dtype \(dtype.pytorchTypeName)"
        },
        "masked_fill": ArgumentDType(param: "mask", required: .bool) { dtype, _ in
            "masked_fill_ only supports boolean masks, but got mask with dtype \(dtype.cTypeName)"
        },
        "masked_select": ArgumentDType(param: "mask", required: .bool) { _, _ in "masked_select: expected BoolTensor for mask" },
        "take": index { dtype, _ in "take(): Expected a long tensor for index, but got \(dtype.pytorchTypeName)" },
        "nll_loss": classTarget,
        // Class indices: a target of the input's shape holds probabilities, which are floating.
        "cross_entropy": ArgumentDType(param: "target", required: .int64, refusal: classTarget.refusal) { tensors in
            tensors.count > 1 && tensors[0]?.shape != tensors[1]?.shape
        },
    ]

    private static let classTarget = ArgumentDType(param: "target", required: .int64) { dtype, _ in
        "expected target dtype to be Long or Byte, but got \(dtype.pytorchTypeName)"
    }

    private static func index(_ refusal: @escaping (DType, Attrs) -> String) -> ArgumentDType {
        ArgumentDType(param: "index", required: .int64, refusal: refusal)
    }

    /// Refuses a bool index tensor for op `name`.
    static func refuseBoolIndex(_ index: Tensor, _ name: String, _ attrs: Attrs = Attrs()) throws {
        guard index.dtype == .bool, let rule = argumentDTypes[name] else { return }
        throw OpError.value(rule.refusal(index.dtype, attrs))
    }
}

extension DType {
    /// The C++ type's name, as some of PyTorch's messages give it (`long int`).
    var cTypeName: String {
        switch self {
        case .float64: return "double"
        case .float32: return "float"
        case .int64: return "long int"
        case .bool: return "bool"
        }
    }
}
