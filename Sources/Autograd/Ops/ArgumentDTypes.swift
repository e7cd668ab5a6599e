// PyTorch's refusals of a tensor argument of the wrong dtype: an index that is not int64, a
// condition or mask that is not bool. `gradcli run`, whose tensors have PyTorch's dtypes,
// applies them all. Expressions take a floating index or mask holding integers or 0 and 1 (their
// inputs are floating); the ops themselves refuse only a bool index, which would be read as
// positions 0 and 1.

/// The dtype an op requires of one tensor parameter, and PyTorch's words for another.
public struct ArgumentDType {
    public let param: String
    public let required: DType
    public let refusal: (DType) -> String
    /// Whether the rule holds for a call with these tensor arguments (in parameter order).
    public var applies: ([Tensor?]) -> Bool = { _ in true }
}

extension Ops {
    /// By op name.
    public static let argumentDTypes: [String: ArgumentDType] = [
        "index_select": index { _ in "index_select(): Expected dtype int32 or int64 for index" },
        "index_add": index { "index_add_(): Expected dtype int32/int64 for index but got: \($0.pytorchTypeName)" },
        "gather": index { _ in "gather(): Expected dtype int32/int64 for index" },
        "take_along_dim": ArgumentDType(param: "indices", required: .int64) { _ in "gather(): Expected dtype int32/int64 for index" },
        "scatter_add": index { _ in "scatter(): Expected dtype int32/int64 for index" },
        "scatter": index { _ in "scatter(): Expected dtype int32/int64 for index" },
        "where": ArgumentDType(param: "condition", required: .bool) {
            "where expected condition to be a boolean tensor, but got a tensor with dtype \($0.pytorchTypeName)"
        },
        "masked_fill": ArgumentDType(param: "mask", required: .bool) {
            "masked_fill_ only supports boolean masks, but got mask with dtype \($0.cTypeName)"
        },
        "nll_loss": classTarget,
        // Class indices: a target of the input's shape holds probabilities, which are floating.
        "cross_entropy": ArgumentDType(param: "target", required: .int64, refusal: classTarget.refusal) { tensors in
            tensors.count > 1 && tensors[0]?.shape != tensors[1]?.shape
        },
    ]

    private static let classTarget = ArgumentDType(param: "target", required: .int64) {
        "expected target dtype to be Long or Byte, but got \($0.pytorchTypeName)"
    }

    private static func index(_ refusal: @escaping (DType) -> String) -> ArgumentDType {
        ArgumentDType(param: "index", required: .int64, refusal: refusal)
    }

    /// Refuses a bool index tensor for op `name`.
    static func refuseBoolIndex(_ index: Tensor, _ name: String) throws {
        guard index.dtype == .bool, let rule = argumentDTypes[name] else { return }
        throw OpError.value(rule.refusal(index.dtype))
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
