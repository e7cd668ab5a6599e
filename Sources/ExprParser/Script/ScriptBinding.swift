import Autograd

// Python call arguments onto a registry op's parameters, as PyTorch binds them: positional
// arguments in order, keywords by name, a run of integers into the last size parameter
// (`ones(2, 3)`, `x.view(2, 3)`), `None` for a parameter that defaults to None.

extension Interpreter {
    /// Runs registry op `spec` on Python arguments; `self` (for a method) is the first argument.
    func callOp(_ spec: OpSpec, _ name: String, _ positional: [PyValue], _ keywords: Keywords) throws -> Variable {
        let (inputs, attrs) = try bind(spec, name, positional, keywords)
        try refuseArgumentDTypes(spec, inputs, attrs)
        // The losses' deprecated `size_average`/`reduce` mean a reduction, as in expressions.
        return try apply(spec, inputs, Lowering.legacyReduction(attrs))
    }

    /// The tensor inputs (nil for an optional tensor left out) and attributes of a call.
    /// `selfParam`, the parameter a method's tensor fills by keyword, takes no positional argument.
    func bind(_ spec: OpSpec, _ name: String, _ positional: [PyValue], _ keywords: Keywords,
              selfParam: Int? = nil) throws -> ([Variable?], Attrs) {
        let params = spec.params
        var given = [PyValue?](filling: nil, count: params.count)
        let lastInts = params.lastIndex { $0.kind == .ints }
        var a = 0, p = 0
        while a < positional.count {
            if p == selfParam { p += 1; continue }
            guard p < params.count else {
                throw PyException("TypeError", "\(name)() takes \(params.count) positional arguments but \(positional.count) were given")
            }
            if p == lastInts, case .int = positional[a] {
                var run: [PyValue] = []
                while a < positional.count, case .int = positional[a] { run.append(positional[a]); a += 1 }
                given[p] = run.count == 1 ? run[0] : .tuple(run)
                p += 1
                continue
            }
            given[p] = positional[a]
            a += 1
            p += 1
        }
        for (keyword, value) in keywords {
            guard let k = params.firstIndex(where: { $0.name == keyword }) else {
                throw PyException("TypeError", "\(name)() got an unexpected keyword argument '\(keyword)'")
            }
            guard given[k] == nil else { throw PyException("TypeError", "\(name)() got multiple values for argument '\(keyword)'") }
            given[k] = value
        }
        var inputs: [Variable?] = []
        var attrs = Attrs()
        for (param, value) in zip(params, given) {
            var value = value
            if case .none? = value {
                guard param.defaultValue == AttrValue.none else {
                    throw PyException("TypeError", "\(name)(): argument '\(param.name)' must be \(expectation(param.kind)), not NoneType")
                }
                value = nil
            }
            guard let value else {
                if param.isTensor {
                    if param.isOptionalTensor { inputs.append(nil); continue }
                    guard let d = param.defaultValue, let number = Attrs(["v": d]).optionalDouble("v") else {
                        throw PyException("TypeError", "\(name)() missing 1 required positional argument: \"\(param.name)\"")
                    }
                    inputs.append(Variable(wrappedNumber: number, dtype: .float64))
                } else if param.defaultValue == nil {
                    throw PyException("TypeError", "\(name)() missing 1 required positional argument: \"\(param.name)\"")
                }
                continue
            }
            switch param.kind {
            case .tensor:
                inputs.append(try tensor(from: value))
            case .tensorList:
                inputs += try sequenceItems(value, forUnpacking: false).map { try tensor(from: $0) }
            default:
                attrs[param.name] = try attribute(param, value, function: name)
            }
        }
        return (inputs, attrs)
    }

    private func attribute(_ param: Param, _ value: PyValue, function: String) throws -> AttrValue {
        func fail() -> PyException {
            PyException("TypeError", "\(function)(): argument '\(param.name)' must be \(expectation(param.kind)), not \(value.typeName)")
        }
        switch param.kind {
        case .int:
            guard let i = integer(value) else { throw fail() }
            return .int(i)
        case .ints:
            if let i = integer(value), !isFloatTensor(value) { return .int(i) }
            let items: [PyValue]
            switch value {
            case .tuple(let t): items = t
            case .list(let l): items = l.items
            case .object(let s as PySize): items = s.dims.map { .int($0) }
            default: throw fail()
            }
            return .ints(try items.map { guard let i = integer($0) else { throw fail() }; return i })
        case .order(let names):
            if case .str(let s) = value {
                guard names.contains(s) else {
                    throw PyException("RuntimeError", "\(function): Order \(s) not supported.")
                }
                return .string(s)
            }
            if let d = number(value) { return .double(d) }
            if case .tensor(let t) = value, t.value.count == 1 { return .double(t.value.data[0]) }
            throw fail()
        case .double:
            if let d = number(value) { return .double(d) }
            if case .tensor(let t) = value, t.value.count == 1 { return .double(t.value.data[0]) }
            throw fail()
        case .bool:
            return .bool(try truthy(value))
        case .string(let choices):
            var text: String
            switch value {
            case .str(let s): text = s
            case .object(let d as PyDType): text = d.dtype.rawValue
            default: throw fail()
            }
            if text.hasPrefix("torch.") { text.removeFirst(6) }
            guard choices.isEmpty || choices.contains(text) else {
                throw PyException("ValueError", "\(function)(): \(param.name) must be one of \(choices.map { "'\($0)'" }.joined(separator: ", ")), not '\(text)'")
            }
            return .string(text)
        case .tensor, .tensorList:
            throw fail()
        }
    }

    private func isFloatTensor(_ v: PyValue) -> Bool {
        if case .tensor(let t) = v { return t.value.dtype.isFloatingPoint }
        return false
    }

    private func expectation(_ kind: ParamKind) -> String {
        switch kind {
        case .int: return "int"
        case .ints: return "tuple of ints"
        case .double, .order: return "Number"
        case .bool: return "bool"
        case .string: return "str"
        case .tensor: return "Tensor"
        case .tensorList: return "tuple of Tensors"
        }
    }
}

/// `torch.Size([2, 3])`: a tensor's shape, a tuple of ints.
final class PySize: PyObject {
    let dims: [Int]
    init(_ dims: [Int]) { self.dims = dims }
    override var typeName: String { "torch.Size" }
    override var repr: String { "torch.Size([" + dims.map(String.init).joined(separator: ", ") + "])" }
}
