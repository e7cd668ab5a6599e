import Autograd

// A Python int is exact at any size; gradcli's int64 tensors hold their values as doubles, which
// are exact up to 2^53. A Python int beyond that which a double does not hold would be computed
// with a neighbour (`torch.full((2,), 2**53 + 1)` gave 9007199254740992), so a call that turns
// one into integer arithmetic is refused. In floating-point arithmetic PyTorch rounds it too
// (`torch.ones(1) * (2**53 + 1)`), so those calls run.

extension Interpreter {
    /// The first Python int in `value` (or in the lists and tuples it holds) a double would round.
    static func roundedInteger(in value: PyValue) -> Int? {
        switch value {
        case .int(let i): return i.magnitude <= 1 << 53 || Int(exactly: Double(i)) == i ? nil : i
        case .list(let l): return l.items.lazy.compactMap(roundedInteger).first
        case .tuple(let items): return items.lazy.compactMap(roundedInteger).first
        default: return nil
        }
    }

    /// The first Python int among a call's arguments a double would round; nil for nearly every call.
    static func roundedInteger(in positional: [PyValue], _ keywords: Keywords) -> Int? {
        positional.lazy.compactMap(roundedInteger).first ?? keywords.lazy.compactMap { roundedInteger(in: $0.value) }.first
    }

    static func roundedIntegerError(_ i: Int) -> PyException {
        PyException("RuntimeError", Parser.inexactInteger(String(i), Double(i))!)
    }

    /// Refuses writing `value` into integer tensor `t` (`t += n`, `t[i] = n`) when it holds such an int.
    static func refuseRoundedInteger(_ value: PyValue, writtenInto t: Variable) throws {
        if let rounded = roundedInteger(in: value), !t.value.dtype.isFloatingPoint { throw roundedIntegerError(rounded) }
    }

    /// Refuses `result` of a call on `arguments` that holds Python int `rounded` when the call
    /// computed in integers: an integer or bool result and no floating-point tensor argument.
    func refuse(_ rounded: Int, ifIntegerResult result: PyValue, of arguments: [PyValue]) throws {
        func isInteger(_ v: PyValue) -> Bool {
            switch v {
            case .tensor(let t): return !t.value.dtype.isFloatingPoint
            case .tuple(let items): return items.contains(where: isInteger)
            case .list(let l): return l.items.contains(where: isInteger)
            default: return false
            }
        }
        let floatArgument = arguments.contains { $0.tensorValue?.value.dtype.isFloatingPoint == true }
        if isInteger(result) && !floatArgument { throw Self.roundedIntegerError(rounded) }
    }

    /// Runs `call` on `positional` and `keywords` (and the tensor `receiver` of a method), refusing
    /// it when it holds a Python int a double would round and computes in integers; an in-place
    /// call on an integer receiver is refused before it changes the receiver.
    func exactly(_ positional: [PyValue], _ keywords: Keywords, receiver: Variable? = nil, inPlace: Bool = false,
                 _ call: () throws -> PyValue) throws -> PyValue {
        guard let rounded = Self.roundedInteger(in: positional, keywords) else { return try call() }
        if inPlace, let receiver, !receiver.value.dtype.isFloatingPoint { throw Self.roundedIntegerError(rounded) }
        let result = try call()
        try refuse(rounded, ifIntegerResult: result, of: positional + keywords.map(\.value) + (receiver.map { [.tensor($0)] } ?? []))
        return result
    }
}
