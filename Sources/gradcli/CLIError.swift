import Autograd
import ExprParser

/// An error the command reports: its JSON code, message, optional place in the source,
/// and the exit code of DESIGN.md (64 usage, 65 bad expression or data, 66 unreadable
/// input, 70 internal).
struct CLIError: Error {
    let code: String
    let message: String
    var line: Int?
    var column: Int?
    var endColumn: Int?
    var hint: String?
    /// The caret rendering for stderr, when the error points into some source text.
    var rendered: String?

    var exitCode: Int32 {
        switch code {
        case "usage_error": return 64
        case "io_error": return 66
        case "internal_error": return 70
        default: return 65
        }
    }

    static func io(_ message: String) -> CLIError { CLIError(code: "io_error", message: message) }
    static func value(_ message: String, hint: String? = nil) -> CLIError { CLIError(code: "value_error", message: message, hint: hint) }
    static func shape(_ message: String, hint: String? = nil) -> CLIError { CLIError(code: "shape_error", message: message, hint: hint) }
    static func usage(_ message: String, hint: String? = nil) -> CLIError { CLIError(code: "usage_error", message: message, hint: hint) }

    /// A diagnostic of the expression front end, placed in `source`.
    init(_ diagnostic: Diagnostic, source: String, context: String? = nil, color: Bool) {
        code = diagnostic.code.rawValue
        message = context.map { "\($0): \(diagnostic.message)" } ?? diagnostic.message
        hint = diagnostic.hint
        let start = DiagnosticRenderer.lineColumn(of: diagnostic.range.start, in: source)
        let end = DiagnosticRenderer.lineColumn(of: diagnostic.range.end, in: source)
        line = start.line
        column = start.column
        endColumn = end.line == start.line ? end.column : nil
        rendered = DiagnosticRenderer.render(diagnostic, source: source, color: color)
        if let context { rendered = "in \(context):\n" + rendered! }
    }

    /// An autograd error raised outside any expression (a backward call, a grad output).
    init(_ error: OpError, hint: String? = nil) {
        switch error.kind {
        case .shape: code = "shape_error"
        case .limit: code = "limit_error"
        case .value, .autograd: code = "value_error"
        }
        message = error.message
        self.hint = hint
    }

    init(code: String, message: String, hint: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// The error object of the JSON schema.
    var json: JSON {
        var fields: [(String, JSON)] = [("code", .string(code)), ("message", .string(message))]
        if let line { fields.append(("line", .integer(line))) }
        if let column { fields.append(("column", .integer(column))) }
        if let endColumn { fields.append(("end_column", .integer(endColumn))) }
        if let hint { fields.append(("hint", .string(hint))) }
        return .object([("schema", .integer(1)), ("error", .object(fields))])
    }

    /// The message for stderr.
    var text: String {
        if let rendered { return rendered.hasSuffix("\n") ? rendered : rendered + "\n" }
        var out = "error: \(message)\n"
        if let hint { out += "  = help: \(hint)\n" }
        return out
    }
}
