// The tokenizer of `gradcli run`, after CPython's Parser/tokenizer.c: indentation becomes
// INDENT/DEDENT tokens from a stack of column widths; blank and comment-only lines (at any
// column, also column 0 inside a block) never change the stack; newlines inside brackets are
// ignored; a dedent to a width not on the stack is Python's "unindent does not match" error.

/// One token of a Python program.
struct PyToken {
    enum Kind: Equatable {
        case name, int, float, string, op, newline, indent, dedent, end
    }
    let kind: Kind
    /// The spelling (an operator, a name, a number), or the decoded text of a string.
    let text: String
    /// UTF-8 byte offsets into the source.
    let start: Int
    let end: Int
    /// 1-based line of the token's start.
    let line: Int
    /// For strings: the prefix letters, lowercased (`f`, `r`, `rf`...).
    var prefix: String = ""
}

/// A syntax error with Python's wording, at a byte range of the source.
public struct ScriptSyntaxError: Error {
    /// The message, such as `expected ':'` or `invalid syntax`.
    public let message: String
    /// UTF-8 byte offsets of the offending text.
    public let start: Int
    public let end: Int
    /// True for code that is valid Python but outside the subset gradcli runs.
    public let unsupported: Bool

    init(_ message: String, start: Int, end: Int, unsupported: Bool = false) {
        self.message = message
        self.start = start
        self.end = Swift.max(end, start + 1)
        self.unsupported = unsupported
    }
}

struct PyLexer {
    private let bytes: [UInt8]
    private var pos = 0
    private var line = 1
    private var depth = 0
    private var indents = [0]
    private var tokens: [PyToken] = []
    private var atLineStart = true

    init(_ source: String) { bytes = Array(source.utf8) }

    static let operators3 = ["**=", "//=", ">>=", "<<=", "..."]
    static let operators2 = ["**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "@=", "&=", "|=",
                             "^=", "->", "<<", ">>", ":="]
    static let operators1 = Set("+-*/%@&|^~<>()[]{},:;.=".utf8)

    static func tokenize(_ source: String) throws -> [PyToken] {
        var lexer = PyLexer(source)
        try lexer.run()
        return lexer.tokens
    }

    private func peek(_ k: Int = 0) -> UInt8 { pos + k < bytes.count ? bytes[pos + k] : 0 }

    private mutating func add(_ kind: PyToken.Kind, _ text: String, from start: Int, prefix: String = "") {
        tokens.append(PyToken(kind: kind, text: text, start: start, end: pos, line: line, prefix: prefix))
    }

    private mutating func run() throws {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        while pos < bytes.count {
            if atLineStart && depth == 0 {
                if try indentation() { continue }
            }
            let c = peek()
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0C, UInt8(ascii: "\r"):
                pos += 1
            case UInt8(ascii: "#"):
                while pos < bytes.count && peek() != UInt8(ascii: "\n") { pos += 1 }
            case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "\n"):
                pos += 2; line += 1
            case UInt8(ascii: "\n"):
                if depth == 0 && tokens.last.map({ $0.kind != .newline }) == true {
                    tokens.append(PyToken(kind: .newline, text: "", start: pos, end: pos + 1, line: line))
                }
                pos += 1; line += 1
                // Inside brackets a line has no indentation, even after the bracket closes on it.
                atLineStart = depth == 0
            default:
                try token()
            }
        }
        if tokens.last.map({ $0.kind != .newline && $0.kind != .dedent }) == true {
            tokens.append(PyToken(kind: .newline, text: "", start: pos, end: pos, line: line))
        }
        if depth > 0, let open = tokens.last(where: { $0.kind == .op && "([{".contains($0.text) }) {
            throw ScriptSyntaxError("'\(open.text)' was never closed", start: open.start, end: open.end)
        }
        while indents.count > 1 { indents.removeLast(); add(.dedent, "", from: pos) }
        add(.end, "", from: pos)
    }

    /// Reads a line's indentation; returns true when the line was blank or a comment (skipped).
    private mutating func indentation() throws -> Bool {
        var column = 0, p = pos
        while p < bytes.count {
            if bytes[p] == UInt8(ascii: " ") { column += 1 } else if bytes[p] == UInt8(ascii: "\t") { column = (column / 8 + 1) * 8 }
            else if bytes[p] == 0x0C { column = 0 } else { break }
            p += 1
        }
        let next = p < bytes.count ? bytes[p] : UInt8(ascii: "\n")
        if next == UInt8(ascii: "#") || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
            while p < bytes.count && bytes[p] != UInt8(ascii: "\n") { p += 1 }
            if p < bytes.count { p += 1; line += 1 }
            pos = p
            return true
        }
        atLineStart = false
        let start = pos
        pos = p
        if column > indents.last! {
            if tokens.isEmpty { throw ScriptSyntaxError("unexpected indent", start: start, end: p) }
            indents.append(column)  // the parser reports an INDENT where no block may start
            add(.indent, "", from: start)
        } else {
            while column < indents.last! {
                indents.removeLast()
                add(.dedent, "", from: p)
            }
            if column != indents.last! {
                throw ScriptSyntaxError("unindent does not match any outer indentation level", start: start, end: p)
            }
        }
        return false
    }

    private mutating func token() throws {
        let start = pos
        let c = peek()
        if isNameStart(c) {
            while pos < bytes.count && isNameContinue(peek()) { pos += 1 }
            let word = String(decoding: bytes[start..<pos], as: UTF8.self)
            let quote = peek()
            if (quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"")), word.count <= 2,
               word.lowercased().allSatisfy({ "rfbu".contains($0) }) {
                try string(prefix: word.lowercased(), start: start)
                return
            }
            add(.name, word, from: start)
            return
        }
        if isDigit(c) || (c == UInt8(ascii: ".") && isDigit(peek(1))) { try number(start); return }
        if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") { try string(prefix: "", start: start); return }
        for op in PyLexer.operators3 + PyLexer.operators2 where matches(op) {
            pos += op.utf8.count
            add(.op, op, from: start)
            return
        }
        if PyLexer.operators1.contains(c) {
            pos += 1
            let text = String(UnicodeScalar(c))
            if "([{".contains(text) { depth += 1 }
            if ")]}".contains(text) {
                guard depth > 0 else { throw ScriptSyntaxError("unmatched '\(text)'", start: start, end: pos) }
                depth -= 1
            }
            add(.op, text, from: start)
            return
        }
        if c == UInt8(ascii: "!") {
            throw ScriptSyntaxError("invalid syntax", start: start, end: start + 1)
        }
        var end = pos + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        let character = String(decoding: bytes[pos..<end], as: UTF8.self)
        throw ScriptSyntaxError("invalid character '\(character)'", start: start, end: end)
    }

    private func matches(_ op: String) -> Bool {
        for (k, b) in op.utf8.enumerated() where peek(k) != b { return false }
        return true
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    private func isNameStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c >= 0x80
    }
    private func isNameContinue(_ c: UInt8) -> Bool { isNameStart(c) || isDigit(c) }

    private mutating func number(_ start: Int) throws {
        var isFloat = false
        if peek() == UInt8(ascii: "0"), "xXoObB".utf8.contains(peek(1)) {
            pos += 2
            while pos < bytes.count && (isNameContinue(peek())) { pos += 1 }
        } else {
            while isDigit(peek()) || peek() == UInt8(ascii: "_") { pos += 1 }
            if peek() == UInt8(ascii: ".") { isFloat = true; pos += 1; while isDigit(peek()) || peek() == UInt8(ascii: "_") { pos += 1 } }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                let save = pos
                pos += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { pos += 1 }
                if isDigit(peek()) { isFloat = true; while isDigit(peek()) { pos += 1 } } else { pos = save }
            }
        }
        if peek() == UInt8(ascii: "j") || peek() == UInt8(ascii: "J") {
            throw ScriptSyntaxError("complex numbers are not supported in gradcli run", start: start, end: pos + 1, unsupported: true)
        }
        if isNameStart(peek()) { throw ScriptSyntaxError("invalid decimal literal", start: start, end: pos + 1) }
        let text = String(String(decoding: bytes[start..<pos], as: UTF8.self).filter { $0 != "_" })
        add(isFloat ? .float : .int, text, from: start)
    }

    private mutating func string(prefix: String, start: Int) throws {
        if prefix.contains("b") {
            throw ScriptSyntaxError("bytes literals are not supported in gradcli run", start: start, end: pos + 1, unsupported: true)
        }
        let quote = peek()
        let triple = peek(1) == quote && peek(2) == quote
        pos += triple ? 3 : 1
        let raw = prefix.contains("r"), formatted = prefix.contains("f")
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count, triple || peek() != UInt8(ascii: "\n") else {
                throw ScriptSyntaxError(triple ? "unterminated triple-quoted string literal (detected at line \(line))"
                                               : "unterminated string literal (detected at line \(line))",
                                        start: start, end: pos)
            }
            let c = peek()
            if c == quote && (!triple || (peek(1) == quote && peek(2) == quote)) { pos += triple ? 3 : 1; break }
            if c == UInt8(ascii: "\n") { line += 1 }
            if c == UInt8(ascii: "\\") && !raw {
                let e = peek(1)
                pos += 2
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "0"): out.append(0)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "\n"): line += 1
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let digits = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
                    let hex = String(decoding: bytes[pos..<Swift.min(pos + digits, bytes.count)], as: UTF8.self)
                    guard hex.count == digits, let code = UInt32(hex, radix: 16), let scalar = UnicodeScalar(code) else {
                        throw ScriptSyntaxError("(unicode error) truncated escape", start: pos - 2, end: pos)
                    }
                    out += Array(String(Character(scalar)).utf8)
                    pos += digits
                default:
                    out += [UInt8(ascii: "\\"), e]
                }
                continue
            }
            if c == UInt8(ascii: "\\") && raw { out.append(c); pos += 1; out.append(peek()); pos += 1; continue }
            out.append(c)
            pos += 1
        }
        add(.string, String(decoding: out, as: UTF8.self), from: start, prefix: formatted ? "f" : "")
    }
}
