import Autograd

/// Splits program text into tokens. It never fails: text it cannot read becomes an
/// `.error` token, which the parser reports when it reaches it.
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    private var tokens: [Token] = []

    /// Tokenizes `bytes` (UTF-8); the result always ends with an `.end` token.
    static func tokenize(_ bytes: [UInt8]) -> [Token] {
        var lexer = Lexer(bytes: bytes)
        lexer.run()
        return lexer.tokens
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        position + ahead < bytes.count ? bytes[position + ahead] : 0
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
    }

    /// True when the previous token ends an operand, so a following `.` is member access
    /// (`x.T`) rather than the start of a number (`.5`).
    private var afterOperand: Bool {
        guard let last = tokens.last?.kind else { return false }
        return [.identifier, .number, .string, .rightParen, .rightBracket].contains(last)
    }

    private mutating func emit(_ kind: TokenKind, from start: Int, problem: LexProblem? = nil) {
        tokens.append(Token(kind: kind, range: SourceRange(start: start, end: position), problem: problem))
    }

    private mutating func run() {
        while position < bytes.count {
            let start = position
            let b = bytes[position]
            switch b {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                position += 1
            case UInt8(ascii: "\n"):
                position += 1
                emit(.newline, from: start)
            case UInt8(ascii: "#"):
                while position < bytes.count && bytes[position] != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                lexString(quote: b)
            case _ where Lexer.isDigit(b) || (b == UInt8(ascii: ".") && Lexer.isDigit(peek(1)) && !afterOperand):
                lexNumber()
            case UInt8(ascii: ".") where peek(1) == UInt8(ascii: ".") && peek(2) == UInt8(ascii: "."):
                // Python's Ellipsis, as an index (`x[..., 0]`): a name the lowering knows.
                position += 3
                emit(.identifier, from: start)
            case _ where Lexer.isIdentifierStart(b):
                while Lexer.isIdentifierStart(peek()) || Lexer.isDigit(peek()) { position += 1 }
                emit(.identifier, from: start)
            default:
                lexOperator(b)
            }
        }
        tokens.append(Token(kind: .end, range: SourceRange(start: bytes.count, end: bytes.count)))
    }

    private mutating func lexNumber() {
        let start = position
        while Lexer.isDigit(peek()) { position += 1 }
        if peek() == UInt8(ascii: ".") && !Lexer.isIdentifierStart(peek(1)) {
            position += 1
            while Lexer.isDigit(peek()) { position += 1 }
        }
        var valid = true
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            valid = Lexer.isDigit(peek())
            while Lexer.isDigit(peek()) { position += 1 }
        }
        // `2x` is two tokens, but `1e5x` or `3_0` glued to a number is one bad number.
        if !valid || peek() == UInt8(ascii: "_") {
            while Lexer.isIdentifierStart(peek()) || Lexer.isDigit(peek()) { position += 1 }
            emit(.error, from: start, problem: .invalidNumber)
        } else {
            emit(.number, from: start)
        }
    }

    private mutating func lexString(quote: UInt8) {
        let start = position
        position += 1
        while position < bytes.count && bytes[position] != quote && bytes[position] != UInt8(ascii: "\n") {
            position += 1
        }
        if peek() == quote {
            position += 1
            emit(.string, from: start)
        } else {
            emit(.error, from: start, problem: .unterminatedString)
        }
    }

    private mutating func lexOperator(_ b: UInt8) {
        let start = position
        let next = peek(1)
        let kind: TokenKind?
        var length = 1
        switch b {
        case UInt8(ascii: "+"): kind = .plus
        case UInt8(ascii: "-"): kind = .minus
        case UInt8(ascii: "*"):
            if next == UInt8(ascii: "*") { kind = .starStar; length = 2 } else { kind = .star }
        case UInt8(ascii: "/"):
            if next == UInt8(ascii: "/") { kind = .slashSlash; length = 2 } else { kind = .slash }
        case UInt8(ascii: "%"): kind = .percent
        case UInt8(ascii: "@"): kind = .at
        case UInt8(ascii: "^"): kind = .caret
        case UInt8(ascii: "<"):
            if next == UInt8(ascii: "=") { kind = .lessEqual; length = 2 } else { kind = .less }
        case UInt8(ascii: ">"):
            if next == UInt8(ascii: "=") { kind = .greaterEqual; length = 2 } else { kind = .greater }
        case UInt8(ascii: "="):
            if next == UInt8(ascii: "=") { kind = .equalEqual; length = 2 } else { kind = .equal }
        case UInt8(ascii: "!"):
            kind = next == UInt8(ascii: "=") ? .bangEqual : nil
            length = next == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "("): kind = .leftParen
        case UInt8(ascii: ")"): kind = .rightParen
        case UInt8(ascii: "["): kind = .leftBracket
        case UInt8(ascii: "]"): kind = .rightBracket
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: ":"): kind = .colon
        case UInt8(ascii: ";"): kind = .semicolon
        case UInt8(ascii: "."): kind = .dot
        default: kind = nil
        }
        if let kind {
            position += length
            emit(kind, from: start)
        } else {
            // Take the whole UTF-8 sequence so the message shows the character.
            position += 1
            while position < bytes.count && bytes[position] & 0xC0 == 0x80 { position += 1 }
            emit(.error, from: start, problem: .unexpectedCharacter)
        }
    }
}
