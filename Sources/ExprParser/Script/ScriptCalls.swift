import Autograd

// Calls of gradcli's functions from a program: the arguments bound as Python binds them, the
// call run by the expression language's dispatcher, and its result made a Python value (a
// named tuple for `torch.max(x, 1)`, a tuple for `torch.chunk`).

/// One of PyTorch's named tuples (`torch.return_types.max`): a tuple whose fields are also
/// attributes (`.values`, `.indices`).
final class PyNamedTuple: PyObject {
    let origin: String
    let names: [String]
    let items: [PyValue]

    init(origin: String, names: [String], items: [PyValue]) {
        self.origin = origin
        self.names = names
        self.items = items
    }

    override var typeName: String { "torch.return_types." + origin }
    override var repr: String {
        "torch.return_types.\(origin)(\n" + zip(names, items).map { "\($0)=\(pyRepr($1))" }.joined(separator: ",\n") + ")"
    }
    override func attribute(_ name: String) throws -> PyValue? {
        names.firstIndex(of: name).map { items[$0] }
    }
}

extension Interpreter {
    /// Runs function `spec` (`name` as written) on Python arguments.
    func callFunction(_ spec: OpSpec, _ name: String, _ positional: [PyValue], _ keywords: Keywords) throws -> PyValue {
        try callFunction(spec, name, positional, keywords, selfParam: nil)
    }

    /// Runs method `name` of tensor `t`: the tensor is PyTorch's `self`, the op's `input`
    /// parameter, which is not always the first (`x.where(cond, y)` is `where(cond, x, y)`).
    func callMethod(_ spec: OpSpec, _ name: String, _ t: Variable, _ positional: [PyValue], _ keywords: Keywords) throws -> PyValue {
        let params = (Lowering.variant(of: spec.name, keywords: keywords.map(\.name)) ?? spec).params
        guard let p = params.firstIndex(where: { $0.name == "input" }) ?? params.firstIndex(where: { $0.kind == .tensor }),
              p == 0 || params[p].name == "input" else {
            throw PyException("AttributeError", "'Tensor' object has no attribute '\(name)'")
        }
        if p == 0 { return try callFunction(spec, name, [.tensor(t)] + positional, keywords, selfParam: nil) }
        return try callFunction(spec, name, positional, keywords + [(params[p].name, .tensor(t))], selfParam: p)
    }

    private func callFunction(_ spec: OpSpec, _ name: String, _ positional: [PyValue], _ keywords: Keywords,
                              selfParam: Int?) throws -> PyValue {
        try exactly(positional, keywords) { try dispatch(spec, name, positional, keywords, selfParam: selfParam) }
    }

    private func dispatch(_ spec: OpSpec, _ name: String, _ positional: [PyValue], _ keywords: Keywords,
                          selfParam: Int?) throws -> PyValue {
        // `torch.mul(w, x)`, `x.mean()`: tensors and numbers for the op's tensor parameters and
        // nothing else run the op as the operators do, without binding and dispatch.
        if keywords.isEmpty, selfParam == nil, plainArity(spec) == positional.count,
           positional.allSatisfy(Interpreter.isTensorOrNumber) {
            do {
                return .tensor(try apply(spec, try positional.map(operand)))
            } catch let error as OpError {
                throw PyException.torch(error.message)  // as the dispatcher's error is
            }
        }
        let spec = overload(of: Lowering.variant(of: spec.name, keywords: keywords.map(\.name)) ?? spec, positional, keywords)
        var positional = positional
        // NumPy's `keepdims` and torch.linalg's `ord` (for the vector norm's `p`), as in expressions.
        var keywords: Keywords = keywords.map { keyword in
            let name = keyword.name == "keepdims" ? "keepdim" : spec.name == "norm" && keyword.name == "ord" ? "p" : keyword.name
            return (name: name, value: keyword.value)
        }
        if spec.name == "clamp_min" || spec.name == "clamp_max", positional.count == 2, keywords.isEmpty,
           case .tensor(let input) = positional[0], case .tensor(let bound) = positional[1], Lowering.isTensorBound(bound) {
            return .tensor(try Lowering.clamp(input, toTensorBound: bound, isMin: spec.name == "clamp_min"))
        }
        // `std(x, False)` is PyTorch's `std(input, unbiased)` overload, as in expressions.
        if ["std", "var", "std_mean", "var_mean"].contains(spec.name), positional.count == 2, case .bool = positional[1] {
            keywords.append(("unbiased", positional.removeLast()))
        }
        if spec.name == "tensordot" {
            // `dims=([1, 0], [0, 1])`: two lists of dims, which the language reads as one tensor.
            func asTensor(_ v: PyValue) throws -> PyValue {
                switch v {
                case .tuple, .list: return try makeTensor([v], [])
                default: return v
                }
            }
            if positional.count > 2 { positional[2] = try asTensor(positional[2]) }
            keywords = try keywords.map { ($0.name, $0.name == "dims" ? try asTensor($0.value) : $0.value) }
        }
        let (arguments, bound) = try bind(spec, name, positional, keywords, selfParam: selfParam)
        try refuseArgumentDTypes(spec, arguments, bound)
        if spec.name == "flatten", let input = arguments.first ?? nil, isFlattenOfOneDimension(input.value.rank, bound) {
            return .tensor(input)  // PyTorch's flatten returns the tensor itself (`x.flatten() is x` for 1-D x)
        }
        var attrs = bound
        for (param, argument) in zip(spec.tensorParams, arguments) where param.isOptionalTensor {
            attrs[param.name] = .bool(argument != nil)
        }
        let value: Value
        do {
            value = try Lowering.callFunction(spec, arguments.compactMap { $0 }, attrs)
        } catch let d as Diagnostic {
            throw PyException.torch(d.message)
        }
        return pyValue(value)
    }

    /// PyTorch's refusal of an index that is not int64 (`gather(x, 0, idx.float())`) or a mask
    /// that is not bool (see `Ops.argumentDTypes`); a program's tensors have PyTorch's dtypes,
    /// unlike the floating inputs of expressions.
    func refuseArgumentDTypes(_ spec: OpSpec, _ arguments: [Variable?], _ attrs: Attrs) throws {
        guard let rule = Ops.argumentDTypes[spec.name], rule.applies(arguments.map { $0?.value }) else { return }
        for (param, argument) in zip(spec.tensorParams, arguments) where param.name == rule.param {
            if let dtype = argument?.value.dtype, dtype != rule.required { throw PyException("RuntimeError", rule.refusal(dtype, attrs)) }
        }
    }

    /// Whether `flatten`'s dimensions name one dimension of a tensor of `rank` (> 0).
    private func isFlattenOfOneDimension(_ rank: Int, _ attrs: Attrs) -> Bool {
        guard rank > 0 else { return false }
        let start = attrs.optionalInt("start_dim") ?? 0, end = attrs.optionalInt("end_dim") ?? -1
        guard (-rank..<rank).contains(start), (-rank..<rank).contains(end) else { return false }  // flatten's own error
        return (start + rank) % rank == (end + rank) % rank
    }

    /// How many positional tensors a call of `spec` may pass straight to `apply`: its tensor
    /// parameters when they come first, every other parameter has a default, and the dispatcher
    /// would run the op itself (no language function, overload, tuple result or argument
    /// rewriting stands in for it); -1 otherwise.
    private func plainArity(_ spec: OpSpec) -> Int {
        if let known = plainArities[ObjectIdentifier(spec)] { return known }
        let name = spec.name
        let tensors = spec.params.prefix { $0.kind == .tensor && !$0.isOptionalTensor }.count
        let plain = Lowering.languageFunctions[name] !== spec && Lowering.tupleOp(name) == nil
            && !Interpreter.rewrittenCalls.contains(name) && Lowering.variant(of: name, keywords: []) == nil
            && Ops.argumentDTypes[name] == nil  // an argument's dtype is checked on binding
            && spec.params.dropFirst(tensors).allSatisfy { !$0.isTensor && $0.defaultValue != nil }
        let arity = plain ? tensors : -1
        plainArities[ObjectIdentifier(spec)] = arity
        return arity
    }

    private static func isTensorOrNumber(_ v: PyValue) -> Bool {
        switch v {
        case .tensor, .int, .float, .bool: return true
        default: return false
        }
    }

    /// Ops whose calls `callFunction` or the dispatcher rewrites by their arguments.
    private static let rewrittenCalls = NameSet([
        "max", "min", "clamp_min", "clamp_max", "std", "var", "std_mean", "var_mean", "tensordot", "norm", "slogdet", "flatten",
    ])

    /// The overload PyTorch picks by argument type: `max(x, other)` with a tensor `other` is
    /// `maximum` (as in expressions; see `Lowering.resolvedName`).
    private func overload(of spec: OpSpec, _ positional: [PyValue], _ keywords: Keywords) -> OpSpec {
        guard spec.name == "max" || spec.name == "min" else { return spec }
        let other = keywords.first { $0.name == "other" }?.value ?? (positional.count >= 2 ? positional[1] : nil)
        guard case .tensor? = other else { return spec }
        return Registry.lookup(spec.name == "max" ? "maximum" : "minimum") ?? spec
    }

    func pyValue(_ value: Value) -> PyValue {
        switch value {
        case .tensor(let v): return .tensor(v)
        case .tuple(let elements, let names, let origin):
            let items = elements.map { PyValue.tensor($0) }
            return names.isEmpty ? .tuple(items) : .object(PyNamedTuple(origin: origin, names: names, items: items))
        case .list(let elements): return .list(PyList(elements.map { .tensor($0) }))
        case .string(let s): return .str(s)
        case .dtype(let d): return .object(PyDType(d))
        case .none, .ellipsis: return .none
        }
    }
}
