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

/// One token: its kind and where it is. Its text is `source[range]`.
struct Token {
    let kind: TokenKind
    let range: SourceRange
    /// Set for `.error` tokens only.
    var problem: LexProblem? = nil
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
