import Autograd

/// The class of a diagnostic; the raw value is the JSON `code` of the error record.
public enum DiagnosticCode: String {
    /// The text is not a well-formed program.
    case parseError = "parse_error"
    /// A name (variable, function, keyword argument) is unknown.
    case nameError = "name_error"
    /// Shapes do not fit an operator or function.
    case shapeError = "shape_error"
    /// A value is not acceptable (an argument of the wrong kind, an op's domain).
    case valueError = "value_error"
    /// A documented limit was exceeded (nesting depth).
    case limitError = "limit_error"
}

/// Whether a diagnostic stops evaluation.
public enum Severity: String {
    /// Evaluation stopped.
    case error
    /// Evaluation went on; the user may want to know.
    case warning
}

/// A problem found in a program, as data: what, where, and a suggestion.
///
/// The messages live in one catalog (the static constructors in `Diagnostic+Catalog.swift`);
/// `DiagnosticRenderer` turns a diagnostic into text.
public struct Diagnostic: Error {
    /// The class of the problem.
    public let code: DiagnosticCode
    /// A one-line message without a trailing period.
    public let message: String
    /// The offending part of the source.
    public let range: SourceRange
    /// An optional suggestion, such as "did you mean `sqrt`?".
    public let hint: String?
    /// Error or warning.
    public let severity: Severity

    /// Creates a diagnostic; prefer the catalog's constructors.
    public init(code: DiagnosticCode, message: String, range: SourceRange, hint: String? = nil,
                severity: Severity = .error) {
        self.code = code
        self.message = message
        self.range = range
        self.hint = hint
        self.severity = severity
    }
}

extension Diagnostic: CustomStringConvertible {
    /// The message with its byte range, for debugging; use `DiagnosticRenderer` for users.
    public var description: String { "\(severity.rawValue)[\(code.rawValue)] \(range.start)..<\(range.end): \(message)" }
}
