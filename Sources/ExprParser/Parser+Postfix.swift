// Postfix constructs: calls, method calls, `x.T`, indexing and slicing.

extension Parser {
    /// Parses one postfix construct applied to `base`, which started at byte `start`.
    mutating func parsePostfix(_ base: Int, start: Int) throws -> Int {
        let token = current
        switch token.kind {
        case .leftBracket:
            return try parseIndex(base, start: start)
        case .dot:
            advance()
            guard current.kind == .identifier else {
                if current.kind == .error { throw lexError(current) }
                throw Diagnostic.expected("a method name after `.`", found: describe(current), at: current.range)
            }
            let nameToken = current
            let name = text(nameToken.range)
            advance()
            if current.kind == .leftParen {
                let arguments = try parseArguments(receiver: base)
                return tree.add(.call(name), range: SourceRange(start: start, end: lastEnd), detail: nameToken.range,
                                children: arguments)
            }
            // `x.T` is the transpose; other attributes must be called.
            guard name == "T" else { throw Diagnostic.methodNotCalled(name, at: nameToken.range) }
            return tree.add(.call("t"), range: SourceRange(start: start, end: lastEnd), detail: nameToken.range,
                            children: [base])
        default:
            // Calls of names are parsed with the name; anything else cannot be called.
            throw Diagnostic.notCallable(at: tree[base].range)
        }
    }

    /// `( args )`: positional arguments, then `name=value` keywords; `receiver` is the
    /// object of a method call and becomes the first argument.
    mutating func parseArguments(receiver: Int?) throws -> [Int] {
        let open = current
        grouping += 1
        advance()
        var arguments = receiver.map { [$0] } ?? []
        var keywords: Set<String> = []
        while current.kind != .rightParen {
            if current.kind == .end { throw Diagnostic.unclosed("(", close: ")", at: open.range) }
            if current.kind == .identifier && peekKind(1) == .equal {
                let nameToken = current
                let name = text(nameToken.range)
                guard keywords.insert(name).inserted else { throw Diagnostic.repeatedKeyword(name, at: nameToken.range) }
                advance()
                advance()
                let value = try parseExpression(0)
                arguments.append(tree.add(.keyword(name), range: SourceRange(start: nameToken.range.start, end: lastEnd),
                                          detail: nameToken.range, children: [value]))
            } else {
                let argumentStart = current.range.start
                let value = try parseExpression(0)
                if !keywords.isEmpty {
                    throw Diagnostic.positionalAfterKeyword(at: SourceRange(start: argumentStart, end: lastEnd))
                }
                arguments.append(value)
            }
            guard current.kind == .comma else { break }
            advance()
        }
        try close(.rightParen, open: open, expected: "`,` or `)`")
        return arguments
    }

    /// `base[i, j:k:s, ...]`.
    mutating func parseIndex(_ base: Int, start: Int) throws -> Int {
        let open = current
        grouping += 1
        advance()
        var items = [base]
        repeat {
            if current.kind == .comma { advance() }
            if current.kind == .end { throw Diagnostic.unclosed("[", close: "]", at: open.range) }
            items.append(try parseIndexItem())
        } while current.kind == .comma && peekKind(1) != .rightBracket
        if current.kind == .comma { advance() }
        try close(.rightBracket, open: open, expected: "`,` or `]`")
        return tree.add(.index, range: SourceRange(start: start, end: lastEnd), children: items)
    }

    /// One index: an expression, or a slice `start:end:step` with any part left out.
    mutating func parseIndexItem() throws -> Int {
        let itemStart = current.range.start
        let first = current.kind == .colon ? omitted() : try parseExpression(0)
        guard current.kind == .colon else { return first }
        advance()
        let stops: [TokenKind] = [.colon, .comma, .rightBracket]
        let end = stops.contains(current.kind) ? omitted() : try parseExpression(0)
        var step = -1
        if current.kind == .colon {
            advance()
            step = [.comma, .rightBracket].contains(current.kind) ? omitted() : try parseExpression(0)
        } else {
            step = omitted()
        }
        return tree.add(.slice, range: SourceRange(start: itemStart, end: lastEnd), children: [first, end, step])
    }

    /// A zero-width node for a left-out slice bound.
    mutating func omitted() -> Int {
        let at = current.range.start
        return tree.add(.omitted, range: SourceRange(start: at, end: at))
    }
}
