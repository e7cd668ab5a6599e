import Autograd

/// How a token behaves as an operator: the one binding-power table that drives the parser.
///
/// Higher binding powers bind tighter. An infix operator with `left < right` is
/// left-associative; `left > right` makes it right-associative (`^`, `**`).
struct OperatorRule {
    /// Prefix operator and the binding power of its operand.
    var prefix: (op: UnaryOp, right: Int)? = nil
    /// Infix operator and its left and right binding powers.
    var infix: (op: BinaryOp, left: Int, right: Int)? = nil
    /// Binding power of a postfix construct: call `(`, index `[`, member `.`.
    var postfix: Int? = nil
}

enum OperatorTable {

    /// Loosest first: comparisons; `+ -`; `* / // % @`; unary `- +`; `^ **` (right-assoc); postfix.
    /// A switch rather than a dictionary: a table keyed by `TokenKind` costs the runtime a
    /// conformance lookup at start-up, more than parsing a typical expression.
    static func rule(_ kind: TokenKind) -> OperatorRule? {
        switch kind {
        case .less: return OperatorRule(infix: (.less, 1, 2))
        case .lessEqual: return OperatorRule(infix: (.lessEqual, 1, 2))
        case .greater: return OperatorRule(infix: (.greater, 1, 2))
        case .greaterEqual: return OperatorRule(infix: (.greaterEqual, 1, 2))
        case .equalEqual: return OperatorRule(infix: (.equal, 1, 2))
        case .bangEqual: return OperatorRule(infix: (.notEqual, 1, 2))
        case .plus: return OperatorRule(prefix: (.plus, 7), infix: (.add, 3, 4))
        case .minus: return OperatorRule(prefix: (.negate, 7), infix: (.subtract, 3, 4))
        case .star: return OperatorRule(infix: (.multiply, 5, 6))
        case .slash: return OperatorRule(infix: (.divide, 5, 6))
        case .slashSlash: return OperatorRule(infix: (.floorDivide, 5, 6))
        case .percent: return OperatorRule(infix: (.remainder, 5, 6))
        case .at: return OperatorRule(infix: (.matmul, 5, 6))
        case .caret: return OperatorRule(infix: (.power, 10, 9))
        case .starStar: return OperatorRule(infix: (.power, 10, 9))
        case .leftParen: return OperatorRule(postfix: 11)
        case .leftBracket: return OperatorRule(postfix: 11)
        case .dot: return OperatorRule(postfix: 11)
        default: return nil
        }
    }
}
