import Autograd
import ExprParser

/// The class of an error: its JSON `code` and its exit status (64 usage, 65 bad expression
/// or data, 66 unreadable input, 70 internal).
enum ErrorCode: String {
    case parse = "parse_error"
    case name = "name_error"
    case shape = "shape_error"
    case value = "value_error"
    case usage = "usage_error"
    case io = "io_error"
    case limit = "limit_error"
    case `internal` = "internal_error"

    var exitStatus: Int32 {
        switch self {
        case .usage: return 64
        case .io: return 66
        case .internal: return 70
        case .parse, .name, .shape, .value, .limit: return 65
        }
    }
}

/// Every error gradcli reports, whatever layer raised it: a code, a message, an optional hint
/// and an optional place in some source text. `GradcliError.from` is the one place the
/// errors of the other layers (`OpError`, `Diagnostic`) map into it.
struct GradcliError: Error {
    let code: ErrorCode
    let message: String
    var hint: String?
    /// The diagnostic this error came from, with the text it points into.
    var located: Located?
    /// The command whose usage line is shown with the message (mistakes in the arguments).
    var usageOf: String?

    struct Located {
        let diagnostic: Diagnostic
        let source: String
        /// What the source is, when it is not the program (`the value of input x`).
        let context: String?
    }

    init(_ code: ErrorCode, _ message: String, hint: String? = nil, usageOf: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.usageOf = usageOf
    }

    var exitStatus: Int32 { code.exitStatus }

    static func io(_ message: String) -> GradcliError { GradcliError(.io, message) }
    static func value(_ message: String, hint: String? = nil) -> GradcliError { GradcliError(.value, message, hint: hint) }
    static func shape(_ message: String, hint: String? = nil) -> GradcliError { GradcliError(.shape, message, hint: hint) }
    static func limit(_ message: String) -> GradcliError { GradcliError(.limit, message) }
    static func usage(_ message: String, hint: String? = nil) -> GradcliError { GradcliError(.usage, message, hint: hint) }
    /// A mistake in the arguments of `command`: shown with its usage line.
    static func usage(_ message: String, of command: String) -> GradcliError { GradcliError(.usage, message, usageOf: command) }
    static func usage(_ message: String, of command: Command) -> GradcliError { usage(message, of: command.rawValue) }
}

extension GradcliError {
    /// The one mapping of other layers' errors: an autograd error by its kind, a diagnostic of
    /// the expression front end by its code (placed in `source` when given), anything else an
    /// internal error.
    static func from(_ error: Error, source: String? = nil, context: String? = nil) -> GradcliError {
        switch error {
        case let e as GradcliError:
            return e
        case let e as OpError:
            if let range = e.range, source != nil {
                return from(Diagnostic.opFailed(e, at: range), source: source, context: context)
            }
            switch e.kind {
            case .shape: return GradcliError(.shape, e.message)
            case .limit: return GradcliError(.limit, e.message)
            case .value, .autograd: return GradcliError(.value, e.message)
            }
        case let d as Diagnostic:
            let code: ErrorCode
            switch d.code {
            case .parseError: code = .parse
            case .nameError: code = .name
            case .shapeError: code = .shape
            case .valueError: code = .value
            case .limitError: code = .limit
            }
            var mapped = GradcliError(code, context.map { "\($0): \(d.message)" } ?? d.message, hint: d.hint)
            if let source { mapped.located = Located(diagnostic: d, source: source, context: context) }
            return mapped
        default:
            return GradcliError(.internal, "unexpected error: \(error)")
        }
    }

    /// Runs `body`; what it throws is mapped by `from`, diagnostics placed in `source`.
    static func mapping<T>(source: String? = nil, context: String? = nil, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw from(error, source: source, context: context) }
    }

    /// The error object of the JSON schema.
    var json: JSON {
        var fields: [(String, JSON)] = [("code", .string(code.rawValue)), ("message", .string(message))]
        if let located {
            let start = DiagnosticRenderer.lineColumn(of: located.diagnostic.range.start, in: located.source)
            let end = DiagnosticRenderer.lineColumn(of: located.diagnostic.range.end, in: located.source)
            fields += [("line", .integer(start.line)), ("column", .integer(start.column))]
            if end.line == start.line { fields.append(("end_column", .integer(end.column))) }
        }
        if let hint { fields.append(("hint", .string(hint))) }
        return .object([("schema", .integer(1)), ("error", .object(fields))])
    }

    /// The message for stderr: a caret diagnostic when the error has a place, the usage line
    /// when it is a mistake in the arguments.
    func text(color: Bool) -> String {
        if let usageOf { return Help.usageError(message, of: usageOf) }
        if let located {
            var rendered = DiagnosticRenderer.render(located.diagnostic, source: located.source, color: color)
            if let context = located.context { rendered = "in \(context):\n" + rendered }
            return rendered.hasSuffix("\n") ? rendered : rendered + "\n"
        }
        var out = "error: \(message)\n"
        if let hint { out += "  = help: \(hint)\n" }
        return out
    }
}

extension GradcliError {
    /// The same error with a suggestion.
    func with(hint: String?) -> GradcliError {
        var error = self
        error.hint = hint
        return error
    }
}
