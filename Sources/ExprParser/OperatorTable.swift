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

    /// Loosest first: comparisons; `+ -`; `* / @`; unary `- +`; `^ **` (right-assoc); postfix.
    static let rules: [TokenKind: OperatorRule] = [
        .less: OperatorRule(infix: (.less, 1, 2)),
        .lessEqual: OperatorRule(infix: (.lessEqual, 1, 2)),
        .greater: OperatorRule(infix: (.greater, 1, 2)),
        .greaterEqual: OperatorRule(infix: (.greaterEqual, 1, 2)),
        .equalEqual: OperatorRule(infix: (.equal, 1, 2)),
        .bangEqual: OperatorRule(infix: (.notEqual, 1, 2)),
        .plus: OperatorRule(prefix: (.plus, 7), infix: (.add, 3, 4)),
        .minus: OperatorRule(prefix: (.negate, 7), infix: (.subtract, 3, 4)),
        .star: OperatorRule(infix: (.multiply, 5, 6)),
        .slash: OperatorRule(infix: (.divide, 5, 6)),
        .at: OperatorRule(infix: (.matmul, 5, 6)),
        .caret: OperatorRule(infix: (.power, 10, 9)),
        .starStar: OperatorRule(infix: (.power, 10, 9)),
        .leftParen: OperatorRule(postfix: 11),
        .leftBracket: OperatorRule(postfix: 11),
        .dot: OperatorRule(postfix: 11),
    ]
}
