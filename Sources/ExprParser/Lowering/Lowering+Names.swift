import Autograd
import Glibc

// Names: inputs, bindings, the language's constants, `None`, `...` and dtype names. Each
// distinct name (a symbol of the tree) is resolved once per evaluation, not at every use.

/// What the lowering knows of one symbol as it runs.
struct NameState {
    /// The input or binding of that name (its entry in `environment`), if any.
    var value: Variable?
    /// Bound by the program, so listed in `Evaluation.bindings`.
    var isBound = false
    /// Its binding holds a Python number (`d = 1`), which overloads tell from tensors.
    var isNumberBinding = false
    /// Whether the warning that it hides a constant was given.
    var warned = false
    /// What the name means when no input or binding has it, once worked out.
    var meaning: NameMeaning?
}

/// What a name means without an input or binding of that name.
struct NameMeaning {
    enum Kind {
        /// `None`, `...` or a dtype (`float32`, as `torch.float32` reads).
        case value(Value)
        /// A dtype gradcli does not have (`torch.int32`).
        case unsupportedDType
        /// One of `Lowering.constants`, as a Python number of this dtype.
        case constant(Double, DType)
        /// Nothing: using it is an error.
        case unknown
    }

    let kind: Kind
    /// One of `Lowering.constants`, which an input or binding of the same name hides.
    let isConstant: Bool
}

extension Lowering {
    /// The language's constants; a variable of the same name wins, with a warning.
    static let constants: [String: Double] = [
        "pi": Double.pi, "e": M_E, "inf": Double.infinity, "nan": Double.nan, "true": 1, "false": 0, "True": 1, "False": 0,
    ]

    /// Gives the symbol of each input its value; inputs the program never names need none.
    mutating func bindInputs(_ inputs: [(name: String, value: Variable)]) {
        for (name, value) in inputs {
            environment[name] = value
            if let symbol = tree.symbols.lookup(name) { names[Int(symbol.index)].value = value }
        }
    }

    /// The meaning of `symbol` without an input or binding, worked out at its first use.
    mutating func meaning(of symbol: Symbol) -> NameMeaning {
        if let known = names[Int(symbol.index)].meaning { return known }
        let name = tree[symbol]
        let constant = Lowering.constants[name]
        let kind: NameMeaning.Kind
        if name == "None" {
            kind = .value(.none)
        } else if name == "..." {
            kind = .value(.ellipsis)
        } else if let dtype = DType(name: name) {
            kind = .value(.dtype(dtype))
        } else if DType.unsupportedNames.contains(name), name != "int" {
            kind = .unsupportedDType
        } else if let constant {
            // Python's True and False are bools too: `torch.tensor([True, False])` is a bool tensor.
            kind = .constant(constant, ["true", "false", "True", "False"].contains(name) ? .bool : .float64)
        } else {
            kind = .unknown
        }
        let meaning = NameMeaning(kind: kind, isConstant: constant != nil)
        names[Int(symbol.index)].meaning = meaning
        return meaning
    }

    /// The value of a name node: an input or binding, else what the name means by itself.
    mutating func nameValue(_ symbol: Symbol, node: Node) throws -> Value {
        let index = Int(symbol.index)
        if let value = names[index].value {
            if !names[index].warned && meaning(of: symbol).isConstant {
                names[index].warned = true
                warnings.append(.constantShadowed(tree[symbol], at: node.range))
            }
            return .tensor(value)
        }
        switch meaning(of: symbol).kind {
        case .value(let value):
            return value
        case .constant(let constant, let dtype):
            return .tensor(tagged(Variable(wrappedNumber: constant, dtype: dtype), node.range))
        case .unsupportedDType:
            throw Diagnostic.opFailed(OpError.value("unsupported dtype torch.\(tree[symbol]): gradcli has float32, float64, int64 and bool"),
                                      at: node.range)
        case .unknown:
            let name = tree[symbol]
            if Registry.lookup(name) != nil { throw Diagnostic.functionUsedAsValue(name, at: node.range) }
            let candidates = environment.keys.sorted() + Lowering.constants.keys.sorted()
            throw Diagnostic.unknownVariable(name, suggestion: Suggestions.closest(to: name, among: candidates), at: node.range)
        }
    }

    /// `name = value`: the binding's value, recorded for later uses of the name.
    mutating func bind(_ symbol: Symbol, _ value: Variable, isPythonNumber: Bool) {
        let index = Int(symbol.index)
        names[index].isNumberBinding = isPythonNumber
        if !names[index].isBound {
            names[index].isBound = true
            bindingOrder.append(tree[symbol])
        }
        names[index].value = value
        environment[tree[symbol]] = value
    }

    /// Whether a name node is a Python number: a constant, or a binding of one. A name is
    /// evaluated before this is asked of it, so its meaning is usually known by then.
    func isPythonNumberName(_ symbol: Symbol) -> Bool {
        let state = names[Int(symbol.index)]
        guard state.value == nil else { return state.isNumberBinding }
        return state.meaning?.isConstant ?? (Lowering.constants[tree[symbol]] != nil)
    }
}
