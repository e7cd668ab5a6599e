/// A Pratt parser over the token list, building the arena `SyntaxTree`.
///
/// Left-associative chains (`x+x+...+x`) are built by the loop in `parseExpression`, without
/// recursion per term. Recursion happens only for nested operands (brackets, unary operators,
/// right operands), and `depth` bounds it by `Program.maxNestingDepth`. The first error stops
/// the parse, so there are no cascades.
struct Parser {
    let bytes: [UInt8]
    let tokens: [Token]
    var index = 0
    var tree = SyntaxTree()
    /// Nested `parseExpression` calls below the statement level.
    var depth = 0
    /// Open brackets; inside them newlines are not separators.
    var grouping = 0
    /// The end of the last consumed token that is not a newline.
    var lastEnd = 0

    init(source: String) {
        bytes = Array(source.utf8)
        tokens = Lexer.tokenize(bytes)
    }

    var current: Token { tokens[index] }
    func peekKind(_ ahead: Int) -> TokenKind { tokens[Swift.min(index + ahead, tokens.count - 1)].kind }
    func text(_ range: SourceRange) -> String { String(decoding: bytes[range.start..<range.end], as: UTF8.self) }

    /// Moves past the current token (and past newlines, inside brackets).
    mutating func advance() {
        if current.kind != .newline { lastEnd = current.range.end }
        if current.kind != .end { index += 1 }
        if grouping > 0 { skipNewlines() }
    }

    mutating func skipNewlines() {
        while current.kind == .newline { index += 1 }
    }

    /// How a token is named in messages.
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .end: return "end of input"
        case .newline: return "a newline"
        case .number: return "number `\(text(token.range))`"
        case .identifier: return "name `\(text(token.range))`"
        case .string: return "string \(text(token.range))"
        default: return "`\(text(token.range))`"
        }
    }

    /// The diagnostic for an error token.
    func lexError(_ token: Token) -> Diagnostic {
        switch token.problem {
        case .unterminatedString: return .unterminatedString(at: token.range)
        case .invalidNumber: return .invalidNumber(text(token.range), at: token.range)
        default: return .unexpectedCharacter(text(token.range), at: token.range)
        }
    }

    /// Consumes the closing `kind` of a group opened at `open`, leaving the group.
    mutating func close(_ kind: TokenKind, open: Token, expected: String) throws {
        guard current.kind == kind else {
            if current.kind == .end { throw Diagnostic.unclosed(text(open.range), close: kind.spelling ?? "", at: open.range) }
            if current.kind == .error { throw lexError(current) }
            throw Diagnostic.expected(expected, found: describe(current), at: current.range)
        }
        grouping -= 1
        advance()
    }

    // MARK: Programs and statements

    /// Parses statements separated by `;` or newlines.
    mutating func parseProgram() throws -> SyntaxTree {
        skipSeparators()
        while current.kind != .end {
            tree.statements.append(try parseStatement())
            let next = current
            guard next.kind == .newline || next.kind == .semicolon || next.kind == .end else {
                if next.kind == .error { throw lexError(next) }
                let glued = [.identifier, .number, .leftParen].contains(next.kind)
                throw Diagnostic.expectedSeparator(found: describe(next), at: next.range, implicitProduct: glued)
            }
            skipSeparators()
        }
        guard !tree.statements.isEmpty else {
            throw Diagnostic.emptyProgram(at: SourceRange(start: 0, end: bytes.count))
        }
        return tree
    }

    mutating func skipSeparators() {
        while current.kind == .newline || current.kind == .semicolon { advance() }
    }

    mutating func parseStatement() throws -> Int {
        if current.kind == .identifier && peekKind(1) == .equal {
            let name = current
            advance()
            advance()
            let value = try parseExpression(0)
            return tree.add(.binding(text(name.range)), range: SourceRange(start: name.range.start, end: lastEnd),
                            detail: name.range, children: [value])
        }
        let expression = try parseExpression(0)
        if current.kind == .equal { throw Diagnostic.invalidAssignmentTarget(at: tree[expression].range) }
        return expression
    }

    // MARK: Expressions

    /// Parses an expression whose operators bind at least as tightly as `minPower`.
    mutating func parseExpression(_ minPower: Int) throws -> Int {
        depth += 1
        defer { depth -= 1 }
        // The statement-level call is depth 1; nesting starts below it.
        if depth > Program.maxNestingDepth + 1 {
            throw Diagnostic.nestingTooDeep(limit: Program.maxNestingDepth, at: current.range)
        }
        let start = current.range.start
        var lhs = try parsePrefix()
        var afterComparison = false
        while let rule = OperatorTable.rules[current.kind] {
            if let power = rule.postfix {
                if power < minPower { break }
                lhs = try parsePostfix(lhs, start: start)
                continue
            }
            guard let (op, left, right) = rule.infix, left >= minPower else { break }
            let operatorToken = current
            if op.isComparison && afterComparison { throw Diagnostic.chainedComparison(at: operatorToken.range) }
            advance()
            skipNewlines()  // an operator at the end of a line continues the expression
            let rhs = try parseExpression(right)
            lhs = tree.add(.binary(op), range: SourceRange(start: start, end: lastEnd), detail: operatorToken.range,
                           children: [lhs, rhs])
            afterComparison = op.isComparison
        }
        return lhs
    }

    mutating func parsePrefix() throws -> Int {
        let token = current
        switch token.kind {
        case .number:
            advance()
            // The lexer only accepts digit strings Double can read, so this never falls back.
            return tree.add(.number(Double(text(token.range)) ?? .nan), range: token.range)
        case .string:
            advance()
            let inner = SourceRange(start: token.range.start + 1, end: token.range.end - 1)
            return tree.add(.string(text(inner)), range: token.range)
        case .identifier:
            return try parseName()
        case .leftParen:
            return try parseParenthesized()
        case .leftBracket:
            grouping += 1
            advance()
            let elements = try parseList(closing: .rightBracket, open: token)
            return tree.add(.list, range: SourceRange(start: token.range.start, end: lastEnd), children: elements)
        case .error:
            throw lexError(token)
        default:
            if let rule = OperatorTable.rules[token.kind], let (op, power) = rule.prefix {
                advance()
                let operand = try parseExpression(power)
                return tree.add(.unary(op), range: SourceRange(start: token.range.start, end: lastEnd),
                                detail: token.range, children: [operand])
            }
            throw Diagnostic.expectedExpression(found: describe(token), at: token.range)
        }
    }

    /// A name, a call `f(...)`, or a prefixed name `torch.f`, `torch.nn.functional.f`, `F.f`.
    mutating func parseName() throws -> Int {
        let first = current
        var name = text(first.range)
        advance()
        let prefixed = (name == "torch" && current.kind == .dot && peekKind(1) == .identifier)
            || (name == "F" && current.kind == .dot && peekKind(1) == .identifier && peekKind(2) == .leftParen)
        if prefixed {
            if name == "torch", text(tokens[index + 1].range) == "nn", peekKind(2) == .dot, peekKind(3) == .identifier,
               text(tokens[index + 3].range) == "functional", peekKind(4) == .dot, peekKind(5) == .identifier {
                advance(); advance(); advance(); advance()
            }
            advance()
            name = text(current.range)
            advance()
        }
        let nameRange = SourceRange(start: first.range.start, end: lastEnd)
        guard current.kind == .leftParen else { return tree.add(.name(name), range: nameRange) }
        let arguments = try parseArguments(receiver: nil)
        return tree.add(.call(name), range: SourceRange(start: first.range.start, end: lastEnd),
                        detail: nameRange, children: arguments)
    }

    /// `(e)`, or a tuple `(a, b)`, which is a list.
    mutating func parseParenthesized() throws -> Int {
        let open = current
        grouping += 1
        advance()
        if current.kind == .rightParen { throw Diagnostic.expectedExpression(found: describe(current), at: current.range) }
        let first = try parseExpression(0)
        if current.kind == .comma {
            advance()
            let rest = try parseList(closing: .rightParen, open: open)
            return tree.add(.list, range: SourceRange(start: open.range.start, end: lastEnd), children: [first] + rest)
        }
        try close(.rightParen, open: open, expected: "`)`")
        return first
    }

    /// Comma-separated expressions up to `closing` (a trailing comma is allowed); consumes it.
    mutating func parseList(closing: TokenKind, open: Token) throws -> [Int] {
        var elements: [Int] = []
        while current.kind != closing {
            if current.kind == .end { throw Diagnostic.unclosed(text(open.range), close: closing.spelling ?? "", at: open.range) }
            elements.append(try parseExpression(0))
            guard current.kind == .comma else { break }
            advance()
        }
        try close(closing, open: open, expected: "`,` or `\(closing.spelling ?? "")`")
        return elements
    }
}
