import Autograd
import Glibc

// Python's builtins in the subset: print, len, range, enumerate, zip, min, max, abs, sum, round,
// float, int, str, bool, isinstance, list, tuple, dict, repr, sorted, reversed, any, all, type,
// and the exception types.

extension Interpreter {
    func makeBuiltins() -> [String: PyValue] {
        var b: [String: PyValue] = [:]
        func define(_ name: String, _ body: @escaping ([PyValue], Keywords) throws -> PyValue) {
            b[name] = .native(NativeFunction(name, body))
        }
        define("print") { [unowned self] args, kw in
            var sep = " ", end = "\n"
            for (k, v) in kw {
                switch (k, v) {
                case ("sep", .str(let s)): sep = s
                case ("end", .str(let s)): end = s
                case ("sep", .none), ("end", .none), ("flush", _): break
                case ("file", _): throw PyException("NotImplementedError", "print(file=...) is not supported in gradcli run")
                default: throw PyException("TypeError", "'\(k)' is an invalid keyword argument for print()")
                }
            }
            try self.checkViewsCurrent(args)
            self.output.write(args.map(pyStr).joined(separator: sep) + end)
            return .none
        }
        define("len") { [unowned self] args, _ in
            try self.arity("len", args, 1)
            switch args[0] {
            case .str(let s): return .int(s.count)
            case .tuple(let t): return .int(t.count)
            case .list(let l): return .int(l.items.count)
            case .dict(let d): return .int(d.keys.count)
            case .object(let r as PyRange): return .int(r.count)
            case .object(let s as PySize): return .int(s.dims.count)
            case .object(let t as PyNamedTuple): return .int(t.items.count)
            case .tensor(let t):
                guard t.value.rank > 0 else { throw PyException("TypeError", "len() of a 0-d tensor") }
                return .int(t.shape[0])
            default: throw PyException("TypeError", "object of type '\(args[0].typeName)' has no len()")
            }
        }
        define("range") { [unowned self] args, _ in
            let ints = try args.map { v -> Int in
                guard let i = self.integer(v), !self.isTensor(v) else { throw PyException("TypeError", "'\(v.typeName)' object cannot be interpreted as an integer") }
                return i
            }
            switch ints.count {
            case 1: return .object(PyRange(0, ints[0], 1))
            case 2: return .object(PyRange(ints[0], ints[1], 1))
            case 3:
                guard ints[2] != 0 else { throw PyException("ValueError", "range() arg 3 must not be zero") }
                return .object(PyRange(ints[0], ints[1], ints[2]))
            default: throw PyException("TypeError", "range expected at most 3 arguments, got \(ints.count)")
            }
        }
        define("enumerate") { [unowned self] args, kw in
            guard let iterable = args.first else { throw PyException("TypeError", "enumerate() missing required argument 'iterable'") }
            let start = (args.count > 1 ? args[1] : kw.first { $0.name == "start" }?.value).flatMap(self.integer) ?? 0
            let items = try self.sequenceItems(iterable, forUnpacking: false)
            return .object(PyIterator("enumerate", items.enumerated().map { .tuple([.int($0.offset + start), $0.element]) }))
        }
        define("zip") { [unowned self] args, _ in
            let lists = try args.map { try self.sequenceItems($0, forUnpacking: false) }
            let n = lists.map(\.count).min() ?? 0
            return .object(PyIterator("zip", (0..<n).map { i in .tuple(lists.map { $0[i] }) }))
        }
        define("reversed") { [unowned self] args, _ in
            try self.arity("reversed", args, 1)
            return .object(PyIterator("reversed", try self.sequenceItems(args[0], forUnpacking: false).reversed()))
        }
        define("sorted") { [unowned self] args, kw in
            try self.arity("sorted", args, 1)
            let reverse = try kw.first { $0.name == "reverse" }.map { try self.truthy($0.value) } ?? false
            return .list(PyList(try self.sortedValues(try self.sequenceItems(args[0], forUnpacking: false), reverse: reverse)))
        }
        define("min") { [unowned self] args, _ in try self.extremum(args, "min", .less) }
        define("max") { [unowned self] args, _ in try self.extremum(args, "max", .greater) }
        define("abs") { [unowned self] args, _ in
            try self.arity("abs", args, 1)
            switch args[0] {
            case .int(let i): return .int(Swift.abs(i))
            case .bool(let v): return .int(v ? 1 : 0)
            case .float(let d): return .float(Swift.abs(d))
            case .tensor(let t): return .tensor(try apply(Registry.lookup("abs")!, [t]))
            default: throw PyException("TypeError", "bad operand type for abs(): '\(args[0].typeName)'")
            }
        }
        define("sum") { [unowned self] args, kw in
            guard let iterable = args.first else { throw PyException("TypeError", "sum() takes at least 1 positional argument (0 given)") }
            var total = args.count > 1 ? args[1] : kw.first { $0.name == "start" }?.value ?? .int(0)
            for item in try self.sequenceItems(iterable, forUnpacking: false) { total = try self.binary(.add, total, item) }
            return total
        }
        define("round") { [unowned self] args, _ in
            guard let x = args.first else { throw PyException("TypeError", "round() missing required argument 'number'") }
            if case .tensor(let t) = x { return .tensor(try apply(Registry.lookup("round")!, [t])) }
            guard let d = self.number(x) else { throw PyException("TypeError", "type \(x.typeName) doesn't define __round__ method") }
            if args.count < 2 || self.isNone(args[1]) {
                if case .int = x { return x }
                guard d.isFinite else { throw PyException(d.isNaN ? "ValueError" : "OverflowError", d.isNaN ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer") }
                return .int(Int(d.rounded(.toNearestOrEven)))
            }
            let digits = self.integer(args[1]) ?? 0
            if case .int = x { return x }
            return .float(roundHalfEven(d, digits: digits))
        }
        b["float"] = .object(PyType("float") { [unowned self] args, _ in
            guard let x = args.first else { return .float(0) }
            if let d = self.number(x) { return .float(d) }
            if case .tensor(let t) = x, t.value.count == 1 { return .float(t.value.data[0]) }
            if case .object(let n as PyNumpyScalar) = x { return .float(n.value) }
            if case .str(let s) = x {
                let text = s.trimmingWhitespace().lowercased()
                if let d = Double(text) ?? (["inf", "+inf", "infinity"].contains(text) ? .infinity : text == "-inf" ? -.infinity : text == "nan" ? .nan : nil) { return .float(d) }
                throw PyException("ValueError", "could not convert string to float: \(pyRepr(x))")
            }
            throw PyException("TypeError", "float() argument must be a string or a real number, not '\(x.typeName)'")
        })
        b["int"] = .object(PyType("int") { [unowned self] args, _ in
            guard let x = args.first else { return .int(0) }
            switch x {
            case .int, .bool: return .int(self.integer(x)!)
            case .float(let d):
                guard d.isFinite else { throw PyException(d.isNaN ? "ValueError" : "OverflowError", d.isNaN ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer") }
                return .int(Int(d.rounded(.towardZero)))
            case .tensor(let t) where t.value.count == 1: return .int(Int(t.value.data[0].rounded(.towardZero)))
            case .object(let n as PyNumpyScalar) where n.value.isFinite: return .int(Int(n.value.rounded(.towardZero)))
            case .str(let s):
                guard let i = Int(s.trimmingWhitespace()) else { throw PyException("ValueError", "invalid literal for int() with base 10: \(pyRepr(x))") }
                return .int(i)
            default: throw PyException("TypeError", "int() argument must be a string, a bytes-like object or a real number, not '\(x.typeName)'")
            }
        })
        b["str"] = .object(PyType("str") { [unowned self] args, _ in
            try self.checkViewsCurrent(args)
            return .str(args.first.map(pyStr) ?? "")
        })
        b["bool"] = .object(PyType("bool") { [unowned self] args, _ in .bool(try args.first.map(self.truthy) ?? false) })
        b["list"] = .object(PyType("list") { [unowned self] args, _ in .list(PyList(try args.first.map { try self.sequenceItems($0, forUnpacking: false) } ?? [])) })
        b["tuple"] = .object(PyType("tuple") { [unowned self] args, _ in .tuple(try args.first.map { try self.sequenceItems($0, forUnpacking: false) } ?? []) })
        b["dict"] = .object(PyType("dict") { args, kw in
            let d = PyDict()
            if case .dict(let other)? = args.first { for k in other.keys { d[k] = other.values[k] } }
            for (k, v) in kw { d[.str(k)] = v }
            return .dict(d)
        })
        define("repr") { [unowned self] args, _ in
            try self.checkViewsCurrent(args)
            return .str(args.first.map(pyRepr) ?? "")
        }
        define("any") { [unowned self] args, _ in .bool(try self.sequenceItems(args.first ?? .tuple([]), forUnpacking: false).contains { try self.truthy($0) }) }
        define("all") { [unowned self] args, _ in .bool(try self.sequenceItems(args.first ?? .tuple([]), forUnpacking: false).allSatisfy { try self.truthy($0) }) }
        define("isinstance") { [unowned self] args, _ in
            try self.arity("isinstance", args, 2)
            let types: [PyValue]
            if case .tuple(let t) = args[1] { types = t } else { types = [args[1]] }
            return .bool(types.contains { t in
                guard case .object(let type as PyType) = t else { return false }
                return self.isInstance(args[0], type.name)
            })
        }
        define("type") { args, _ in
            guard args.count == 1 else { throw PyException("TypeError", "type() takes 1 argument in gradcli run") }
            let name = args[0].typeName
            return .object(PyType(name == "Tensor" ? "Tensor" : name))
        }
        define("hasattr") { [unowned self] args, _ in
            try self.arity("hasattr", args, 2)
            guard case .str(let name) = args[1] else { throw PyException("TypeError", "hasattr(): attribute name must be string") }
            return .bool((try? self.getAttribute(args[0], name)) != nil)
        }
        define("exit") { _, _ in throw PyException("SystemExit", "") }
        b["quit"] = b["exit"]
        for (name, bases) in Interpreter.exceptionTypes {
            b[name] = .object(PyType(name, bases: bases) { args, _ in
                .object(PyExceptionObject(PyException(name, args.count == 1 ? pyStr(args[0]) : args.isEmpty ? "" : pyRepr(.tuple(args)), bases: bases)))
            })
        }
        return b
    }

    /// The exception types programs may raise and catch, with their bases.
    static let exceptionTypes: [(String, [String])] = [
        ("Exception", []), ("RuntimeError", ["Exception"]), ("ValueError", ["Exception"]), ("TypeError", ["Exception"]),
        ("IndexError", ["LookupError", "Exception"]), ("KeyError", ["LookupError", "Exception"]), ("LookupError", ["Exception"]),
        ("ZeroDivisionError", ["ArithmeticError", "Exception"]), ("ArithmeticError", ["Exception"]),
        ("OverflowError", ["ArithmeticError", "Exception"]), ("NameError", ["Exception"]), ("AttributeError", ["Exception"]),
        ("AssertionError", ["Exception"]), ("NotImplementedError", ["RuntimeError", "Exception"]),
        ("RecursionError", ["RuntimeError", "Exception"]), ("StopIteration", ["Exception"]),
        ("ImportError", ["Exception"]), ("ModuleNotFoundError", ["ImportError", "Exception"]),
        ("UnboundLocalError", ["NameError", "Exception"]),
    ]

    func isTensor(_ v: PyValue) -> Bool {
        if case .tensor = v { return true }
        return false
    }

    private func isInstance(_ v: PyValue, _ type: String) -> Bool {
        switch (v, type) {
        case (.bool, "int"), (.bool, "bool"), (.int, "int"), (.float, "float"), (.str, "str"), (.tuple, "tuple"),
             (.list, "list"), (.dict, "dict"), (.tensor, "Tensor"): return true
        case (.object(let e as PyExceptionObject), _): return e.exception.matches(type)
        case (.object(let s as PySize), "tuple"), (.object(let s as PySize), "Size"): _ = s; return true
        default: return v.typeName == type
        }
    }

    private func extremum(_ args: [PyValue], _ name: String, _ op: PyCompareOp) throws -> PyValue {
        let items = args.count == 1 ? try sequenceItems(args[0], forUnpacking: false) : args
        guard var best = items.first else { throw PyException("ValueError", "\(name)() arg is an empty sequence") }
        for item in items.dropFirst() where try truthy(try compare(op, item, best)) { best = item }
        return best
    }
}

/// `round(x, n)` as Python computes it: correctly rounded, ties to even.
func roundHalfEven(_ x: Double, digits: Int) -> PyValue.RawDouble {
    guard x.isFinite else { return x }
    let text = formatC("%.\(Swift.max(digits, 0))f", x)  // printf rounds the exact binary value, ties to even
    if digits >= 0 { return Double(text) ?? x }
    let scale = Glibc.pow(10.0, Double(-digits))
    return (x / scale).rounded(.toNearestOrEven) * scale
}

extension PyValue {
    typealias RawDouble = Double
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
