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

    /// True for float32 and float64, the dtypes that can require gradients.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    /// The name PyTorch prints: `torch.float32`.
    public var torchName: String { "torch." + rawValue }

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
    static let dtype = Param("dtype", .string(choices: DType.allCases.map(\.rawValue)), default: AttrValue.none)
}

extension Attrs {
    /// The dtype named by attribute `name` (`dtype=` by default), or nil when it is None.
    public func dtype(_ name: String = "dtype") throws -> DType? {
        guard let text = string(name) else { return nil }
        guard let dtype = DType(name: text) else { throw OpError.value("unknown dtype '\(text)'") }
        return dtype
    }
}
