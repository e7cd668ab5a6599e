// A recursive-descent parser for the Python subset of `gradcli run`, with CPython's wording for
// the errors it shares (`expected ':'`, `invalid syntax`) and "not supported in gradcli run"
// for valid Python outside the subset (classes, generators, async code, decorators...).

/// Parses a whole program before anything runs.
public struct ScriptParser {
    private var tokens: [PyToken]
    private var index = 0
    private var nesting = 0
    /// Numbers every name the program uses (see `NameTable`).
    private let names: NameTable
    /// The deepest nesting of expressions and blocks accepted (CPython's parser stops at 200
    /// parentheses); it bounds the interpreter's recursion on the tree as well.
    static let maxNesting = 200

    init(tokens: [PyToken], names: NameTable) {
        self.tokens = tokens
        self.names = names
    }

    /// Parses `source` into statements, or throws the first syntax error. The program's names
    /// are numbered in `names`, which the interpreter that runs it must share.
    static func parse(_ source: String, names: NameTable) throws -> [PyStmt] {
        var parser = ScriptParser(tokens: try PyLexer.tokenize(source), names: names)
        var body: [PyStmt] = []
        while parser.current.kind != .end { body += try parser.statement() }
        return body
    }

    // MARK: tokens

    private var current: PyToken { tokens[index] }
    private var previous: PyToken { tokens[Swift.max(index - 1, 0)] }

    private func check(_ op: String) -> Bool { current.kind == .op && current.text == op }
    private func checkName(_ word: String) -> Bool { current.kind == .name && current.text == word }

    private mutating func advance() -> PyToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func accept(_ op: String) -> Bool {
        if check(op) { index += 1; return true }
        return false
    }

    private mutating func acceptName(_ word: String) -> Bool {
        if checkName(word) { index += 1; return true }
        return false
    }

    private mutating func expect(_ op: String) throws {
        guard accept(op) else { throw error("expected '\(op)'") }
    }

    private func error(_ message: String, at token: PyToken? = nil) -> ScriptSyntaxError {
        let t = token ?? current
        if t.kind == .newline || t.kind == .end, message == "invalid syntax" {
            return ScriptSyntaxError(message, start: t.start, end: t.end)
        }
        return ScriptSyntaxError(message, start: t.start, end: t.end)
    }

    private func unsupported(_ what: String, _ token: PyToken) -> ScriptSyntaxError {
        ScriptSyntaxError("\(what) not supported in gradcli run", start: token.start, end: token.end, unsupported: true)
    }

    static let keywords: Set<String> = ["False", "None", "True", "and", "as", "assert", "async", "await", "break",
        "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
        "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
        "with", "yield"]

    private mutating func identifier() throws -> String {
        guard current.kind == .name, !ScriptParser.keywords.contains(current.text) else { throw error("invalid syntax") }
        return advance().text
    }

    private mutating func deeper() throws {
        nesting += 1
        if nesting > ScriptParser.maxNesting { throw error("too many nested parentheses") }
    }

    // MARK: statements

    private mutating func statement() throws -> [PyStmt] {
        let t = current
        if t.kind == .indent { throw error("unexpected indent") }
        if t.kind == .name {
            switch t.text {
            case "if": return [try ifStatement()]
            case "while": return [try whileStatement()]
            case "for": return [try forStatement()]
            case "def": return [try defStatement()]
            case "with": return [try withStatement()]
            case "try": return [try tryStatement()]
            case "class": throw unsupported("class definitions are", t)
            case "async": throw unsupported("async code is", t)
            case "match" where tokens[index + 1].kind == .name: throw unsupported("match statements are", t)
            default: break
            }
        }
        if check("@") { throw unsupported("decorators are", t) }
        var simple = [try simpleStatement()]
        while accept(";") {
            if current.kind == .newline { break }
            simple.append(try simpleStatement())
        }
        guard current.kind == .newline || current.kind == .end else { throw error("invalid syntax") }
        if current.kind == .newline { index += 1 }
        return simple
    }

    private mutating func make(_ kind: PyStmt.Kind, _ first: PyToken) -> PyStmt {
        PyStmt(kind, line: first.line, start: first.start, end: previous.end)
    }

    private mutating func simpleStatement() throws -> PyStmt {
        let t = current
        if t.kind == .name {
            switch t.text {
            case "pass": index += 1; return make(.pass, t)
            case "break": index += 1; return make(.break, t)
            case "continue": index += 1; return make(.continue, t)
            case "return":
                index += 1
                let value = current.kind == .newline || check(";") ? nil : try expressionList()
                return make(.return(value), t)
            case "raise":
                index += 1
                let value = current.kind == .newline ? nil : try expression()
                if checkName("from") { throw unsupported("'raise ... from' is", current) }
                return make(.raise(value), t)
            case "assert":
                index += 1
                let condition = try expression()
                let message = accept(",") ? try expression() : nil
                return make(.assert(condition, message: message), t)
            case "import": return try importStatement()
            case "from": return try fromImportStatement()
            case "del":
                index += 1
                var targets = [try expression()]
                while accept(",") { targets.append(try expression()) }
                return make(.delete(targets), t)
            case "global":
                index += 1
                var names = [try identifier()]
                while accept(",") { names.append(try identifier()) }
                return make(.global(names), t)
            case "nonlocal": throw unsupported("nonlocal is", t)
            case "yield": throw unsupported("generators are", t)
            default: break
            }
        }
        let first = try expressionList(allowStar: true)
        if let op = augmentedOperator() {
            index += 1
            try checkTarget(first)
            return make(.augmentedAssign(target: first, op: op, value: try expressionList()), t)
        }
        if check(":") { throw unsupported("annotations are", current) }
        guard check("=") else { return make(.expression(first), t) }
        var targets = [first]
        var value = first
        while accept("=") {
            if checkName("yield") { throw unsupported("generators are", current) }
            value = try expressionList(allowStar: true)
            targets.append(value)
        }
        targets.removeLast()
        for target in targets { try checkTarget(target) }
        return make(.assign(targets: targets, value: value), t)
    }

    private func augmentedOperator() -> PyBinaryOp? {
        guard current.kind == .op, current.text.count >= 2, current.text.hasSuffix("="),
              !["==", "!=", "<=", ">="].contains(current.text) else { return nil }
        return PyBinaryOp(rawValue: String(current.text.dropLast()))
    }

    private func checkTarget(_ target: PyExpr) throws {
        switch target.kind {
        case .name, .attribute, .item: return
        case .tuple(let items), .list(let items): for item in items { try checkTarget(item) }
        case .starred(let inner): try checkTarget(inner)
        case .call: throw ScriptSyntaxError("cannot assign to function call here. Maybe you meant '==' instead of '='?", start: target.start, end: target.end)
        default: throw ScriptSyntaxError("cannot assign to expression here. Maybe you meant '==' instead of '='?", start: target.start, end: target.end)
        }
    }

    private mutating func dottedName() throws -> String {
        var name = try identifier()
        while accept(".") { name += "." + (try identifier()) }
        return name
    }

    private mutating func importStatement() throws -> PyStmt {
        let t = advance()
        let first = current
        let module = try dottedName()
        try checkModule(module, first)
        let alias = acceptName("as") ? try identifier() : nil
        if check(",") { throw unsupported("importing several modules in one statement is", current) }
        return make(.import(module: module, alias: alias), t)
    }

    private mutating func fromImportStatement() throws -> PyStmt {
        let t = advance()
        if check(".") { throw unsupported("relative imports are", current) }
        let first = current
        let module = try dottedName()
        try checkModule(module, first)
        guard acceptName("import") else { throw error("invalid syntax") }
        if check("*") { throw unsupported("'import *' is", current) }
        let parenthesised = accept("(")
        var names: [(String, String?)] = []
        repeat {
            if parenthesised && check(")") { break }
            let name = try identifier()
            names.append((name, acceptName("as") ? try identifier() : nil))
        } while accept(",")
        if parenthesised { try expect(")") }
        return make(.fromImport(module: module, names: names), t)
    }

    /// Only torch and its submodules can be imported.
    private func checkModule(_ module: String, _ first: PyToken) throws {
        guard module == "torch" || module.hasPrefix("torch.") else {
            throw ScriptSyntaxError("importing '\(module)' is not supported in gradcli run (only torch is)",
                                    start: first.start, end: previous.end, unsupported: true)
        }
    }

    /// `:` and an indented block (or simple statements on the same line).
    private mutating func block(after header: PyToken, _ what: String) throws -> [PyStmt] {
        try expect(":")
        guard current.kind == .newline else {
            var body = [try simpleStatement()]
            while accept(";") { if current.kind == .newline { break }; body.append(try simpleStatement()) }
            guard current.kind == .newline || current.kind == .end else { throw error("invalid syntax") }
            if current.kind == .newline { index += 1 }
            return body
        }
        index += 1
        guard current.kind == .indent else {
            throw error("expected an indented block after \(what) on line \(header.line)")
        }
        index += 1
        try deeper()
        defer { nesting -= 1 }
        var body: [PyStmt] = []
        while current.kind != .dedent && current.kind != .end { body += try statement() }
        if current.kind == .dedent { index += 1 }
        return body
    }

    private mutating func ifStatement() throws -> PyStmt {
        let t = advance()
        var branches = [(try namedExpression(), try block(after: t, "'if' statement"))]
        var otherwise: [PyStmt]?
        while checkName("elif") {
            let e = advance()
            branches.append((try namedExpression(), try block(after: e, "'elif' statement")))
        }
        if checkName("else") { let e = advance(); otherwise = try block(after: e, "'else' statement") }
        return make(.if(branches: branches, otherwise: otherwise), t)
    }

    private mutating func whileStatement() throws -> PyStmt {
        let t = advance()
        let condition = try namedExpression()
        let body = try block(after: t, "'while' statement")
        var otherwise: [PyStmt]?
        if checkName("else") { let e = advance(); otherwise = try block(after: e, "'else' statement") }
        return make(.while(condition, body, otherwise: otherwise), t)
    }

    private mutating func forStatement() throws -> PyStmt {
        let t = advance()
        let target = try targetList()
        try checkTarget(target)
        guard acceptName("in") else { throw error("invalid syntax") }
        let iterable = try expressionList()
        let body = try block(after: t, "'for' statement")
        var otherwise: [PyStmt]?
        if checkName("else") { let e = advance(); otherwise = try block(after: e, "'else' statement") }
        return make(.for(target: target, iterable: iterable, body: body, otherwise: otherwise), t)
    }

    /// The target of `for`: names, attributes, subscripts, separated by commas (no `in` operator).
    private mutating func targetList() throws -> PyExpr {
        let first = current
        var items = [try bitwiseOr()]
        var trailing = false
        while accept(",") {
            trailing = true
            if checkName("in") { break }
            items.append(try bitwiseOr())
            trailing = false
        }
        if items.count == 1 && !trailing && previous.text != "," { return items[0] }
        return PyExpr(.tuple(items), line: first.line, start: first.start, end: previous.end)
    }

    private mutating func defStatement() throws -> PyStmt {
        let t = advance()
        let name = try identifier()
        try expect("(")
        let parameters = try parameterList(closing: ")")
        try expect(")")
        if check("->") { throw unsupported("annotations are", current) }
        let body = try block(after: t, "function definition")
        if containsYield(body) { throw unsupported("generators are", t) }
        return make(.def(name: name, parameters: parameters, body: body), t)
    }

    private func containsYield(_ body: [PyStmt]) -> Bool { false }

    private mutating func parameterList(closing: String) throws -> [PyParameter] {
        var parameters: [PyParameter] = []
        while !check(closing) {
            if check("*") || check("**") { throw unsupported("*args and **kwargs parameters are", current) }
            let name = try identifier()
            if check(":") && closing == ")" { throw unsupported("annotations are", current) }
            let value = accept("=") ? try expression() : nil
            if value == nil, parameters.last?.defaultValue != nil {
                throw error("non-default argument follows default argument", at: previous)
            }
            parameters.append(PyParameter(name: names.name(name), defaultValue: value))
            if !accept(",") { break }
        }
        return parameters
    }

    private mutating func withStatement() throws -> PyStmt {
        let t = advance()
        var items: [(PyExpr, PyExpr?)] = []
        repeat {
            let manager = try expression()
            var target: PyExpr?
            if acceptName("as") { target = try bitwiseOr(); try checkTarget(target!) }
            items.append((manager, target))
        } while accept(",")
        return make(.with(items: items, body: try block(after: t, "'with' statement")), t)
    }

    private mutating func tryStatement() throws -> PyStmt {
        let t = advance()
        let body = try block(after: t, "'try' statement")
        var handlers: [PyExceptHandler] = []
        while checkName("except") {
            let e = advance()
            if check("*") { throw unsupported("except* is", current) }
            var type: PyExpr?, name: String?
            if !check(":") {
                type = try expression()
                if acceptName("as") { name = try identifier() }
            }
            handlers.append(PyExceptHandler(type: type, name: name, body: try block(after: e, "'except' statement")))
        }
        var otherwise: [PyStmt]?, finally: [PyStmt]?
        if checkName("else") { let e = advance(); otherwise = try block(after: e, "'else' statement") }
        if checkName("finally") { let e = advance(); finally = try block(after: e, "'finally' statement") }
        if handlers.isEmpty && finally == nil { throw error("expected 'except' or 'finally' block") }
        return make(.try(body: body, handlers: handlers, otherwise: otherwise, finally: finally), t)
    }

    // MARK: expressions

    /// Mutating so that `previous` is read after the arguments are parsed: a non-mutating call
    /// would read the parser as it was before them, ending the range early.
    private mutating func node(_ kind: PyExpr.Kind, from first: PyToken) -> PyExpr {
        PyExpr(kind, line: first.line, start: first.start, end: previous.end)
    }

    /// A comma-separated list: one expression, or a tuple when there is a comma.
    private mutating func expressionList(allowStar: Bool = false) throws -> PyExpr {
        let first = current
        let head = try starOrExpression(allowStar)
        guard check(",") else { return head }
        var items = [head]
        while accept(",") {
            if current.kind == .newline || check("=") || check(")") || augmentedOperator() != nil || check(";") { break }
            items.append(try starOrExpression(allowStar))
        }
        return node(.tuple(items), from: first)
    }

    private mutating func starOrExpression(_ allowStar: Bool) throws -> PyExpr {
        let first = current
        if allowStar && accept("*") { return node(.starred(try bitwiseOr()), from: first) }
        return try expression()
    }

    private mutating func namedExpression() throws -> PyExpr {
        let e = try expression()
        if check(":=") { throw unsupported("assignment expressions are", current) }
        return e
    }

    mutating func expression() throws -> PyExpr {
        try deeper()
        defer { nesting -= 1 }
        let first = current
        if checkName("lambda") {
            index += 1
            let parameters = try parameterList(closing: ":")
            try expect(":")
            return node(.lambda(parameters, try expression()), from: first)
        }
        if checkName("yield") { throw unsupported("generators are", current) }
        if checkName("await") { throw unsupported("async code is", current) }
        let value = try disjunction()
        guard acceptName("if") else { return value }
        let condition = try disjunction()
        guard acceptName("else") else { throw error("expected 'else' after 'if' expression") }
        return node(.ternary(condition: condition, then: value, otherwise: try expression()), from: first)
    }

    private mutating func disjunction() throws -> PyExpr {
        let first = current
        var left = try conjunction()
        while acceptName("or") { left = node(.or(left, try conjunction()), from: first) }
        return left
    }

    private mutating func conjunction() throws -> PyExpr {
        let first = current
        var left = try inversion()
        while acceptName("and") { left = node(.and(left, try inversion()), from: first) }
        return left
    }

    private mutating func inversion() throws -> PyExpr {
        let first = current
        if acceptName("not") {
            try deeper()
            defer { nesting -= 1 }
            return node(.not(try inversion()), from: first)
        }
        return try comparison()
    }

    private mutating func comparison() throws -> PyExpr {
        let first = current
        let left = try bitwiseOr()
        var chain: [(PyCompareOp, PyExpr)] = []
        while true {
            var op: PyCompareOp?
            if current.kind == .op, let o = PyCompareOp(rawValue: current.text) { index += 1; op = o }
            else if acceptName("in") { op = .isIn }
            else if checkName("not") && tokens[index + 1].kind == .name && tokens[index + 1].text == "in" { index += 2; op = .notIn }
            else if acceptName("is") { op = acceptName("not") ? .isNot : .isSame }
            guard let op else { break }
            chain.append((op, try bitwiseOr()))
        }
        return chain.isEmpty ? left : node(.compare(left, chain), from: first)
    }

    private mutating func binaryLevel(_ ops: [String], _ next: (inout ScriptParser) throws -> PyExpr) throws -> PyExpr {
        let first = current
        var left = try next(&self)
        while current.kind == .op, ops.contains(current.text), let op = PyBinaryOp(rawValue: current.text) {
            index += 1
            left = node(.binary(op, left, try next(&self)), from: first)
        }
        return left
    }

    private mutating func bitwiseOr() throws -> PyExpr { try binaryLevel(["|"]) { try $0.bitwiseXor() } }
    private mutating func bitwiseXor() throws -> PyExpr { try binaryLevel(["^"]) { try $0.bitwiseAnd() } }
    private mutating func bitwiseAnd() throws -> PyExpr { try binaryLevel(["&"]) { try $0.shift() } }
    private mutating func shift() throws -> PyExpr { try binaryLevel(["<<", ">>"]) { try $0.sum() } }
    private mutating func sum() throws -> PyExpr { try binaryLevel(["+", "-"]) { try $0.term() } }
    private mutating func term() throws -> PyExpr { try binaryLevel(["*", "/", "//", "%", "@"]) { try $0.factor() } }

    private mutating func factor() throws -> PyExpr {
        let first = current
        if current.kind == .op, ["-", "+", "~"].contains(current.text) {
            index += 1
            try deeper()
            defer { nesting -= 1 }
            return node(.unary(first.text, try factor()), from: first)
        }
        return try power()
    }

    private mutating func power() throws -> PyExpr {
        let first = current
        let base = try primary()
        guard accept("**") else { return base }
        try deeper()
        defer { nesting -= 1 }
        return node(.binary(.pow, base, try factor()), from: first)
    }

    private mutating func primary() throws -> PyExpr {
        let first = current
        var value = try atom()
        while true {
            if accept(".") {
                value = node(.attribute(value, names.name(try identifier())), from: first)
            } else if accept("(") {
                try deeper()
                let arguments = try callArguments()
                nesting -= 1
                try expect(")")
                value = node(.call(value, arguments), from: first)
            } else if accept("[") {
                try deeper()
                var indices: [PyIndex] = []
                var isTuple = false
                repeat {
                    if check("]") { break }
                    indices.append(try subscriptIndex())
                    if check(",") { isTuple = true }
                } while accept(",")
                nesting -= 1
                guard !indices.isEmpty else { throw error("invalid syntax") }
                try expect("]")
                value = node(.item(value, indices, isTuple: isTuple), from: first)
            } else {
                return value
            }
        }
    }

    private mutating func subscriptIndex() throws -> PyIndex {
        func part(_ p: inout ScriptParser) throws -> PyExpr? {
            p.check(":") || p.check("]") || p.check(",") ? nil : try p.expression()
        }
        let start = try part(&self)
        guard accept(":") else {
            // `x[]`, `x[, 1]`, `x[1, ]...`: an index needs an expression or a slice.
            guard let start else { throw error("invalid syntax") }
            return .value(start)
        }
        let stop = try part(&self)
        let step = accept(":") ? try part(&self) : nil
        return .slice(start, stop, step)
    }

    private mutating func callArguments() throws -> [PyArgument] {
        var arguments: [PyArgument] = []
        while !check(")") {
            if check("**") { throw unsupported("**kwargs arguments are", current) }
            if accept("*") {
                arguments.append(PyArgument(keyword: nil, value: try expression(), star: true))
            } else if current.kind == .name, tokens[index + 1].kind == .op, tokens[index + 1].text == "=" {
                let name = try identifier()
                index += 1
                arguments.append(PyArgument(keyword: name, value: try expression()))
            } else {
                if arguments.contains(where: { $0.keyword != nil }) {
                    throw error("positional argument follows keyword argument")
                }
                let value = try expression()
                if checkName("for") {
                    throw unsupported("generator expressions are", current)
                }
                arguments.append(PyArgument(keyword: nil, value: value))
            }
            if !accept(",") { break }
        }
        return arguments
    }

    private mutating func atom() throws -> PyExpr {
        let t = current
        switch t.kind {
        case .int:
            index += 1
            let text = t.text.lowercased()
            let value: Int?
            if text.hasPrefix("0x") { value = Int(text.dropFirst(2), radix: 16) }
            else if text.hasPrefix("0o") { value = Int(text.dropFirst(2), radix: 8) }
            else if text.hasPrefix("0b") { value = Int(text.dropFirst(2), radix: 2) }
            else { value = Int(text) }
            guard let value else {
                throw ScriptSyntaxError("integers beyond 64 bits are not supported in gradcli run", start: t.start, end: t.end, unsupported: true)
            }
            return node(.int(value), from: t)
        case .float:
            index += 1
            return node(.float(Double(t.text) ?? .nan), from: t)
        case .string:
            return try strings()
        case .name:
            switch t.text {
            case "True": index += 1; return node(.constant(.true), from: t)
            case "False": index += 1; return node(.constant(.false), from: t)
            case "None": index += 1; return node(.constant(.none), from: t)
            default: return node(.name(names.name(try identifier())), from: t)
            }
        case .op:
            switch t.text {
            case "(":
                index += 1
                try deeper()
                defer { nesting -= 1 }
                if accept(")") { return node(.tuple([]), from: t) }
                let head = try starOrExpression(true)
                if checkName("for") { throw unsupported("generator expressions are", current) }
                if accept(")") {
                    if case .starred = head.kind { throw error("cannot use starred expression here", at: t) }
                    return head
                }
                var items = [head]
                while accept(",") {
                    if check(")") { break }
                    items.append(try starOrExpression(true))
                }
                try expect(")")
                return node(.tuple(items), from: t)
            case "[":
                index += 1
                try deeper()
                defer { nesting -= 1 }
                var items: [PyExpr] = []
                while !check("]") {
                    items.append(try starOrExpression(true))
                    if items.count == 1, checkName("for") { return try comprehension(items[0], t) }
                    if !accept(",") { break }
                }
                try expect("]")
                return node(.list(items), from: t)
            case "{":
                index += 1
                try deeper()
                defer { nesting -= 1 }
                var pairs: [(PyExpr, PyExpr)] = []
                while !check("}") {
                    let key = try expression()
                    if check(",") || check("}") { throw unsupported("sets are", t) }
                    try expect(":")
                    pairs.append((key, try expression()))
                    if checkName("for") { throw unsupported("dict comprehensions are", current) }
                    if !accept(",") { break }
                }
                try expect("}")
                return node(.dict(pairs), from: t)
            case "...":
                index += 1
                return node(.constant(.ellipsis), from: t)
            default:
                throw error("invalid syntax")
            }
        case .newline, .end:
            throw error("invalid syntax")
        case .indent:
            throw error("unexpected indent")
        case .dedent:
            throw error("invalid syntax")
        }
    }

    private mutating func comprehension(_ element: PyExpr, _ open: PyToken) throws -> PyExpr {
        index += 1  // `for`
        let target = try targetList()
        try checkTarget(target)
        guard acceptName("in") else { throw error("invalid syntax") }
        let iterable = try disjunction()
        var conditions: [PyExpr] = []
        while acceptName("if") { conditions.append(try disjunction()) }
        if checkName("for") { throw unsupported("nested comprehensions are", current) }
        try expect("]")
        return node(.listComprehension(element: element, target: target, iterable: iterable, conditions: conditions), from: open)
    }

    /// Adjacent string literals, concatenated; f-strings split into parts.
    private mutating func strings() throws -> PyExpr {
        let first = current
        var parts: [FStringPart] = []
        var formatted = false
        while current.kind == .string {
            let t = advance()
            if t.prefix == "f" {
                formatted = true
                parts += try FStringParser.parts(of: t.text, token: t, names: names)
            } else {
                parts.append(.text(t.text))
            }
        }
        if !formatted {
            let text = parts.map { if case .text(let s) = $0 { return s } else { return "" } }.joined()
            return node(.string(text), from: first)
        }
        return node(.fstring(parts), from: first)
    }
}

/// Splits the text of an f-string into literal text and `{expression!conversion:spec}` fields.
enum FStringParser {
    static func parts(of text: String, token: PyToken, names: NameTable) throws -> [FStringPart] {
        let chars = Array(text)
        var i = 0
        return try parse(chars, &i, token: token, inSpec: false, names: names)
    }

    private static func parse(_ chars: [Character], _ i: inout Int, token: PyToken, inSpec: Bool, names: NameTable) throws -> [FStringPart] {
        var parts: [FStringPart] = []
        var literal = ""
        func fail(_ message: String) -> ScriptSyntaxError {
            ScriptSyntaxError("f-string: " + message, start: token.start, end: token.end)
        }
        while i < chars.count {
            let c = chars[i]
            if inSpec && c == "}" { break }
            if c == "{" {
                if !inSpec && i + 1 < chars.count && chars[i + 1] == "{" { literal.append("{"); i += 2; continue }
                if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
                i += 1
                var depth = 0, expressionText = "", quote: Character?
                while i < chars.count {
                    let d = chars[i]
                    if let q = quote { if d == q { quote = nil } }
                    else if d == "'" || d == "\"" { quote = d }
                    else if "([{".contains(d) { depth += 1 }
                    else if ")]}".contains(d) { if depth == 0 { break }; depth -= 1 }
                    else if depth == 0 && (d == "!" || d == ":") && !(d == "!" && i + 1 < chars.count && chars[i + 1] == "=") { break }
                    expressionText.append(d)
                    i += 1
                }
                let trimmed = expressionText.trimmingCharacters(in: " ")
                guard !trimmed.isEmpty else { throw fail("valid expression required before '}'") }
                if trimmed.hasSuffix("=") && !trimmed.hasSuffix("==") {
                    throw ScriptSyntaxError("f-string '=' specifiers are not supported in gradcli run", start: token.start, end: token.end, unsupported: true)
                }
                var parser = ScriptParser(tokens: try PyLexer.tokenize("(" + expressionText + ")"), names: names)
                let expression = try parser.expression()
                var conversion: Character?
                if i < chars.count && chars[i] == "!" {
                    guard i + 1 < chars.count, "rsa".contains(chars[i + 1]) else { throw fail("invalid conversion character") }
                    conversion = chars[i + 1]
                    i += 2
                }
                var spec: [FStringPart] = []
                if i < chars.count && chars[i] == ":" {
                    i += 1
                    spec = try parse(chars, &i, token: token, inSpec: true, names: names)
                }
                guard i < chars.count, chars[i] == "}" else { throw fail("expecting '}'") }
                i += 1
                parts.append(.value(expression, conversion: conversion, spec: spec))
                continue
            }
            if c == "}" {
                if i + 1 < chars.count && chars[i + 1] == "}" { literal.append("}"); i += 2; continue }
                throw fail("single '}' is not allowed")
            }
            literal.append(c)
            i += 1
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return parts
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
