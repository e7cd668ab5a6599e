import Autograd

/// A Pratt parser over the token list, building the arena `SyntaxTree`.
///
/// Left-associative chains (`x+x+...+x`) are built by the loop in `parseExpression`, without
/// recursion per term. Recursion happens only for nested operands (brackets, unary operators,
/// right operands), and `depth` bounds it by `Program.maxNestingDepth`. The first error stops
/// the parse, so there are no cascades.
///
/// The functions that recurse (`parseExpression`, `parsePrefix` and the bracket parsers) keep
/// their bodies small and leave messages and bookkeeping to non-recursive helpers: in a debug
/// build every temporary gets its own stack slot, and the bound must fit a 512 KiB stack.
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
        tree.reserve(tokens.count)
    }

    var current: Token { tokens[index] }
    func peekKind(_ ahead: Int) -> TokenKind { tokens[Swift.min(index + ahead, tokens.count - 1)].kind }
    func text(_ range: SourceRange) -> String { String(decoding: bytes[range.start..<range.end], as: UTF8.self) }
    /// The symbol spelled by the source in `range`.
    mutating func symbol(_ range: SourceRange) -> Symbol { tree.symbols.intern(bytes[range.start..<range.end]) }

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
    @inline(never)
    mutating func close(_ kind: TokenKind, open: Token, afterList: Bool = true) throws {
        guard current.kind == kind else {
            let expected = afterList ? "`,` or `\(kind.spelling ?? "")`" : "`\(kind.spelling ?? "")`"
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
            return tree.add(.binding(symbol(name.range)), range: SourceRange(start: name.range.start, end: lastEnd),
                            detail: name.range, children: [value])
        }
        let expression = try parseExpression(0)
        if current.kind == .equal { throw Diagnostic.invalidAssignmentTarget(at: tree[expression].range) }
        return expression
    }

    // MARK: Expressions

    /// Parses an expression whose operators bind at least as tightly as `minPower`.
    mutating func parseExpression(_ minPower: Int) throws -> Int {
        try enterNesting()
        defer { depth -= 1 }
        let start = current.range.start
        var lhs = try parsePrefix()
        var afterComparison = false
        while true {
            let step = try infixStep(minPower, afterComparison: afterComparison)
            if step.stop { return lhs }
            if step.isPostfix {
                lhs = try parsePostfix(lhs, start: start)
                continue
            }
            let rhs = try parseExpression(step.right)
            lhs = binary(step, lhs, rhs, start: start)
            afterComparison = step.op.isComparison
        }
    }

    /// What the loop of `parseExpression` does next; an infix operator is consumed.
    struct InfixStep {
        var stop = false
        var isPostfix = false
        var op = BinaryOp.add
        var right = 0
        var operatorRange = SourceRange(start: 0, end: 0)
    }

    @inline(never)
    mutating func infixStep(_ minPower: Int, afterComparison: Bool) throws -> InfixStep {
        guard let rule = OperatorTable.rule(current.kind) else { return InfixStep(stop: true) }
        if let power = rule.postfix { return power < minPower ? InfixStep(stop: true) : InfixStep(isPostfix: true) }
        guard let (op, left, right) = rule.infix, left >= minPower else { return InfixStep(stop: true) }
        if op.isComparison && afterComparison { throw Diagnostic.chainedComparison(at: current.range) }
        let step = InfixStep(op: op, right: right, operatorRange: current.range)
        advance()
        skipNewlines()  // an operator at the end of a line continues the expression
        return step
    }

    @inline(never)
    mutating func binary(_ step: InfixStep, _ lhs: Int, _ rhs: Int, start: Int) -> Int {
        tree.add(.binary(step.op), range: SourceRange(start: start, end: lastEnd), detail: step.operatorRange, lhs, rhs)
    }

    /// Counts one more level of nesting, failing past `Program.maxNestingDepth`.
    @inline(never)
    mutating func enterNesting() throws {
        depth += 1
        // The statement-level call is depth 1; nesting starts below it.
        guard depth > Program.maxNestingDepth + 1 else { return }
        var opener = index
        while opener > 0 && (opener == index || tokens[opener].kind == .newline) { opener -= 1 }
        throw Diagnostic.nestingTooDeep(limit: Program.maxNestingDepth, at: tokens[opener].range)
    }

    mutating func parsePrefix() throws -> Int {
        switch current.kind {
        case .identifier: return try parseName()
        case .leftParen: return try parseParenthesized()
        case .leftBracket: return try parseBracketList()
        case .minus, .plus: return try parseUnary()
        default: return try parseAtom()
        }
    }

    /// Why an integer literal cannot be an int64 that gradcli holds exactly (a double), if it cannot.
    static func inexactInteger(_ literal: String, _ value: Double) -> String? {
        guard let exact = Int64(literal) else { return "Overflow when unpacking long long" }  // PyTorch's words
        guard value < 0x1p63, Int64(value) == exact else {
            return "the integer \(literal) is beyond what gradcli holds exactly (integers up to 2^53, and beyond that only those a float64 can represent)"
        }
        return nil
    }

    /// A number or a string; anything else here is an error.
    @inline(never)
    mutating func parseAtom() throws -> Int {
        let token = current
        switch token.kind {
        case .number:
            advance()
            let literal = text(token.range)
            // The lexer only accepts digit strings Double can read, so this never falls back.
            let value = Double(literal) ?? .nan
            // An int literal (digits only) is a Python int: int64 unless it cannot be one.
            let isInteger = literal.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
            if isInteger, let message = Parser.inexactInteger(literal, value) {
                throw Diagnostic.opFailed(.value(message), at: token.range)
            }
            return tree.addNumber(NumberLiteral(value: value, isInteger: isInteger), range: token.range)
        case .string:
            advance()
            let inner = SourceRange(start: token.range.start + 1, end: token.range.end - 1)
            return tree.add(.string(symbol(inner)), range: token.range)
        case .error:
            throw lexError(token)
        default:
            throw Diagnostic.expectedExpression(found: describe(token), at: token.range)
        }
    }

    mutating func parseUnary() throws -> Int {
        let token = current
        advance()
        let operand = try parseExpression(OperatorTable.rule(token.kind)?.prefix?.right ?? 0)
        return unary(token, operand)
    }

    @inline(never)
    mutating func unary(_ token: Token, _ operand: Int) -> Int {
        let op = OperatorTable.rule(token.kind)?.prefix?.op ?? .plus
        return tree.add(.unary(op), range: SourceRange(start: token.range.start, end: lastEnd), detail: token.range,
                        children: [operand])
    }

    /// A name, a call `f(...)`, or a prefixed name `torch.f`, `torch.nn.functional.f`, `F.f`.
    mutating func parseName() throws -> Int {
        let start = current.range.start
        let name = readName()
        let nameRange = SourceRange(start: start, end: lastEnd)
        guard current.kind == .leftParen else { return tree.add(.name(name), range: nameRange) }
        let arguments = try parseArguments(receiver: nil)
        return call(name, arguments, start: start, nameRange: nameRange)
    }

    @inline(never)
    mutating func call(_ name: Symbol, _ arguments: [Int], start: Int, nameRange: SourceRange, isMethod: Bool = false) -> Int {
        tree.add(.call(name), range: SourceRange(start: start, end: lastEnd), detail: nameRange, children: arguments,
                 isMethodCall: isMethod)
    }

    /// Consumes a name, dropping the prefixes `torch.`, `torch.nn.functional.` and `F.` (the
    /// last only before a call, so a variable `F` still works). Other namespaces stay in the
    /// name, dotted (`torch.linalg.norm` is `linalg.norm`), for the lowering to resolve.
    @inline(never)
    mutating func readName() -> Symbol {
        let range = current.range
        advance()
        guard current.kind == .dot && peekKind(1) == .identifier else { return symbol(range) }
        let name = text(range)
        let isTorch = name == "torch"
        guard isTorch || (name == "F" && peekKind(2) == .leftParen) else { return symbol(range) }
        var path: [String] = []
        while current.kind == .dot && peekKind(1) == .identifier {
            advance()
            path.append(text(current.range))
            advance()
        }
        if isTorch && path.count > 2 && path[0] == "nn" && path[1] == "functional" { path.removeFirst(2) }
        return tree.symbols.intern(path.joined(separator: "."))
    }

    /// `(e)`, or a tuple `(a, b)`, which is a list.
    mutating func parseParenthesized() throws -> Int {
        let open = current
        try openGroup(allowEmpty: false)
        let first = try parseExpression(0)
        guard current.kind == .comma else {
            try close(.rightParen, open: open, afterList: false)
            return first
        }
        advance()
        let rest = try parseList(closing: .rightParen, open: open)
        return list([first] + rest, start: open.range.start)
    }

    /// `[a, b, ...]`.
    mutating func parseBracketList() throws -> Int {
        let open = current
        try openGroup(allowEmpty: true)
        let elements = try parseList(closing: .rightBracket, open: open)
        return list(elements, start: open.range.start)
    }

    /// Consumes an opening bracket; `()` is not an expression.
    @inline(never)
    mutating func openGroup(allowEmpty: Bool) throws {
        grouping += 1
        advance()
        if !allowEmpty && current.kind == .rightParen {
            throw Diagnostic.expectedExpression(found: describe(current), at: current.range)
        }
    }

    @inline(never)
    mutating func list(_ elements: [Int], start: Int) -> Int {
        tree.add(.list, range: SourceRange(start: start, end: lastEnd), children: elements)
    }

    /// Comma-separated expressions up to `closing` (a trailing comma is allowed); consumes it.
    mutating func parseList(closing: TokenKind, open: Token) throws -> [Int] {
        var elements: [Int] = []
        while try !atClose(closing, open: open) {
            elements.append(try parseExpression(0))
            guard current.kind == .comma else { break }
            advance()
        }
        try close(closing, open: open)
        return elements
    }

    /// True at `closing`; an error at the end of the input.
    @inline(never)
    func atClose(_ closing: TokenKind, open: Token) throws -> Bool {
        if current.kind == .end { throw Diagnostic.unclosed(text(open.range), close: closing.spelling ?? "", at: open.range) }
        return current.kind == closing
    }
}
