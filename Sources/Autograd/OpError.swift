/// An error raised by an op or by the backward engine.
///
/// The kind tells callers (the parser, the CLI) how to classify it; the message
/// follows PyTorch's wording where PyTorch has one.
public struct OpError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, broadly.
    public enum Kind: String, Equatable {
        /// Shapes do not fit the op (broadcasting, matmul, reshape...).
        case shape
        /// A value is outside what the op accepts (a dimension out of range, a bad keyword value).
        case value
        /// The autograd engine was used in a way it does not allow (PyTorch's RuntimeError cases).
        case autograd
        /// A result would exceed a documented limit (`Tensor.maxElementCount`).
        case limit
    }

    /// The broad class of the error.
    public let kind: Kind
    /// A one-line message without a trailing period.
    public let message: String

    /// Creates an error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// A shape error.
    public static func shape(_ message: String) -> OpError { OpError(.shape, message) }
    /// A value error.
    public static func value(_ message: String) -> OpError { OpError(.value, message) }
    /// A limit error.
    public static func limit(_ message: String) -> OpError { OpError(.limit, message) }
    /// An autograd usage error.
    public static func autograd(_ message: String) -> OpError { OpError(.autograd, message) }

    public var description: String { message }
}
