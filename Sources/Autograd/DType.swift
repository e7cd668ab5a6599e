/// The element type of a tensor, with PyTorch's names.
///
/// Storage design: every tensor keeps its elements as `Double`, whatever its dtype. A float32
/// tensor holds only doubles that are exactly representable as `Float` (each op's result is
/// rounded to float32 once), which for `+ - * /` and `sqrt` gives exactly the float32 result,
/// since a double carries more than twice float32's precision. An int64 tensor holds integral
/// doubles (exact up to 2^53), a bool tensor 0 and 1. One storage type keeps every float64
/// kernel as fast as it was, and lets each op state its dtype rule once.
public enum DType: String, CaseIterable, Sendable {
    case bool
    case int64
    case float32
    case float64

    /// Whether an in-place op may write a result of this dtype into a tensor of `target`
    /// (PyTorch's `canCast`): not a floating result into an integer or bool tensor, nor an
    /// integer one into a bool tensor.
    public func canCast(to target: DType) -> Bool {
        if isFloatingPoint && !target.isFloatingPoint { return false }
        return target != .bool || self == .bool
    }

    /// True for float32 and float64, the dtypes that can require gradients.
    @inlinable public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64: return true
        case .bool, .int64: return false
        }
    }

    /// True for float64. Every op asks, so this is a pattern match rather than `==`
    /// (which a raw-value enum may route through its String raw values).
    @inlinable public var isFloat64: Bool {
        if case .float64 = self { return true }
        return false
    }

    /// True for float32 (see `isFloat64`).
    @inlinable public var isFloat32: Bool {
        if case .float32 = self { return true }
        return false
    }

    /// The scalar type name PyTorch's messages use: `Float`, `Double`, `Long`, `Bool`.
    public var pytorchTypeName: String {
        switch self {
        case .bool: return "Bool"
        case .int64: return "Long"
        case .float32: return "Float"
        case .float64: return "Double"
        }
    }

    /// The legacy tensor type name PyTorch's messages use: `FloatTensor`, `LongTensor`, ...
    public var legacyTensorTypeName: String { pytorchTypeName + "Tensor" }

    /// Bytes per element in PyTorch's storage (`torch.float32.itemsize`).
    public var itemSize: Int {
        switch self {
        case .bool: return 1
        case .float32: return 4
        case .int64, .float64: return 8
        }
    }

    /// The name PyTorch prints: `torch.float32`.
    public var torchName: String { "torch." + rawValue }

    /// Every name `init(name:)` reads without the `torch.` prefix, canonical names first.
    public static let acceptedNames = ["float32", "float64", "int64", "bool", "float", "double", "long"]

    /// PyTorch dtype names gradcli does not have, for a clear error rather than "unknown variable".
    public static let unsupportedNames: Set<String> = [
        "float16", "half", "bfloat16", "int32", "int", "int16", "short", "int8", "uint8", "uint16", "uint32", "uint64",
        "complex64", "complex128", "cfloat", "cdouble", "float8_e4m3fn", "float8_e5m2",
    ]

    /// Reads a dtype name as PyTorch spells it, with or without `torch.`: `float32`,
    /// `float`, `float64`, `double`, `int64`, `long`, `bool`.
    public init?(name: String) {
        let bare = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        switch bare {
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        case "int64", "long": self = .int64
        case "bool": self = .bool
        default: return nil
        }
    }
}

extension Param {
    /// The `dtype=` parameter of factories and conversions: a dtype name, or None for the
    /// default floating dtype.
    static let dtype = Param("dtype", .string(choices: DType.acceptedNames), default: AttrValue.none, keywordOnly: true)
}

extension Attrs {
    /// The dtype named by attribute `name` (`dtype=` by default), or nil when it is None.
    public func dtype(_ name: String = "dtype") throws -> DType? {
        guard let text = string(name) else { return nil }
        guard let dtype = DType(name: text) else { throw OpError.value("unknown dtype '\(text)'") }
        return dtype
    }
}

extension DType {
    /// PyTorch's dtype categories, lowest first: bool < integer < floating.
    var category: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32, .float64: return 2
        }
    }

    /// The smaller dtype that holds both, like `torch.promote_types` (the four dtypes form a chain).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        a.order >= b.order ? a : b
    }

    private var order: Int {
        switch self {
        case .bool: return 0
        case .int64: return 1
        case .float32: return 2
        case .float64: return 3
        }
    }

    /// PyTorch's `combine_categories`: the higher-priority operand's dtype, unless the lower
    /// one is of a higher category, which then raises the category (never the width).
    static func combineCategories(_ higher: DType?, _ lower: DType?) -> DType? {
        guard let higher else { return lower }
        guard let lower else { return higher }
        if higher.isFloatingPoint { return higher }
        if higher == .bool || lower.isFloatingPoint { return promote(higher, lower) }
        return higher
    }

    /// `torch.result_type` of operands: dimensioned tensors come first, then zero-dim tensors,
    /// then wrapped numbers (Python scalars, a Python float counting as the default dtype).
    /// Zero-dim tensors and wrapped numbers only raise the category, never the width.
    public static func resultType(_ operands: [Variable]) -> DType {
        // The common case first: when every tensor has one floating dtype, no Python number
        // can change it (a Python number only decides among tensors of a lower category).
        var shared: DType?, allShared = true
        for v in operands where !v.isWrappedNumber {
            let dtype = v.storedValue.dtype
            if shared == nil { shared = dtype } else if shared != dtype { allShared = false; break }
        }
        if allShared, let shared, shared.isFloatingPoint { return shared }
        var dimensioned: DType?, zeroDim: DType?, wrapped: DType?
        for v in operands {
            let (dtype, isDimensioned, isWrapped) = v.promotionKey
            if isWrapped {
                let counted = dtype.isFloatingPoint ? DefaultDType.current : dtype
                wrapped = wrapped.map { promote($0, counted) } ?? counted
            } else if isDimensioned {
                dimensioned = dimensioned.map { promote($0, dtype) } ?? dtype
            } else {
                zeroDim = zeroDim.map { promote($0, dtype) } ?? dtype
            }
        }
        return combineCategories(dimensioned, combineCategories(zeroDim, wrapped)) ?? DefaultDType.current
    }

    /// `value` as this dtype holds it: rounded to the nearest float32, truncated toward zero
    /// for int64 (NaN and infinities become int64's minimum, as PyTorch's CPU cast gives),
    /// 0 or 1 for bool (NaN is true).
    @inline(__always)
    public func convert(_ value: Double) -> Double {
        switch self {
        case .float64: return value
        case .float32: return Double(Float(value))
        case .int64:
            guard value.isFinite, Swift.abs(value) < 0x1p63 else { return -0x1p63 }
            return value.rounded(.towardZero)
        case .bool: return value != 0 ? 1 : 0
        }
    }
}

extension Tensor {
    /// This tensor cast to `dtype`, as `tensor.to(dtype)` casts: see `DType.convert`.
    /// Costs no pass over the data when the values need no change (float64, or int64 to float64).
    public func converted(to target: DType) -> Tensor {
        var out = self
        out.dtype = target
        if target == .float64 || target == dtype { return out }
        if target == .int64 && dtype == .bool || target == .float32 && dtype == .bool { return out }
        // Python numbers such as 2 or 0.5 are float32 values already: no new storage for them.
        if target == .float32 && count <= 4 && data.allSatisfy({ Double(Float($0)) == $0 }) { return out }
        out.data = data.map(target.convert)
        return out
    }
}

extension DTypeRule {
    /// PyTorch's refusal of a CPU kernel that has no version for `dtype`.
    static func notImplemented(_ kernel: String, _ dtype: DType) -> String {
        "\"\(kernel)\" not implemented for '\(dtype.pytorchTypeName)'"
    }

    /// The ops table's text for the rules that refuse a bool result.
    static let boolRefused = "all but bool; result as `torch.result_type`"

    /// As `promote`, refusing a bool result as PyTorch's kernel `kernel` does (`abs`, `floor`).
    static func noBoolKernel(_ kernel: String) -> DTypeRule {
        .promoteRefusing(accepted: boolRefused) { _, _, t in t == .bool ? notImplemented(kernel, t) : nil }
    }

    /// As `promote`, refusing a bool result with PyTorch's `message` (`relu`, `argmax`).
    static func noBool(_ message: String) -> DTypeRule {
        .promoteRefusing(accepted: boolRefused) { _, _, t in t == .bool ? message : nil }
    }

    /// Floating inputs only, refusing integers and bools as PyTorch's kernel `kernel` does
    /// (`gelu`, `leaky_relu`: unlike `exp`, these do not compute integers in floating point).
    static func floatingKernel(_ kernel: String) -> DTypeRule {
        .promoteRefusing(accepted: "float32, float64") { _, _, t in t.isFloatingPoint ? nil : notImplemented(kernel, t) }
    }

    /// Floating inputs only, with the message of PyTorch's `linalg` functions (`linalg.det`).
    static func floatingLinalg(_ name: String) -> DTypeRule {
        .floatingOnly { "\(name): Expected a floating point or complex tensor as input. Got \($0)" }
    }
}
