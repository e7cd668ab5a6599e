import Glibc

/// A JSON syntax error with the 1-based line and column where reading stopped.
struct JSONError: Error {
    let message: String
    let line: Int
    let column: Int
}

/// Reads one JSON text (RFC 8259). Nesting is bounded so hostile input cannot exhaust the stack.
struct JSONParser {
    /// The deepest array/object nesting accepted.
    static let maxDepth = 512

    private let bytes: ArraySlice<UInt8>
    private var index: Int
    private var depth = 0

    private init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    /// Parses `text`, which must hold exactly one JSON value (surrounding whitespace allowed).
    static func parse(_ text: String) throws -> JSON {
        try parse(Array(text.utf8)[...])
    }

    /// Parses UTF-8 `bytes` holding exactly one JSON value.
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSON {
        var parser = JSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == parser.bytes.endIndex else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private func error(_ message: String) -> JSONError {
        var line = 1, column = 1
        for b in bytes[..<min(index, bytes.endIndex)] {
            if b == UInt8(ascii: "\n") { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return JSONError(message: message, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while index < bytes.endIndex {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ literal: String, _ value: JSON) throws -> JSON {
        let lit = Array(literal.utf8)
        guard index + lit.count <= bytes.endIndex, Array(bytes[index..<index + lit.count]) == lit else {
            throw error("invalid JSON value")
        }
        index += lit.count
        return value
    }

    private mutating func parseValue() throws -> JSON {
        guard index < bytes.endIndex else { throw error("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseContainer(object: true)
        case UInt8(ascii: "["): return try parseContainer(object: false)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("invalid JSON value")
        }
    }

    private mutating func parseContainer(object: Bool) throws -> JSON {
        depth += 1
        defer { depth -= 1 }
        guard depth <= JSONParser.maxDepth else { throw error("JSON nested deeper than \(JSONParser.maxDepth) levels") }
        let close = UInt8(ascii: object ? "}" : "]")
        index += 1
        var items: [JSON] = []
        var pairs: [(String, JSON)] = []
        skipWhitespace()
        if index < bytes.endIndex, bytes[index] == close {
            index += 1
            return object ? .object([]) : .array([])
        }
        while true {
            skipWhitespace()
            if object {
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
                index += 1
                skipWhitespace()
                pairs.append((key, try parseValue()))
            } else {
                items.append(try parseValue())
            }
            skipWhitespace()
            guard index < bytes.endIndex else { throw error("unexpected end of JSON") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == close { index += 1; break }
            throw error(object ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
        }
        return object ? .object(pairs) : .array(items)
    }

    private mutating func parseNumber() throws -> JSON {
        let start = index
        var integral = true
        scan: while index < bytes.endIndex {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"): index += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): integral = false; index += 1
            default: break scan
            }
        }
        let digits = bytes[start..<index]
        guard digits.first != UInt8(ascii: "+"), digits.last != UInt8(ascii: "."), digits.count < 64 else {
            index = start
            throw error("invalid number")
        }
        // Integers stay integers, so an echoed id reads back exactly as it was written.
        if integral, let integer = Self.integer(digits) { return .integer(integer) }
        // strtod on a NUL-terminated copy: no String on this path, which batch input hits hard.
        var value = 0.0, consumed = 0
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: digits.count + 1) { buffer in
            for (i, byte) in digits.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[digits.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            value = strtod(buffer.baseAddress!, &end)
            consumed = end.map { $0 - buffer.baseAddress! } ?? 0
        }
        guard consumed == digits.count else { index = start; throw error("invalid number") }
        guard value.isFinite else { index = start; throw error("number out of range: \(String(decoding: digits, as: UTF8.self))") }
        return .number(value)
    }

    /// The value of an optional minus sign and decimal digits that fit an `Int`.
    private static func integer(_ digits: ArraySlice<UInt8>) -> Int? {
        var rest = digits[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.count <= 18, rest.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let magnitude = rest.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return negative ? -magnitude : magnitude
    }

    private mutating func parseString() throws -> String {
        index += 1
        // Fast path: no escapes, so the bytes are the string.
        var end = index
        while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 {
            end += 1
        }
        if end < bytes.endIndex, bytes[end] == UInt8(ascii: "\"") {
            defer { index = end + 1 }
            return String(decoding: bytes[index..<end], as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        var run = index
        func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars) }
        while index < bytes.endIndex {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                flush(index)
                index += 1
                return String(scalars)
            }
            if b < 0x20 { throw error("control character in a string") }
            if b != UInt8(ascii: "\\") { index += 1; continue }
            flush(index)
            index += 1
            guard index < bytes.endIndex else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), index + 1 < bytes.endIndex,
                   bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    // A high surrogate joins the low one after it; when none follows, it stays
                    // alone (U+FFFD) and the next escape is read on its own.
                    let afterHigh = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        index = afterHigh
                    }
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: throw error("invalid escape in a string")
            }
            run = index
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.endIndex, let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw error("invalid \\u escape")
        }
        index += 4
        return v
    }
}
