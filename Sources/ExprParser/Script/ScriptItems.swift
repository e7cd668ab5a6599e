import Autograd

// Subscripts and attributes of Python's own values (lists, tuples, dicts, strings); tensors'
// are in ScriptTensor.swift.

extension Interpreter {
    func getItem(_ container: PyValue, _ index: [Index], isTuple: Bool) throws -> PyValue {
        if case .tensor(let t) = container { return .tensor(try tensorItem(t, index)) }
        if case .object(let tuple as PyNamedTuple) = container { return try getItem(.tuple(tuple.items), index, isTuple: isTuple) }
        if case .object(let size as PySize) = container {  // torch.Size indexes as a tuple of ints
            let item = try getItem(.tuple(size.dims.map { .int($0) }), index, isTuple: isTuple)
            if case .tuple(let dims) = item { return .object(PySize(dims.compactMap(integer))) }
            return item
        }
        guard index.count == 1, !isTuple else {
            if case .dict(let d) = container {
                let key = try dictKey(.tuple(index.map { if case .value(let v) = $0 { return v } else { return .none } }))
                return d[key] ?? .none
            }
            throw PyException("TypeError", "\(container.typeName) indices must be integers or slices, not tuple")
        }
        switch (container, index[0]) {
        case (.list(let l), .value(let i)): return l.items[try listIndex(i, l.items.count)]
        case (.tuple(let items), .value(let i)): return items[try listIndex(i, items.count, kind: "tuple")]
        case (.str(let s), .value(let i)):
            let chars = Array(s)
            return .str(String(chars[try listIndex(i, chars.count, kind: "string")]))
        case (.dict(let d), .value(let k)):
            guard let v = d[try dictKey(k)] else { throw PyException("KeyError", pyRepr(k)) }
            return v
        case (.list(let l), .slice(let a, let b, let c)): return .list(PyList(sliced(l.items, a, b, c)))
        case (.tuple(let items), .slice(let a, let b, let c)): return .tuple(sliced(items, a, b, c))
        case (.str(let s), .slice(let a, let b, let c)):
            return .str(sliced(Array(s).map { PyValue.str(String($0)) }, a, b, c).map(pyStr).joined())
        case (.object(let r as PyRange), .value(let i)):
            return .int(r.start + r.step * (try listIndex(i, r.count, kind: "range object")))
        default:
            throw PyException("TypeError", "'\(container.typeName)' object is not subscriptable")
        }
    }

    /// Python's slice of `items` with optional start, stop and step.
    func sliced(_ items: [PyValue], _ start: Int?, _ stop: Int?, _ step: Int?) -> [PyValue] {
        let n = items.count, s = step ?? 1
        func clamp(_ v: Int?, _ fallback: Int) -> Int {
            guard var v else { return fallback }
            if v < 0 { v += n }
            return s > 0 ? Swift.min(Swift.max(v, 0), n) : Swift.min(Swift.max(v, -1), n - 1)
        }
        var i = clamp(start, s > 0 ? 0 : n - 1)
        let end = clamp(stop, s > 0 ? n : -1)
        var out: [PyValue] = []
        while s > 0 ? i < end : i > end { out.append(items[i]); i += s }
        return out
    }

    func setItem(_ container: PyValue, _ index: [Index], isTuple: Bool, _ value: PyValue) throws {
        switch (container, index.first) {
        case (.tensor(let t), _): try setTensorItem(t, index, value)
        case (.list(let l), .value(let i)?) where index.count == 1: l.items[try listIndex(i, l.items.count)] = value
        case (.dict(let d), .value(let k)?) where index.count == 1: d[try dictKey(k)] = value
        default: throw PyException("TypeError", "'\(container.typeName)' object does not support item assignment")
        }
    }

    /// `object.name` for an attribute name of the program. A module's member is kept by the
    /// name's number while the module is unchanged: `torch.no_grad` in a loop then costs no
    /// lookup of the name in the module's table.
    func attribute(of object: PyValue, _ name: PyName, line: Int) throws -> PyValue {
        if case .object(let o) = object, name.number < moduleMembers.count, let known = moduleMembers[name.number],
           known.module === o, known.version == known.module.version {
            return known.value
        }
        let value = try getAttribute(object, name.text, line: line)
        if case .object(let m as PyModule) = object {
            // Taken out, changed and put back (see `tensorMember`).
            var table = moduleMembers
            moduleMembers = []
            if name.number >= table.count { table.append(contentsOf: repeatElement(nil, count: name.number + 1 - table.count)) }
            table[name.number] = (m, m.version, value)
            moduleMembers = table
        }
        return value
    }

    func getAttribute(_ object: PyValue, _ name: String, line: Int = 0) throws -> PyValue {
        switch object {
        case .tensor(let t): return try tensorAttribute(t, name, line: line)
        case .node(let fn): return try nodeAttribute(fn, name)
        case .object(let o):
            if let v = try o.attribute(name) { return v }
            if let m = o as? PyModule { throw PyException("AttributeError", "module '\(m.name)' has no attribute '\(name)'") }
        case .list(let l): if let m = listMethod(l, name) { return .native(m) }
        case .dict(let d): if let m = dictMethod(d, name) { return .native(m) }
        case .str(let s): if let m = stringMethod(s, name) { return .native(m) }
        case .tuple(let items):
            if name == "index" || name == "count" { return .native(listMethod(PyList(items), name)!) }
        case .float(let d):
            if name == "is_integer" { return .native(NativeFunction(name) { _, _ in .bool(d == d.rounded()) }) }
            if name == "real" { return object }
        default: break
        }
        throw PyException("AttributeError", "'\(object.typeName)' object has no attribute '\(name)'")
    }

    func setAttribute(_ object: PyValue, _ name: String, _ value: PyValue) throws {
        switch object {
        case .tensor(let t): try setTensorAttribute(t, name, value)
        case .object(let m as PyModule): m.members[name] = value
        case .object(let o):
            guard try o.setAttribute(name, value) else { throw PyException("AttributeError", "'\(object.typeName)' object has no attribute '\(name)'") }
        default: throw PyException("AttributeError", "'\(object.typeName)' object has no attribute '\(name)'")
        }
    }

    private func method(_ name: String, _ body: @escaping ([PyValue], Keywords) throws -> PyValue) -> NativeFunction {
        NativeFunction(name, body)
    }

    private func listMethod(_ l: PyList, _ name: String) -> NativeFunction? {
        switch name {
        case "append": return method(name) { a, _ in try self.arity(name, a, 1); l.items.append(a[0]); return .none }
        case "extend": return method(name) { a, _ in try self.arity(name, a, 1); l.items += try self.sequenceItems(a[0], forUnpacking: false); return .none }
        case "insert":
            return method(name) { a, _ in
                try self.arity(name, a, 2)
                let i = Swift.min(Swift.max(self.integer(a[0]) ?? 0, -l.items.count), l.items.count)
                l.items.insert(a[1], at: i < 0 ? i + l.items.count : i)
                return .none
            }
        case "pop":
            return method(name) { a, _ in
                guard !l.items.isEmpty else { throw PyException("IndexError", "pop from empty list") }
                let i = a.isEmpty ? l.items.count - 1 : try self.listIndex(a[0], l.items.count)
                return l.items.remove(at: i)
            }
        case "clear": return method(name) { _, _ in l.items.removeAll(); return .none }
        case "reverse": return method(name) { _, _ in l.items.reverse(); return .none }
        case "copy": return method(name) { _, _ in .list(PyList(l.items)) }
        case "index":
            return method(name) { a, _ in
                try self.arity(name, a, 1)
                for (i, item) in l.items.enumerated() where try self.equal(item, a[0]) { return .int(i) }
                throw PyException("ValueError", "\(pyRepr(a[0])) is not in list")
            }
        case "count":
            return method(name) { a, _ in
                try self.arity(name, a, 1)
                return .int(try l.items.filter { try self.equal($0, a[0]) }.count)
            }
        case "sort":
            return method(name) { _, k in
                let reverse = try k.first { $0.name == "reverse" }.map { try self.truthy($0.value) } ?? false
                l.items = try self.sortedValues(l.items, reverse: reverse)
                return .none
            }
        default: return nil
        }
    }

    func sortedValues(_ items: [PyValue], reverse: Bool) throws -> [PyValue] {
        var failure: Error?
        let sorted = items.sorted { a, b in
            do { return try self.truthy(try self.compare(.less, reverse ? b : a, reverse ? a : b)) } catch { failure = error; return false }
        }
        if let failure { throw failure }
        return sorted
    }

    private func dictMethod(_ d: PyDict, _ name: String) -> NativeFunction? {
        switch name {
        case "keys": return method(name) { _, _ in .list(PyList(d.keys.map(\.value))) }
        case "values": return method(name) { _, _ in .list(PyList(d.keys.map { d.values[$0]! })) }
        case "items": return method(name) { _, _ in .list(PyList(d.keys.map { .tuple([$0.value, d.values[$0]!]) })) }
        case "get": return method(name) { a, _ in d[try self.dictKey(a[0])] ?? (a.count > 1 ? a[1] : .none) }
        case "pop":
            return method(name) { a, _ in
                let key = try self.dictKey(a[0])
                guard let v = d[key] else {
                    if a.count > 1 { return a[1] }
                    throw PyException("KeyError", pyRepr(a[0]))
                }
                d[key] = nil
                return v
            }
        case "update":
            return method(name) { a, _ in
                guard case .dict(let other)? = a.first else { throw PyException("TypeError", "update() expects a dict") }
                for k in other.keys { d[k] = other.values[k] }
                return .none
            }
        default: return nil
        }
    }

    private func stringMethod(_ s: String, _ name: String) -> NativeFunction? {
        switch name {
        case "format": return method(name) { a, k in .str(try self.strFormat(s, a, k)) }
        case "join":
            return method(name) { a, _ in
                try self.arity(name, a, 1)
                return .str(try self.sequenceItems(a[0], forUnpacking: false).map { item in
                    guard case .str(let text) = item else { throw PyException("TypeError", "sequence item: expected str instance, \(item.typeName) found") }
                    return text
                }.joined(separator: s))
            }
        case "upper": return method(name) { _, _ in .str(s.uppercased()) }
        case "lower": return method(name) { _, _ in .str(s.lowercased()) }
        case "strip": return method(name) { _, _ in .str(String(s.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())) }
        case "startswith": return method(name) { a, _ in if case .str(let p)? = a.first { return .bool(s.hasPrefix(p)) }; return .bool(false) }
        case "endswith": return method(name) { a, _ in if case .str(let p)? = a.first { return .bool(s.hasSuffix(p)) }; return .bool(false) }
        case "split":
            return method(name) { a, _ in
                if case .str(let sep)? = a.first, !sep.isEmpty {
                    return .list(PyList(splitString(s, by: sep).map { .str($0) }))
                }
                return .list(PyList(s.split(whereSeparator: { $0.isWhitespace }).map { .str(String($0)) }))
            }
        case "replace":
            return method(name) { a, _ in
                guard a.count >= 2, case .str(let old) = a[0], case .str(let new) = a[1], !old.isEmpty else { return .str(s) }
                return .str(splitString(s, by: old).joined(separator: new))
            }
        default: return nil
        }
    }

    func arity(_ name: String, _ arguments: [PyValue], _ count: Int) throws {
        guard arguments.count == count else {
            throw PyException("TypeError", "\(name)() takes exactly \(count == 1 ? "one argument" : "\(count) arguments") (\(arguments.count) given)")
        }
    }
}

/// `s` split at every occurrence of `separator`.
func splitString(_ s: String, by separator: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var rest = Substring(s)
    while !rest.isEmpty {
        if rest.hasPrefix(separator) {
            parts.append(current)
            current = ""
            rest = rest.dropFirst(separator.count)
        } else {
            current.append(rest.removeFirst())
        }
    }
    parts.append(current)
    return parts
}
