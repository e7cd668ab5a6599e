import Autograd

/// The variables of one scope (the module, or one call of a function), chained to the scope the
/// function was defined in; names not found anywhere are the builtins'. Variables are kept by
/// their number in the program's `NameTable`.
final class Scope {
    private var slots: [PyValue?] = []
    let parent: Scope?
    /// The numbers of the names declared `global` in a function's scope.
    var globals: Set<Int> = []
    /// True once a function was defined here (see `Interpreter.releaseScopes`).
    var holdsFunctions = false

    init(parent: Scope?) { self.parent = parent }

    /// The variable numbered `number` in this scope only.
    subscript(number: Int) -> PyValue? {
        get { number < slots.count ? slots[number] : nil }
        set {
            // The array is taken out, changed and put back: reads and writes of a class's
            // property are checked for exclusivity statically, a change in place at run time.
            var taken = slots
            slots = []
            if number >= taken.count {
                guard newValue != nil else { slots = taken; return }
                taken.append(contentsOf: repeatElement(nil, count: number + 1 - taken.count))
            }
            taken[number] = newValue
            slots = taken
        }
    }

    /// The variable numbered `number` here or in an enclosing scope.
    func lookup(_ number: Int) -> PyValue? {
        var scope: Scope? = self
        while let s = scope {
            if number < s.slots.count, let v = s.slots[number] { return v }
            scope = s.parent
        }
        return nil
    }

    /// The variables of this scope with their names, in no particular order.
    func bindings(_ names: NameTable) -> [(name: String, value: PyValue)] {
        slots.indices.compactMap { i in slots[i].map { (names.names[i], $0) } }
    }

    func removeAll() { slots = [] }
}

/// How a statement ended.
enum Flow {
    case normal, breakLoop, continueLoop
    case returned(PyValue)
}

/// A tree-walking interpreter of the Python subset, one `Scope` per call; every tensor operation
/// goes through the autograd core's op registry.
final class Interpreter {
    let output: ScriptOutput
    let fileName: String
    let globals = Scope(parent: nil)
    /// The numbers of the program's names, shared with the parser (see `NameTable`).
    let names: NameTable
    /// The builtins, by name number: the scope behind the module's.
    private let builtins = Scope(parent: nil)
    /// The frames of the calls in progress, outermost first. The innermost frame's line is
    /// `line`, which each statement sets (one store); a frame's `line` is written only when it
    /// makes a call.
    private(set) var frames: [TraceFrame] = [TraceFrame(function: "<module>", line: 0)]
    /// The line the innermost call is running.
    private(set) var line = 0
    /// The frames of the calls in progress with their current lines, outermost first.
    var callFrames: [TraceFrame] {
        var all = frames
        all[all.count - 1].line = line
        return all
    }
    /// The deepest call nesting allowed before Python's RecursionError (Python's default limit).
    static let recursionLimit = 1000
    /// Storage shared by tensors made with `.data` and `detach()`.
    var aliases = AliasTable()
    /// Lines at which the non-leaf `.grad` warning was already shown (Python shows it once).
    var warnedLines: Set<Int> = []
    /// The other UserWarnings shown, by line and message (Python shows each once per place).
    var warnedMessages: Set<String> = []
    /// The ops in-place shape methods name, found once per name and form (see `inPlaceShapeOp`):
    /// the lookups search static tables, so their answers never change.
    var inPlaceShapeOps: [String: OpSpec] = [:]
    /// What each name means as a tensor's attribute, found once: by name, and by the name's
    /// number for the program's attribute expressions (see `tensorMember`).
    var tensorMembers: [String: TensorMember] = [:], tensorMembersByNumber: [TensorMember?] = []
    /// The module members read by the program's attribute expressions, by the name's number,
    /// with the module's `version` when read (see `attribute(of:_:line:)`).
    var moduleMembers: [(module: PyModule, version: Int, value: PyValue)?] = []
    /// The wrapped tensors of the Python numbers operators used lately (see `operand`).
    var wrappedNumbers = WrappedNumbers()
    /// For each op called so far, how many positional tensors a call may pass straight to it
    /// (-1 when none may; see `plainArity`).
    var plainArities: [ObjectIdentifier: Int] = [:]
    lazy var torch: PyModule = makeTorchModule()
    /// Set by `run --trace-backward`: renders the trace of each `.backward()` call (with the
    /// module's leaf variables and the line) for stderr.
    var backwardTracer: ScriptRunner.BackwardTracer?

    /// The program's lines, for warnings that quote them.
    var sourceLines: [Substring]

    /// The scopes functions were defined in, weakly. A function holds its defining scope (for
    /// closures and recursion) and that scope usually holds the function: a reference cycle,
    /// which `releaseScopes` breaks when the program ends.
    private var functionScopes: [WeakScope] = []

    private struct WeakScope { weak var scope: Scope? }

    init(output: ScriptOutput, fileName: String, source: String, names: NameTable) {
        self.output = output
        self.fileName = fileName
        self.names = names
        self.sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for (name, value) in makeBuiltins() { builtins[names.number(name)] = value }
    }

    /// The builtin named by `number`, if any.
    func builtin(_ number: Int) -> PyValue? { builtins[number] }

    /// Runs a parsed program; an uncaught exception comes back with its traceback frames.
    func run(_ program: [PyStmt]) throws {
        _ = try execute(program, in: globals)
    }

    /// Notes that a function defined in `scope` holds it.
    func functionDefined(in scope: Scope) {
        guard !scope.holdsFunctions else { return }
        scope.holdsFunctions = true
        // Scopes of calls that have ended and whose functions are gone are dropped now and then.
        if functionScopes.count >= 64 && functionScopes.count.nonzeroBitCount == 1 {
            functionScopes.removeAll { $0.scope == nil }
        }
        functionScopes.append(WeakScope(scope: scope))
    }

    /// Empties every scope a function was defined in, so that the cycles between functions and
    /// their scopes (and the syntax trees the functions hold) are freed. Call it once the
    /// program has ended; nothing may run in the interpreter afterwards.
    func releaseScopes() {
        let scopes = functionScopes.compactMap(\.scope)
        functionScopes = []
        for scope in scopes { scope.removeAll() }
        globals.removeAll()
    }

    // MARK: statements

    func execute(_ body: [PyStmt], in scope: Scope) throws -> Flow {
        for statement in body {
            let flow = try execute(statement, in: scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ statement: PyStmt, in scope: Scope) throws -> Flow {
        line = statement.line
        do {
            return try executeStatement(statement, in: scope)
        } catch let error as OpError {
            throw PyException.torch(error.message)
        }
    }

    private func executeStatement(_ statement: PyStmt, in scope: Scope) throws -> Flow {
        switch statement.kind {
        case .expression(let e):
            _ = try evaluate(e, in: scope)
        case .assign(let targets, let valueExpr):
            let value = try evaluate(valueExpr, in: scope)
            for target in targets { try assign(value, to: target, in: scope) }
        case .augmentedAssign(let target, let op, let valueExpr):
            try augmentedAssign(target, op, valueExpr, in: scope)
        case .if(let branches, let otherwise):
            for (condition, body) in branches where try truthy(try evaluate(condition, in: scope)) {
                return try execute(body, in: scope)
            }
            if let otherwise { return try execute(otherwise, in: scope) }
        case .while(let condition, let body, let otherwise):
            while try truthy(try evaluate(condition, in: scope)) {
                switch try execute(body, in: scope) {
                case .breakLoop: return .normal
                case .returned(let v): return .returned(v)
                default: continue
                }
            }
            if let otherwise { return try execute(otherwise, in: scope) }
        case .for(let target, let iterableExpr, let body, let otherwise):
            let iterable = try evaluate(iterableExpr, in: scope)
            var flow = Flow.normal
            try iterate(iterable) { item in
                try assign(item, to: target, in: scope)
                switch try execute(body, in: scope) {
                case .breakLoop: flow = .breakLoop; return false
                case .returned(let v): flow = .returned(v); return false
                default: return true
                }
            }
            if case .returned = flow { return flow }
            if case .normal = flow, let otherwise { return try execute(otherwise, in: scope) }
        case .break: return .breakLoop
        case .continue: return .continueLoop
        case .pass: break
        case .return(let e):
            return .returned(try e.map { try evaluate($0, in: scope) } ?? .none)
        case .def(let name, let parameters, let body):
            let defaults = try parameters.map { try $0.defaultValue.map { try evaluate($0, in: scope) } }
            let function = PyFunction(name: name, parameters: parameters, defaults: defaults, body: body, expression: nil, scope: scope)
            functionDefined(in: scope)
            store(.function(function), names.number(name), in: scope)
        case .with(let items, let body):
            return try executeWith(items[...], body, in: scope)
        case .try(let body, let handlers, let otherwise, let finally):
            return try executeTry(body, handlers, otherwise, finally, in: scope)
        case .raise(let e):
            guard let e else { throw PyException("RuntimeError", "No active exception to reraise") }
            throw try exception(from: try evaluate(e, in: scope))
        case .assert(let condition, let message):
            if try !truthy(try evaluate(condition, in: scope)) {
                throw PyException("AssertionError", try message.map { pyStr(try evaluate($0, in: scope)) } ?? "")
            }
        case .import(let module, let alias):
            let value = try importModule(module, at: statement)
            if let alias { store(value, names.number(alias), in: scope) } else {
                let top = String(module.split(separator: ".")[0])
                store(try importModule(top, at: statement), names.number(top), in: scope)
            }
        case .fromImport(let module, let names):
            let value = try importModule(module, at: statement)
            for (name, alias) in names {
                guard case .object(let o) = value, let member = try o.attribute(name) ?? (try? importModule(module + "." + name, at: statement)) else {
                    throw PyException("ImportError", "cannot import name '\(name)' from '\(module)'")
                }
                store(member, self.names.number(alias ?? name), in: scope)
            }
        case .delete(let targets):
            for target in targets { try delete(target, in: scope) }
        case .global(let names):
            // Taken out, changed and put back (see `Scope`'s subscript): every `store` reads it.
            var declared = scope.globals
            scope.globals = []
            declared.formUnion(names.map(self.names.number))
            scope.globals = declared
        }
        return .normal
    }

    func store(_ value: PyValue, _ number: Int, in scope: Scope) {
        if !scope.globals.isEmpty && scope.globals.contains(number) { globals[number] = value } else { scope[number] = value }
    }

    private func executeWith(_ items: ArraySlice<(PyExpr, PyExpr?)>, _ body: [PyStmt], in scope: Scope) throws -> Flow {
        guard let (managerExpr, target) = items.first else { return try execute(body, in: scope) }
        let manager = try evaluate(managerExpr, in: scope)
        guard case .object(let object as PyContextManager) = manager else {
            throw PyException("TypeError", "'\(manager.typeName)' object does not support the context manager protocol")
        }
        let entered = try object.enter()
        defer { object.exit() }
        if let target { try assign(entered, to: target, in: scope) }
        return try executeWith(items.dropFirst(), body, in: scope)
    }

    private func executeTry(_ body: [PyStmt], _ handlers: [PyExceptHandler], _ otherwise: [PyStmt]?,
                            _ finally: [PyStmt]?, in scope: Scope) throws -> Flow {
        var flow = Flow.normal
        let depth = frames.count
        do {
            defer { if let finally { _ = try? execute(finally, in: scope) } }
            do {
                flow = try execute(body, in: scope)
            } catch var error as PyException {
                if frames.count > depth { frames.removeLast(frames.count - depth) }
                error.frames = []
                for handler in handlers {
                    if let typeExpr = handler.type {
                        let type = try evaluate(typeExpr, in: scope)
                        let names: [String]
                        switch type {
                        case .object(let t as PyType): names = [t.name]
                        case .tuple(let items): names = items.compactMap { if case .object(let t as PyType) = $0 { return t.name } else { return nil } }
                        default: throw PyException("TypeError", "catching classes that do not inherit from BaseException is not allowed")
                        }
                        guard names.contains(where: error.matches) else { continue }
                    }
                    if let name = handler.name { store(.object(PyExceptionObject(error)), names.number(name), in: scope) }
                    return try execute(handler.body, in: scope)
                }
                throw error
            }
            if case .normal = flow, let otherwise { flow = try execute(otherwise, in: scope) }
        }
        return flow
    }

    // MARK: assignment

    func assign(_ value: PyValue, to target: PyExpr, in scope: Scope) throws {
        switch target.kind {
        case .name(let name):
            store(value, name.number, in: scope)
        case .tuple(let targets), .list(let targets):
            let items = try sequenceItems(value, forUnpacking: true)
            if let star = targets.firstIndex(where: { if case .starred = $0.kind { return true } else { return false } }) {
                let after = targets.count - star - 1
                guard items.count >= targets.count - 1 else {
                    throw PyException("ValueError", "not enough values to unpack (expected at least \(targets.count - 1), got \(items.count))")
                }
                for (item, t) in zip(items.prefix(star), targets.prefix(star)) { try assign(item, to: t, in: scope) }
                guard case .starred(let inner) = targets[star].kind else { return }
                try assign(.list(PyList(Array(items[star..<(items.count - after)]))), to: inner, in: scope)
                for (item, t) in zip(items.suffix(after), targets.suffix(after)) { try assign(item, to: t, in: scope) }
                return
            }
            guard items.count == targets.count else {
                if items.count > targets.count { throw PyException("ValueError", "too many values to unpack (expected \(targets.count))") }
                throw PyException("ValueError", "not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (item, t) in zip(items, targets) { try assign(item, to: t, in: scope) }
        case .attribute(let objectExpr, let name):
            try setAttribute(try evaluate(objectExpr, in: scope), name.text, value)
        case .item(let containerExpr, let indices, let isTuple):
            let container = try evaluate(containerExpr, in: scope)
            try setItem(container, try evaluateIndices(indices, in: scope), isTuple: isTuple, value)
        default:
            throw PyException("SyntaxError", "cannot assign to expression")
        }
    }

    private func augmentedAssign(_ target: PyExpr, _ op: PyBinaryOp, _ valueExpr: PyExpr, in scope: Scope) throws {
        switch target.kind {
        case .name(let name):
            guard let current = scope.lookup(name.number) ?? builtin(name.number) else { throw nameError(name.text) }
            let value = try evaluate(valueExpr, in: scope)
            store(try inPlaceBinary(op, current, value), name.number, in: scope)
        case .attribute(let objectExpr, let name):
            let object = try evaluate(objectExpr, in: scope)
            let value = try evaluate(valueExpr, in: scope)
            try setAttribute(object, name.text, try inPlaceBinary(op, try getAttribute(object, name.text), value))
        case .item(let containerExpr, let indices, let isTuple):
            let container = try evaluate(containerExpr, in: scope)
            let index = try evaluateIndices(indices, in: scope)
            let value = try evaluate(valueExpr, in: scope)
            var item = try getItem(container, index, isTuple: isTuple)
            // A tensor's item is a view in PyTorch; gradcli's is a copy, which cannot be written
            // in place: the in-place op runs on a clone, then the assignment writes it back.
            if case .tensor(let view) = item, view.isView { item = .tensor(try apply(Ops.clone, [view])) }
            try setItem(container, index, isTuple: isTuple, try inPlaceBinary(op, item, value))
        default:
            throw PyException("SyntaxError", "'\(target.kind)' is an illegal expression for augmented assignment")
        }
    }

    /// `a op= b`: in place on tensors (PyTorch's `add_`...) and lists, rebinding otherwise.
    private func inPlaceBinary(_ op: PyBinaryOp, _ current: PyValue, _ value: PyValue) throws -> PyValue {
        if case .tensor(let t) = current, let spec = PyValueOps.tensorOp(op) {
            try Self.refuseRoundedInteger(value, writtenInto: t)
            try inPlace(t, spec, [try operand(value)], Attrs())
            return current
        }
        if case .list(let list) = current, op == .add {
            list.items += try sequenceItems(value, forUnpacking: false)
            return current
        }
        return try binary(op, current, value)
    }

    private func delete(_ target: PyExpr, in scope: Scope) throws {
        switch target.kind {
        case .name(let name):
            guard scope[name.number] != nil else { throw nameError(name.text) }
            scope[name.number] = nil
        case .item(let containerExpr, let indices, _):
            let container = try evaluate(containerExpr, in: scope)
            let index = try evaluateIndices(indices, in: scope)
            switch (container, index.first) {
            case (.list(let list), .value(let i)?): list.items.remove(at: try listIndex(i, list.items.count))
            case (.dict(let dict), .value(let k)?):
                let key = try dictKey(k)
                guard dict[key] != nil else { throw PyException("KeyError", pyRepr(k)) }
                dict[key] = nil
            default: throw PyException("TypeError", "'\(container.typeName)' object does not support item deletion")
            }
        default:
            throw PyException("SyntaxError", "cannot delete expression")
        }
    }

    /// Line `n` (1-based) of the program without its indentation.
    func sourceLine(_ n: Int) -> String {
        guard n >= 1 && n <= sourceLines.count else { return "" }
        return String(sourceLines[n - 1].drop { $0 == " " || $0 == "\t" })
    }

    func nameError(_ name: String) -> PyException {
        PyException("NameError", "name '\(name)' is not defined")
    }

    // MARK: expressions

    func evaluate(_ e: PyExpr, in scope: Scope) throws -> PyValue {
        let value = try evaluateExpression(e, in: scope)
        // Under `run --trace-backward`, a node remembers the expression that made it, for the
        // trace's carets (only then: the tag costs a check per expression).
        if backwardTracer != nil, case .tensor(let v) = value, v.tag == nil, v.gradFn != nil {
            v.tag = SourceRange(start: e.start, end: e.end)
        }
        return value
    }

    private func evaluateExpression(_ e: PyExpr, in scope: Scope) throws -> PyValue {
        switch e.kind {
        case .name(let name):
            if let v = scope.lookup(name.number) ?? builtin(name.number) { return v }
            throw nameError(name.text)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .str(s)
        case .fstring(let parts): return .str(try render(parts, in: scope))
        case .constant(let c):
            switch c {
            case .true: return .bool(true)
            case .false: return .bool(false)
            case .none: return .none
            case .ellipsis: return .object(PyEllipsis.shared)
            }
        case .tuple(let items): return .tuple(try evaluateItems(items, in: scope))
        case .list(let items): return .list(PyList(try evaluateItems(items, in: scope)))
        case .dict(let pairs):
            let dict = PyDict()
            for (k, v) in pairs { dict[try dictKey(try evaluate(k, in: scope))] = try evaluate(v, in: scope) }
            return .dict(dict)
        case .listComprehension(let element, let target, let iterableExpr, let conditions):
            let inner = Scope(parent: scope)
            var items: [PyValue] = []
            try iterate(try evaluate(iterableExpr, in: scope)) { item in
                try assign(item, to: target, in: inner)
                for condition in conditions where try !truthy(try evaluate(condition, in: inner)) { return true }
                items.append(try evaluate(element, in: inner))
                return true
            }
            return .list(PyList(items))
        case .attribute(let objectExpr, let name):
            return try attribute(of: try evaluate(objectExpr, in: scope), name, line: e.line)
        case .item(let containerExpr, let indices, let isTuple):
            return try getItem(try evaluate(containerExpr, in: scope), try evaluateIndices(indices, in: scope), isTuple: isTuple)
        case .call(let calleeExpr, let arguments):
            // `t.method(...)` on a tensor calls the method without making a bound method first.
            var method: (tensor: Variable, member: TensorMember, name: String)?
            let callee: PyValue
            if case .attribute(let objectExpr, let name) = calleeExpr.kind {
                let object = try evaluate(objectExpr, in: scope)
                if case .tensor(let t) = object {
                    let member = tensorMember(name)
                    if member.isData, let value = try tensorDataAttribute(t, name.text, line: calleeExpr.line) { callee = value } else {
                        method = (t, member, name.text)
                        callee = .none
                    }
                } else {
                    callee = try attribute(of: object, name, line: calleeExpr.line)
                }
            } else {
                callee = try evaluate(calleeExpr, in: scope)
            }
            var positional: [PyValue] = []
            var keywords: Keywords = []
            for argument in arguments {
                let value = try evaluate(argument.value, in: scope)
                if argument.star { positional += try sequenceItems(value, forUnpacking: false) }
                else if let name = argument.keyword { keywords.append((name, value)) }
                else { positional.append(value) }
            }
            if let method { return try tensorMethod(method.tensor, method.member, method.name, positional, keywords) }
            return try call(callee, positional, keywords)
        case .unary(let op, let operandExpr):
            return try unary(op, try evaluate(operandExpr, in: scope))
        case .binary(let op, let l, let r):
            return try binary(op, try evaluate(l, in: scope), try evaluate(r, in: scope))
        case .compare(let first, let chain):
            var left = try evaluate(first, in: scope)
            var result = PyValue.bool(true)
            for (op, rightExpr) in chain {
                let right = try evaluate(rightExpr, in: scope)
                result = try compare(op, left, right)
                if chain.count > 1, try !truthy(result) { return result }
                left = right
            }
            return result
        case .and(let l, let r):
            let left = try evaluate(l, in: scope)
            return try truthy(left) ? try evaluate(r, in: scope) : left
        case .or(let l, let r):
            let left = try evaluate(l, in: scope)
            return try truthy(left) ? left : try evaluate(r, in: scope)
        case .not(let operand):
            return .bool(try !truthy(try evaluate(operand, in: scope)))
        case .ternary(let condition, let then, let otherwise):
            return try truthy(try evaluate(condition, in: scope)) ? try evaluate(then, in: scope) : try evaluate(otherwise, in: scope)
        case .lambda(let parameters, let body):
            let defaults = try parameters.map { try $0.defaultValue.map { try evaluate($0, in: scope) } }
            functionDefined(in: scope)
            return .function(PyFunction(name: "<lambda>", parameters: parameters, defaults: defaults, body: [], expression: body, scope: scope))
        case .starred:
            throw PyException("SyntaxError", "can't use starred expression here")
        }
    }

    private func evaluateItems(_ items: [PyExpr], in scope: Scope) throws -> [PyValue] {
        var values: [PyValue] = []
        values.reserveCapacity(items.count)
        for item in items {
            if case .starred(let inner) = item.kind { values += try sequenceItems(try evaluate(inner, in: scope), forUnpacking: false) }
            else { values.append(try evaluate(item, in: scope)) }
        }
        return values
    }

    /// An evaluated subscript index.
    enum Index {
        case value(PyValue)
        case slice(Int?, Int?, Int?)
    }

    private func evaluateIndices(_ indices: [PyIndex], in scope: Scope) throws -> [Index] {
        try indices.map { index in
            switch index {
            case .value(let e): return .value(try evaluate(e, in: scope))
            case .slice(let a, let b, let c):
                func bound(_ e: PyExpr?) throws -> Int? {
                    guard let e else { return nil }
                    let v = try evaluate(e, in: scope)
                    if case .none = v { return nil }
                    guard let i = integer(v) else { throw PyException("TypeError", "slice indices must be integers or None or have an __index__ method") }
                    return i
                }
                let step = try bound(c)
                if step == 0 { throw PyException("ValueError", "slice step cannot be zero") }
                return .slice(try bound(a), try bound(b), step)
            }
        }
    }

    private func render(_ parts: [FStringPart], in scope: Scope) throws -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let s): out += s
            case .value(let e, let conversion, let specParts):
                var value = try evaluate(e, in: scope)
                try checkViewsCurrent([value])
                if conversion == "r" { value = .str(pyRepr(value)) } else if conversion == "s" { value = .str(pyStr(value)) }
                out += try format(value, spec: try render(specParts, in: scope))
            }
        }
        return out
    }

    // MARK: calls

    func call(_ callee: PyValue, _ arguments: [PyValue], _ keywords: Keywords) throws -> PyValue {
        switch callee {
        case .native(let f): return try f.body(arguments, keywords)
        case .function(let f): return try callFunction(f, arguments, keywords)
        case .object(let o): return try o.call(arguments, keywords)
        default: throw PyException("TypeError", "'\(callee.typeName)' object is not callable")
        }
    }

    func callFunction(_ f: PyFunction, _ arguments: [PyValue], _ keywords: Keywords) throws -> PyValue {
        let scope = Scope(parent: f.scope)
        guard arguments.count <= f.parameters.count else {
            throw PyException("TypeError", "\(f.name)() takes \(f.parameters.count) positional argument\(f.parameters.count == 1 ? "" : "s") but \(arguments.count) \(arguments.count == 1 ? "was" : "were") given")
        }
        for (p, a) in zip(f.parameters, arguments) { scope[p.name.number] = a }
        for (name, value) in keywords {
            guard let parameter = f.parameters.first(where: { $0.name.text == name }) else {
                throw PyException("TypeError", "\(f.name)() got an unexpected keyword argument '\(name)'")
            }
            guard scope[parameter.name.number] == nil else { throw PyException("TypeError", "\(f.name)() got multiple values for argument '\(name)'") }
            scope[parameter.name.number] = value
        }
        let missing = zip(f.parameters, f.defaults).filter { p, d in
            if scope[p.name.number] != nil { return false }
            if let d { scope[p.name.number] = d; return false }
            return true
        }.map { "'\($0.0.name.text)'" }
        if !missing.isEmpty {
            let list = missing.count == 1 ? missing[0] : missing.dropLast().joined(separator: ", ") + " and " + missing.last!
            throw PyException("TypeError", "\(f.name)() missing \(missing.count) required positional argument\(missing.count == 1 ? "" : "s"): \(list)")
        }
        guard frames.count < Interpreter.recursionLimit else {
            throw PyException("RecursionError", "maximum recursion depth exceeded")
        }
        enterCall(f.name, line: f.expression?.line ?? f.body.first?.line ?? 0)
        do {
            let result: PyValue
            if let expression = f.expression {
                result = try evaluate(expression, in: scope)
            } else if case .returned(let v) = try execute(f.body, in: scope) {
                result = v
            } else {
                result = .none
            }
            _ = leaveCall()
            return result
        } catch var error as PyException {
            error.frames.append(leaveCall())
            throw error
        }
    }

    private func enterCall(_ function: String, line: Int) {
        frames[frames.count - 1].line = self.line
        frames.append(TraceFrame(function: function, line: line))
        self.line = line
    }

    /// Ends the innermost call and returns its frame at the line it reached.
    private func leaveCall() -> TraceFrame {
        var frame = frames.removeLast()
        frame.line = line
        line = frames[frames.count - 1].line
        return frame
    }

    /// Starts over at the module level (the repl, before each input), at `line`.
    func resetFrames(line: Int) {
        frames = [TraceFrame(function: "<module>", line: line)]
        self.line = line
    }

    // MARK: modules

    func importModule(_ name: String, at statement: PyStmt) throws -> PyValue {
        var value = PyValue.object(torch)
        let parts = name.split(separator: ".").map(String.init)
        guard parts.first == "torch" else {
            throw PyException("ModuleNotFoundError", "No module named '\(name)' (gradcli run provides torch only)")
        }
        for part in parts.dropFirst() {
            guard case .object(let o) = value, let next = try o.attribute(part), case .object(let m as PyModule) = next else {
                throw PyException("ModuleNotFoundError", "No module named '\(name)'")
            }
            value = .object(m)
        }
        return value
    }

    func exception(from value: PyValue) throws -> PyException {
        switch value {
        case .object(let e as PyExceptionObject): return e.exception
        case .object(let t as PyType) where !t.bases.isEmpty || t.name.hasSuffix("Error") || t.name == "Exception":
            return PyException(t.name, "", bases: t.bases)
        default: throw PyException("TypeError", "exceptions must derive from BaseException")
        }
    }
}

/// `...` as a value.
final class PyEllipsis: PyObject {
    static let shared = PyEllipsis()
    override var typeName: String { "ellipsis" }
    override var repr: String { "Ellipsis" }
}

/// An object usable in `with`: grad-mode switches and anomaly detection.
class PyContextManager: PyObject {
    func enter() throws -> PyValue { .none }
    func exit() {}
}
