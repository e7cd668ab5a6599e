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

/// Control characters in text for a terminal: every one is shown escaped, as rustc and git do
/// (`\u{1b}`), so that an expression, a file name or a request cannot move the cursor, retitle
/// the window or clear the screen. Newlines and tabs are kept; so are gradcli's own colour
/// codes (`ESC [ digits ; m`) when `allowColor` is set.
enum TerminalText {
    static func escape(_ text: String, allowColor: Bool = false) -> String {
        guard needsEscaping(text) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\u{1b}", allowColor, let end = colorCodeEnd(scalars, from: i) {
                out.append(contentsOf: scalars[i...end])
                i = end + 1
                continue
            }
            if isUnsafe(c) {
                out.append(contentsOf: "\\u{\(String(c.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(out)
    }

    /// C0 controls but newline and tab, DEL, C1 controls (U+009B is a CSI on many
    /// terminals), and the bidirectional overrides and isolates that reorder displayed text.
    static func isUnsafe(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x0A, 0x09: return false
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// A quick scan of the UTF-8 bytes: most text has nothing to escape.
    private static func needsEscaping(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for b in bytes where (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F || b == 0xC2 || b == 0xE2 { return true }
            return false
        }
    }

    /// The index of the `m` ending an SGR colour code that starts at `start`, if it is one.
    private static func colorCodeEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var j = start + 2
        while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == ";" { j += 1 }
        return j < scalars.count && scalars[j] == "m" ? j : nil
    }
}
