import Autograd
import Glibc

/// Operator tables shared by the interpreter.
enum PyValueOps {
    /// The registry op behind each binary operator on tensors, resolved once (every tensor
    /// operator in a loop asks).
    static func tensorOp(_ op: PyBinaryOp) -> OpSpec? {
        switch op {
        case .add: return add
        case .sub: return sub
        case .mul: return mul
        case .div: return div
        case .pow: return pow
        case .matmul: return matmul
        default: return nil
        }
    }
    private static let add = Registry.lookup("add")!, sub = Registry.lookup("sub")!, mul = Registry.lookup("mul")!,
                       div = Registry.lookup("div")!, pow = Registry.lookup("pow")!, matmul = Registry.lookup("matmul")!
    /// The registry op behind each comparison on tensors.
    static let tensorCompareName: [PyCompareOp: String] = [.less: "lt", .lessEqual: "le", .greater: "gt", .greaterEqual: "ge",
                                                           .equal: "eq", .notEqual: "ne"]
}

extension Interpreter {
    /// The most items `[x] * n`, `(x,) * n` or `"s" * n` may make (2^27, the tensor element limit).
    static let maxRepetition = 1 << 27

    // MARK: truth and iteration

    func truthy(_ v: PyValue) throws -> Bool {
        switch v {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .str(let s): return !s.isEmpty
        case .tuple(let items): return !items.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .dict(let d): return !d.keys.isEmpty
        case .tensor(let t):
            guard t.value.count == 1 else {
                throw PyException("RuntimeError", t.value.count == 0 ? "Boolean value of Tensor with no values is ambiguous"
                                  : "Boolean value of Tensor with more than one value is ambiguous")
            }
            return t.value.data[0] != 0
        case .object(let r as PyRange): return r.count > 0
        case .object(let n as PyNumpyScalar): return n.value != 0
        default: return true
        }
    }

    /// Calls `body` with each item of `iterable` until it returns false; ranges are not materialised.
    func iterate(_ iterable: PyValue, _ body: (PyValue) throws -> Bool) throws {
        if case .object(let r as PyRange) = iterable {
            var i = r.start
            while r.step > 0 ? i < r.stop : i > r.stop {
                if try !body(.int(i)) { return }
                i += r.step
            }
            return
        }
        if case .list(let list) = iterable {
            var i = 0
            while i < list.items.count {  // a loop that appends sees the new items, as in Python
                if try !body(list.items[i]) { return }
                i += 1
            }
            return
        }
        for item in try sequenceItems(iterable, forUnpacking: false) where try !body(item) { return }
    }

    /// The items of an iterable value.
    func sequenceItems(_ v: PyValue, forUnpacking: Bool) throws -> [PyValue] {
        switch v {
        case .tuple(let items): return items
        case .list(let l): return l.items
        case .str(let s): return s.map { .str(String($0)) }
        case .dict(let d): return d.keys.map(\.value)
        case .object(let r as PyRange):
            var items: [PyValue] = []
            items.reserveCapacity(r.count)
            var i = r.start
            while r.step > 0 ? i < r.stop : i > r.stop { items.append(.int(i)); i += r.step }
            return items
        case .object(let z as PyIterator): return z.items
        case .object(let size as PySize): return size.dims.map { .int($0) }
        case .object(let tuple as PyNamedTuple): return tuple.items
        case .tensor(let t):
            guard t.value.rank > 0 else { throw PyException("TypeError", "iteration over a 0-d tensor") }
            return try (0..<t.shape[0]).map { .tensor(try t.select(dim: 0, index: $0)) }
        default:
            throw PyException("TypeError", forUnpacking ? "cannot unpack non-iterable \(v.typeName) object" : "'\(v.typeName)' object is not iterable")
        }
    }

    // MARK: numbers

    func integer(_ v: PyValue) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.value.count == 1 && !t.value.dtype.isFloatingPoint: return Int(t.value.data[0])
        default: return nil
        }
    }

    func number(_ v: PyValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .float(let d): return d
        default: return nil
        }
    }

    /// A Python number as a 0-d tensor operand (PyTorch's "wrapped number").
    func scalarTensor(_ v: PyValue) -> Variable? {
        switch v {
        case .int(let i): return Variable(wrappedNumber: Double(i), dtype: .int64)
        case .bool(let b): return Variable(wrappedNumber: b ? 1 : 0, dtype: .bool)
        case .float(let d): return Variable(wrappedNumber: d, dtype: .float64)
        default: return nil
        }
    }

    /// A tensor operand: a tensor itself or a wrapped Python number.
    func tensor(from v: PyValue) throws -> Variable {
        if case .tensor(let t) = v { return t }
        if let t = scalarTensor(v) { return t }
        throw PyException("TypeError", "expected Tensor as element 0 in argument 0, but got \(v.typeName)")
    }

    /// `tensor(from:)` for an operand that goes straight into `apply` (an operator's, a plain
    /// call's): `apply` never hands an input back nor changes it, so a Python number's wrapped
    /// tensor is made once and serves each use of the same number (`lr * w.grad` in a loop).
    func operand(_ v: PyValue) throws -> Variable {
        let (bits, dtype): (UInt64, DType)
        switch v {
        case .tensor(let t): return t
        case .int(let i): (bits, dtype) = (UInt64(bitPattern: Int64(i)), .int64)
        case .float(let d): (bits, dtype) = (d.bitPattern, .float64)
        default: return try tensor(from: v)
        }
        if let known = wrappedNumbers.variable(bits: bits, dtype: dtype) { return known }
        let made = try tensor(from: v)
        // Taken out, changed and put back (see `tensorMember`).
        var table = wrappedNumbers
        wrappedNumbers = WrappedNumbers()
        table.add(made, bits: bits, dtype: dtype)
        wrappedNumbers = table
        return made
    }

    // MARK: operators

    func unary(_ op: String, _ v: PyValue) throws -> PyValue {
        switch (op, v) {
        case ("-", .int(let i)): return .int(-i)
        case ("-", .bool(let b)): return .int(b ? -1 : 0)
        case ("-", .float(let d)): return .float(-d)
        case ("+", .int), ("+", .float): return v
        case ("+", .bool(let b)): return .int(b ? 1 : 0)
        case ("~", .int(let i)): return .int(~i)
        case ("-", .tensor(let t)): return .tensor(try apply(Registry.lookup("neg")!, [t]))
        case ("+", .tensor): return v
        default: throw PyException("TypeError", "bad operand type for unary \(op): '\(v.typeName)'")
        }
    }

    var numpyArithmetic: PyException {
        PyException.torch("operations on the result of numpy() other than comparing it with a number are not supported in gradcli run (numpy is outside the subset)")
    }

    func binary(_ op: PyBinaryOp, _ a: PyValue, _ b: PyValue) throws -> PyValue {
        // A named tuple is a tuple to the operators.
        if case .object(let t as PyNamedTuple) = a { return try binary(op, .tuple(t.items), b) }
        if case .object(let t as PyNamedTuple) = b { return try binary(op, a, .tuple(t.items)) }
        if case .object(is PyNumpyScalar) = a { throw numpyArithmetic }
        if case .object(is PyNumpyScalar) = b { throw numpyArithmetic }
        if case .tensor = a { return try tensorBinary(op, a, b) }
        if case .tensor = b { return try tensorBinary(op, a, b) }
        if op == .mul, let repeated = try repetition(a, b) ?? repetition(b, a) { return repeated }
        switch (a, b) {
        case (.int, .int), (.int, .bool), (.bool, .int), (.bool, .bool):
            return try intBinary(op, integer(a)!, integer(b)!)
        case (.float, .float), (.float, .int), (.int, .float), (.float, .bool), (.bool, .float):
            return try floatBinary(op, number(a)!, number(b)!)
        case (.str(let x), .str(let y)) where op == .add: return .str(x + y)
        case (.str(let s), _) where op == .mod: return .str(try percentFormat(s, b))
        case (.list(let x), .list(let y)) where op == .add: return .list(PyList(x.items + y.items))
        case (.tuple(let x), .tuple(let y)) where op == .add: return .tuple(x + y)
        case (.tuple, _) where op == .add, (.list, _) where op == .add:
            throw PyException("TypeError", "can only concatenate \(a.typeName) (not \"\(b.typeName)\") to \(a.typeName)")
        default:
            throw PyException("TypeError", "unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
    }

    /// `sequence * count` for a str, list or tuple and an int or bool (either order, as Python
    /// allows); nil for other operands. A negative count gives an empty sequence.
    private func repetition(_ sequence: PyValue, _ count: PyValue) throws -> PyValue? {
        switch count {
        case .int, .bool: break
        default: return nil
        }
        let n = Swift.max(integer(count)!, 0)
        let length: Int
        switch sequence {
        case .str(let s): length = s.unicodeScalars.count
        case .list(let x): length = x.items.count
        case .tuple(let x): length = x.count
        default: return nil
        }
        let (total, overflow) = length.multipliedReportingOverflow(by: n)
        guard !overflow, total <= Interpreter.maxRepetition else {
            throw PyException("MemoryError", "a repetition to \(overflow ? "more than 2^63" : String(total)) items is beyond gradcli run's limit of \(Interpreter.maxRepetition)")
        }
        switch sequence {
        case .str(let s): return .str(String(repeating: s, count: n))
        case .list(let x): return .list(PyList(Array([[PyValue]](repeating: x.items, count: n).joined())))
        case .tuple(let x): return .tuple(Array([[PyValue]](repeating: x, count: n).joined()))
        default: return nil
        }
    }

    private func tensorBinary(_ op: PyBinaryOp, _ a: PyValue, _ b: PyValue) throws -> PyValue {
        guard let rounded = Self.roundedInteger(in: a) ?? Self.roundedInteger(in: b) else { return try tensorBinaryOp(op, a, b) }
        let result = try tensorBinaryOp(op, a, b)
        try refuse(rounded, ifIntegerResult: result, of: [a, b])
        return result
    }

    private func tensorBinaryOp(_ op: PyBinaryOp, _ a: PyValue, _ b: PyValue) throws -> PyValue {
        guard let spec = PyValueOps.tensorOp(op) else {
            if op == .floorDiv || op == .mod {
                let spec = Registry.lookup(op == .mod ? "remainder" : "floor_divide")
                if let spec { return .tensor(try apply(spec, [try operand(a), try operand(b)])) }
            }
            throw PyException("TypeError", "unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
        guard let x = try? operand(a), let y = try? operand(b) else {
            throw PyException("TypeError", "unsupported operand type(s) for \(op.rawValue): '\(a.typeName)' and '\(b.typeName)'")
        }
        if case .tensor = a {} else {
            // Python's reflected operators: `2 * x` and `2 + x` are x.__rmul__(2) and
            // x.__radd__(2), whose node lists x first (the result is the same either way).
            if op == .add || op == .mul, case .tensor = b { return .tensor(try apply(spec, y, x)) }
            // As in expressions: a number minus a tensor is rsub (RsubBackward1), a number over a
            // tensor is reciprocal(tensor) * number (MulBackward0).
            if op == .sub { return .tensor(try apply(Lowering.renamed(spec, gradFn: "RsubBackward1"), [x, y])) }
            if op == .div { return .tensor(try apply(PyValueOps.tensorOp(.mul)!, [try apply(Ops.reciprocal, [y]), x])) }
        }
        return .tensor(try apply(spec, x, y))
    }

    private func intBinary(_ op: PyBinaryOp, _ x: Int, _ y: Int) throws -> PyValue {
        func overflow() -> PyException { PyException("OverflowError", "integers beyond 64 bits are not supported in gradcli run") }
        switch op {
        case .add: let (r, o) = x.addingReportingOverflow(y); if o { throw overflow() }; return .int(r)
        case .sub: let (r, o) = x.subtractingReportingOverflow(y); if o { throw overflow() }; return .int(r)
        case .mul: let (r, o) = x.multipliedReportingOverflow(by: y); if o { throw overflow() }; return .int(r)
        case .div:
            guard y != 0 else { throw PyException("ZeroDivisionError", "division by zero") }
            return .float(Double(x) / Double(y))
        case .floorDiv, .mod:
            guard y != 0 else { throw PyException("ZeroDivisionError", "integer division or modulo by zero") }
            var q = x / y, r = x % y
            if r != 0 && ((r < 0) != (y < 0)) { q -= 1; r += y }
            return .int(op == .floorDiv ? q : r)
        case .pow:
            if y < 0 { return try floatBinary(.pow, Double(x), Double(y)) }
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 { let (r, o) = result.multipliedReportingOverflow(by: base); if o { throw overflow() }; result = r }
                e >>= 1
                if e > 0 { let (r, o) = base.multipliedReportingOverflow(by: base); if o { throw overflow() }; base = r }
            }
            return .int(result)
        case .bitAnd: return .int(x & y)
        case .bitOr: return .int(x | y)
        case .bitXor: return .int(x ^ y)
        case .shiftLeft: return .int(x << y)
        case .shiftRight: return .int(x >> y)
        case .matmul: throw PyException("TypeError", "unsupported operand type(s) for @: 'int' and 'int'")
        }
    }

    private func floatBinary(_ op: PyBinaryOp, _ x: Double, _ y: Double) throws -> PyValue {
        switch op {
        case .add: return .float(x + y)
        case .sub: return .float(x - y)
        case .mul: return .float(x * y)
        case .div:
            guard y != 0 else { throw PyException("ZeroDivisionError", "float division by zero") }
            return .float(x / y)
        case .floorDiv, .mod:
            guard y != 0 else { throw PyException("ZeroDivisionError", op == .mod ? "float modulo" : "float floor division by zero") }
            var r = fmod(x, y)
            if r != 0 && ((r < 0) != (y < 0)) { r += y }
            return .float(op == .mod ? r : ((x - r) / y).rounded())
        case .pow:
            if x == 0 && y < 0 { throw PyException("ZeroDivisionError", "0.0 cannot be raised to a negative power") }
            return .float(Glibc.pow(x, y))
        default:
            throw PyException("TypeError", "unsupported operand type(s) for \(op.rawValue): 'float' and 'float'")
        }
    }

    func compare(_ op: PyCompareOp, _ a: PyValue, _ b: PyValue) throws -> PyValue {
        switch op {
        case .isSame: return .bool(identical(a, b))
        case .isNot: return .bool(!identical(a, b))
        case .isIn, .notIn:
            let found: Bool
            switch b {
            case .str(let s):
                guard case .str(let needle) = a else { throw PyException("TypeError", "'in <string>' requires string as left operand, not \(a.typeName)") }
                found = needle.isEmpty || s.contains(needle)
            case .dict(let d): found = d[try dictKey(a)] != nil
            default: found = try sequenceItems(b, forUnpacking: false).contains { (try? equal(a, $0)) == true }
            }
            return .bool(op == .isIn ? found : !found)
        default: break
        }
        // numpy compares a float32 scalar with a Python number in float32 (NEP 50).
        if case .object(let n as PyNumpyScalar) = a {
            guard let y = number(b) else { throw numpyArithmetic }
            return try compare(op, .float(n.dtype == .float32 ? Double(Float(n.value)) : n.value), .float(n.dtype == .float32 ? Double(Float(y)) : y))
        }
        if case .object(let n as PyNumpyScalar) = b {
            guard let x = number(a) else { throw numpyArithmetic }
            return try compare(op, .float(n.dtype == .float32 ? Double(Float(x)) : x), .float(n.dtype == .float32 ? Double(Float(n.value)) : n.value))
        }
        if let name = PyValueOps.tensorCompareName[op], a.tensorValue != nil || b.tensorValue != nil {
            if let rounded = Self.roundedInteger(in: a) ?? Self.roundedInteger(in: b),
               let t = a.tensorValue ?? b.tensorValue, !t.value.dtype.isFloatingPoint {
                // Compared with the double nearest the int, only an element equal to that double
                // compares otherwise than with the int itself.
                let nearest = Double(rounded)
                if t.value.data.contains(nearest) { throw Self.roundedIntegerError(rounded) }
            }
            return .tensor(try apply(Registry.lookup(name)!, [try operand(a), try operand(b)]))
        }
        // An int compares exactly with an int or a float, as in Python (2**53 + 1 > 2**53,
        // 2**53 + 1 != 2.0**53).
        if let order = Self.exactOrder(a, b) {
            switch op {
            case .equal: return .bool(order == 0)
            case .notEqual: return .bool(order != 0)
            case .less: return .bool(order == -1)
            case .lessEqual: return .bool(order == -1 || order == 0)
            case .greater: return .bool(order == 1)
            default: return .bool(order == 1 || order == 0)
            }
        }
        if op == .equal { return .bool(try equal(a, b)) }
        if op == .notEqual { return .bool(try !equal(a, b)) }
        let order: Int
        if let x = number(a), let y = number(b) {
            order = x < y ? -1 : x > y ? 1 : (x == y ? 0 : 2)
        } else if case .str(let x) = a, case .str(let y) = b {
            order = x < y ? -1 : x > y ? 1 : 0
        } else if let x = sequenceOf(a), let y = sequenceOf(b), a.typeName == b.typeName {
            order = try lexicographic(x, y)
        } else {
            throw PyException("TypeError", "'\(op.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
        if order == 2 { return .bool(false) }  // NaN
        switch op {
        case .less: return .bool(order < 0)
        case .lessEqual: return .bool(order <= 0)
        case .greater: return .bool(order > 0)
        default: return .bool(order >= 0)
        }
    }

    private func sequenceOf(_ v: PyValue) -> [PyValue]? {
        switch v {
        case .tuple(let items): return items
        case .list(let l): return l.items
        default: return nil
        }
    }

    private func lexicographic(_ x: [PyValue], _ y: [PyValue]) throws -> Int {
        for (a, b) in zip(x, y) where try !equal(a, b) {
            return try truthy(try compare(.less, a, b)) ? -1 : 1
        }
        return x.count < y.count ? -1 : x.count > y.count ? 1 : 0
    }

    /// -1, 0 or 1 as `a` is below, equal to or above `b` when one is an int and the other an
    /// int or float, compared exactly (2 for a NaN, which orders with nothing); nil otherwise.
    static func exactOrder(_ a: PyValue, _ b: PyValue) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : x > y ? 1 : 0
        case (.int(let x), .float(let y)): return order(x, y)
        case (.float(let x), .int(let y)): let o = order(y, x); return o == 2 ? 2 : -o
        default: return nil
        }
    }

    /// `i` against `d` exactly: through `d`'s integer part, which an Int holds unless `d` is
    /// beyond the Int range.
    private static func order(_ i: Int, _ d: Double) -> Int {
        if d.isNaN { return 2 }
        let whole = d.rounded(.down)
        if whole >= 0x1p63 { return -1 }
        if whole < -0x1p63 { return 1 }
        let w = Int(whole)
        if i != w { return i < w ? -1 : 1 }
        return whole == d ? 0 : -1  // i is the integer part of a d with a fraction: below it
    }

    func equal(_ a: PyValue, _ b: PyValue) throws -> Bool {
        if let order = Self.exactOrder(a, b) { return order == 0 }
        if let x = number(a), let y = number(b) { return x == y }
        if case .object(let s as PySize) = a { return try equal(.tuple(s.dims.map { .int($0) }), b) }
        if case .object(let s as PySize) = b { return try equal(a, .tuple(s.dims.map { .int($0) })) }
        switch (a, b) {
        case (.none, .none): return true
        case (.str(let x), .str(let y)): return x == y
        case (.tuple(let x), .tuple(let y)): return try x.count == y.count && zip(x, y).allSatisfy { try equal($0, $1) }
        case (.list(let x), .list(let y)): return try x.items.count == y.items.count && zip(x.items, y.items).allSatisfy { try equal($0, $1) }
        case (.tensor(let x), .tensor(let y)): return x === y
        default: return identical(a, b)
        }
    }

    func identical(_ a: PyValue, _ b: PyValue) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.node(let x), .node(let y)): return x === y
        case (.list(let x), .list(let y)): return x === y
        case (.dict(let x), .dict(let y)): return x === y
        case (.function(let x), .function(let y)): return x === y
        // One dtype object per dtype, as in PyTorch (`torch.float is torch.float32`).
        case (.object(let x as PyDType), .object(let y as PyDType)): return x.dtype == y.dtype
        case (.object(let x), .object(let y)): return x === y
        case (.str(let x), .str(let y)): return x == y
        default: return false
        }
    }

    func dictKey(_ v: PyValue) throws -> DictKey {
        switch v {
        case .str(let s): return .str(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        default: throw PyException("TypeError", "dict keys must be str or int in gradcli run, not \(v.typeName)")
        }
    }

    func listIndex(_ v: PyValue, _ count: Int, kind: String = "list") throws -> Int {
        guard let i = integer(v) else {
            throw PyException("TypeError", "\(kind) indices must be integers or slices, not \(v.typeName)")
        }
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw PyException("IndexError", "\(kind) index out of range") }
        return j
    }
}

/// A materialised iterator (`zip`, `enumerate`, `reversed`...), iterated once.
final class PyIterator: PyObject {
    let items: [PyValue]
    let kind: String
    init(_ kind: String, _ items: [PyValue]) {
        self.kind = kind
        self.items = items
    }
    override var typeName: String { kind }
}

/// The wrapped tensors of the few Python numbers a program's operators used last, by value and
/// dtype (a float's bits, an int's): a loop such as `w -= lr * w.grad` then makes one, not one
/// per step. A handful of entries, searched in order and replaced in turn.
struct WrappedNumbers {
    private var entries: [(bits: UInt64, dtype: DType, variable: Variable)] = []
    private var nextReplaced = 0
    private static let capacity = 8

    /// The wrapped tensor kept for these bits and dtype, if any.
    func variable(bits: UInt64, dtype: DType) -> Variable? {
        for entry in entries where entry.bits == bits && entry.dtype == dtype { return entry.variable }
        return nil
    }

    /// Keeps `variable` for these bits and dtype, in place of the oldest entry when full.
    mutating func add(_ variable: Variable, bits: UInt64, dtype: DType) {
        if entries.count < WrappedNumbers.capacity {
            entries.append((bits, dtype, variable))
        } else {
            entries[nextReplaced] = (bits, dtype, variable)
            nextReplaced = (nextReplaced + 1) % WrappedNumbers.capacity
        }
    }
}
