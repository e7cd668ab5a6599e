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
    /// Where in the program the op that failed came from, when the error arose in a backward
    /// pass (forward errors are placed by the front end that made the call).
    public private(set) var range: SourceRange?

    /// Creates an error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// This error placed at `range`, unless it already has a place (the innermost op's wins).
    public func placed(at range: SourceRange?) -> OpError {
        var placed = self
        placed.range = self.range ?? range
        return placed
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
