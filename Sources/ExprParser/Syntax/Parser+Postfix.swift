import Autograd

// Postfix constructs: calls, method calls, `x.T`, indexing and slicing. Like the rest of the
// recursive descent, these keep messages in non-recursive helpers to keep stack frames small.

extension Parser {
    /// Parses one postfix construct applied to `base`, which started at byte `start`.
    mutating func parsePostfix(_ base: Int, start: Int) throws -> Int {
        if current.kind == .leftBracket { return try parseIndex(base, start: start) }
        let method = try readMethod(base)
        guard method.isCall else { return method.node }
        let arguments = try parseArguments(receiver: base)
        return call(method.name!, arguments, start: start, nameRange: method.range, isMethod: true)
    }

    /// After `.`: the method name, or the finished node for `x.T`.
    struct Method {
        var name: Symbol?
        var range = SourceRange(start: 0, end: 0)
        var isCall = false
        var node = 0
    }

    /// Reads `.name` after `base`: a method call (its `(` not consumed) or `x.T`, which
    /// reverses all dimensions.
    @inline(never)
    mutating func readMethod(_ base: Int) throws -> Method {
        // Calls of names are parsed with the name, so `(` here follows something else.
        guard current.kind == .dot else { throw Diagnostic.notCallable(at: tree[base].range) }
        advance()
        guard current.kind == .identifier else {
            if current.kind == .error { throw lexError(current) }
            throw Diagnostic.expected("a method name after `.`", found: describe(current), at: current.range)
        }
        let nameToken = current
        let name = symbol(nameToken.range)
        advance()
        if current.kind == .leftParen { return Method(name: name, range: nameToken.range, isCall: true) }
        let start = tree[base].range.start
        let node = tree.add(tree[name] == "T" ? .reversedDims : .attribute(name), range: SourceRange(start: start, end: lastEnd),
                            detail: nameToken.range, children: [base])
        return Method(node: node)
    }

    /// `( args )`: positional arguments, then `name=value` keywords; `receiver` is the
    /// object of a method call and becomes the first argument.
    mutating func parseArguments(receiver: Int?) throws -> [Int] {
        let open = current
        try openGroup(allowEmpty: true)
        var arguments = receiver.map { [$0] } ?? []
        var keywords: Set<String> = []
        while try !atClose(.rightParen, open: open) {
            let keyword = try readKeyword(&keywords)
            let argumentStart = current.range.start
            if keyword == nil && current.kind == .star {
                // `*x.shape`: Python's unpacking of a sequence into positional arguments.
                advance()
                let operand = try parseExpression(0)
                arguments.append(tree.add(.starred, range: SourceRange(start: argumentStart, end: lastEnd),
                                          detail: SourceRange(start: argumentStart, end: argumentStart + 1), children: [operand]))
                if !keywords.isEmpty { throw Diagnostic.positionalAfterKeyword(at: SourceRange(start: argumentStart, end: lastEnd)) }
                guard current.kind == .comma else { break }
                advance()
                continue
            }
            let value = try parseExpression(0)
            arguments.append(try argument(value, keyword: keyword, start: argumentStart, keywords: keywords))
            guard current.kind == .comma else { break }
            advance()
        }
        try close(.rightParen, open: open)
        return arguments
    }

    /// Consumes `name=` when the argument is a keyword argument, returning the name's token.
    @inline(never)
    mutating func readKeyword(_ seen: inout Set<String>) throws -> Token? {
        guard current.kind == .identifier && peekKind(1) == .equal else { return nil }
        let token = current
        let name = text(token.range)
        guard seen.insert(name).inserted else { throw Diagnostic.repeatedKeyword(name, at: token.range) }
        advance()
        advance()
        return token
    }

    /// The node of one argument: the value, or a keyword node holding it.
    @inline(never)
    mutating func argument(_ value: Int, keyword: Token?, start: Int, keywords: Set<String>) throws -> Int {
        let range = SourceRange(start: start, end: lastEnd)
        guard let keyword else {
            if !keywords.isEmpty { throw Diagnostic.positionalAfterKeyword(at: range) }
            return value
        }
        return tree.add(.keyword(symbol(keyword.range)), range: SourceRange(start: keyword.range.start, end: lastEnd),
                        detail: keyword.range, children: [value])
    }

    /// `base[i, j:k:s, ...]`.
    mutating func parseIndex(_ base: Int, start: Int) throws -> Int {
        let open = current
        try openGroup(allowEmpty: true)
        var items = [base]
        while true {
            items.append(try parseIndexItem(open: open))
            guard current.kind == .comma else { break }
            advance()
            if current.kind == .rightBracket { break }
        }
        try close(.rightBracket, open: open)
        return index(items, start: start)
    }

    @inline(never)
    mutating func index(_ items: [Int], start: Int) -> Int {
        tree.add(.index, range: SourceRange(start: start, end: lastEnd), children: items)
    }

    /// One index: an expression, or a slice `start:end:step` with any part left out.
    mutating func parseIndexItem(open: Token) throws -> Int {
        let itemStart = try indexItemStart(open: open)
        let first = try sliceBound()
        guard try sliceColon() else { return first }
        let end = try sliceBound()
        let step = try sliceColon() ? try sliceBound() : omitted()
        return slice(first, end, step, start: itemStart)
    }

    @inline(never)
    func indexItemStart(open: Token) throws -> Int {
        _ = try atClose(.rightBracket, open: open)
        return current.range.start
    }

    /// Consumes a `:` if there is one.
    @inline(never)
    mutating func sliceColon() throws -> Bool {
        guard current.kind == .colon else { return false }
        advance()
        return true
    }

    /// A slice bound, or an `.omitted` node when it is left out.
    mutating func sliceBound() throws -> Int {
        try isSliceStop() ? omitted() : try parseExpression(0)
    }

    @inline(never)
    func isSliceStop() throws -> Bool {
        current.kind == .colon || current.kind == .comma || current.kind == .rightBracket
    }

    @inline(never)
    mutating func slice(_ first: Int, _ end: Int, _ step: Int, start: Int) -> Int {
        tree.add(.slice, range: SourceRange(start: start, end: lastEnd), children: [first, end, step])
    }

    /// A zero-width node for a left-out slice bound.
    @inline(never)
    mutating func omitted() -> Int {
        let at = current.range.start
        return tree.add(.omitted, range: SourceRange(start: at, end: at))
    }
}
