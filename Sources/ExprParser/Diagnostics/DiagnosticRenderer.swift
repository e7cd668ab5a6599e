import Autograd

/// Turns diagnostics into the text users read, in rustc's layout:
///
/// ```
/// error: unknown function `sqr`
///  --> 1:1
///   |
/// 1 | sqr(x)
///   | ^^^
///   = help: did you mean `sqrt`?
/// ```
///
/// Columns are 1-based and count Unicode scalars; the underline covers the whole range
/// (up to the end of its first line, and at least one column).
public enum DiagnosticRenderer {
    /// Renders `d` against the `source` it refers to, with ANSI colour when `color` is true.
    /// The result ends with a newline.
    public static func render(_ d: Diagnostic, source: String, color: Bool) -> String {
        let style = Style(enabled: color)
        let bytes = Array(source.utf8)
        let start = Swift.min(Swift.max(d.range.start, 0), bytes.count)
        let (line, column) = lineColumn(of: start, in: source)
        var lineStart = start
        while lineStart > 0 && bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
        var lineEnd = start
        while lineEnd < bytes.count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
        var textEnd = lineEnd
        if textEnd > lineStart && bytes[textEnd - 1] == UInt8(ascii: "\r") { textEnd -= 1 }
        let lineText = String(decoding: bytes[lineStart..<textEnd], as: UTF8.self)

        // The underline keeps tabs so that it lines up with the source line.
        var pad = ""
        for b in bytes[lineStart..<start] where !isContinuation(b) { pad += b == UInt8(ascii: "\t") ? "\t" : " " }
        let underlineEnd = Swift.min(Swift.max(d.range.end, start), textEnd)
        let width = Swift.max(1, bytes[Swift.min(start, underlineEnd)..<underlineEnd].filter { !isContinuation($0) }.count)

        let number = String(line)
        let gutter = String(repeating: " ", count: number.count)
        let severityColor = d.severity == .error ? style.red : style.yellow
        var out = style.paint(d.severity.rawValue, severityColor) + style.paint(": " + d.message, style.bold) + "\n"
        out += gutter + style.paint("-->", style.blue) + " \(line):\(column)\n"
        out += gutter + " " + style.paint("|", style.blue) + "\n"
        out += style.paint(number + " |", style.blue) + (lineText.isEmpty ? "" : " " + lineText) + "\n"
        out += gutter + " " + style.paint("|", style.blue) + " " + pad
            + style.paint(String(repeating: "^", count: width), severityColor) + "\n"
        if let hint = d.hint {
            out += gutter + " " + style.paint("=", style.blue) + style.paint(" help:", style.bold) + " " + hint + "\n"
        }
        return out
    }

    /// The 1-based line and column of the UTF-8 byte `offset` in `source`; columns count
    /// Unicode scalars. An offset past the end refers to the end.
    public static func lineColumn(of offset: Int, in source: String) -> (line: Int, column: Int) {
        var line = 1, column = 1, index = 0
        for b in source.utf8 {
            if index >= offset { break }
            index += 1
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if !isContinuation(b) {
                column += 1
            }
        }
        return (line, column)
    }

    private static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    /// ANSI escapes, or nothing when colour is off.
    private struct Style {
        let enabled: Bool
        let red = "\u{1B}[1;31m", yellow = "\u{1B}[1;33m", blue = "\u{1B}[1;34m", bold = "\u{1B}[1m"

        func paint(_ text: String, _ code: String) -> String {
            enabled ? code + text + "\u{1B}[0m" : text
        }
    }
}
