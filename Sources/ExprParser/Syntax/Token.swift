import Autograd

/// The kinds of token the lexer produces.
enum TokenKind: Hashable {
    case number, identifier, string
    case plus, minus, star, slash, slashSlash, percent, at, caret, starStar
    case less, lessEqual, greater, greaterEqual, equalEqual, bangEqual
    case leftParen, rightParen, leftBracket, rightBracket
    case comma, colon, semicolon, equal, dot
    case newline, end
    /// Text the lexer could not read; the token's `problem` says why.
    case error
}

/// Why an error token could not be read.
enum LexProblem: Equatable {
    case unexpectedCharacter
    case unterminatedString
    case invalidNumber
}

/// One token: its kind and where it is. Its text is `source[range]`. Offsets are 32-bit, as
/// in `Node`: a token is 12 bytes, and a long program has about one per byte.
struct Token {
    let kind: TokenKind
    /// Set for `.error` tokens only.
    let problem: LexProblem?
    private let start: UInt32, end: UInt32

    init(kind: TokenKind, range: SourceRange, problem: LexProblem? = nil) {
        self.kind = kind
        self.problem = problem
        start = UInt32(range.start)
        end = UInt32(range.end)
    }

    var range: SourceRange { SourceRange(start: Int(start), end: Int(end)) }
}

extension TokenKind {
    /// The token's spelling for messages, for fixed-spelling kinds.
    var spelling: String? {
        switch self {
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .slashSlash: return "//"
        case .percent: return "%"
        case .at: return "@"
        case .caret: return "^"
        case .starStar: return "**"
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .equalEqual: return "=="
        case .bangEqual: return "!="
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .comma: return ","
        case .colon: return ":"
        case .semicolon: return ";"
        case .equal: return "="
        case .dot: return "."
        default: return nil
        }
    }
}
