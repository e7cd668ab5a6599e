import Autograd

// The Python side of pasted PyTorch code: `None` and `...`, Python numbers (which overloads
// tell from tensors), tensor attributes and methods that are not ops (`x.shape`, `x.size(0)`),
// tuples (`max(x, dim)` is `(values, indices)`), and the `torch.*` namespaces.

/// The parts of PyTorch's Python API the language has besides the op registry.
public enum Language {
    /// Tensor methods and tuple-returning functions that are not registry ops (`size`, `chunk`, `aminmax`...).
    public static var functions: [OpSpec] { Lowering.languageFunctionList }
}

extension Lowering {
    /// True when node `n` is a Python number in PyTorch code rather than a tensor: a literal,
    /// arithmetic of numbers, a constant, `x.shape[i]`, `x.size(d)`, `x.dim()`, `x.ndim`,
    /// `x.numel()`, or a binding of one. Overloads such as `max(x, 1)` (a dim) versus
    /// `max(x, y)` (elementwise) are resolved by it, as Python's types resolve them. It walks
    /// the subtree without recursion (a chain of 10^6 terms is fine).
    func isPythonNumber(_ root: Int) -> Bool {
        var pending = [root]
        while let n = pending.popLast() {
            let node = tree[n]
            switch node.kind {
            case .number: continue
            case .unary: pending.append(contentsOf: tree.children(of: n))
            case .binary(let op) where !op.isComparison: pending.append(contentsOf: tree.children(of: n))
            default: if !isPythonNumberLeaf(n) { return false }
            }
        }
        return true
    }

    /// The cases of `isPythonNumber` that need no walk below the node.
    func isPythonNumberLeaf(_ n: Int) -> Bool {
        let node = tree[n]
        switch node.kind {
        case .number: return true
        case .name(let symbol): return isPythonNumberName(symbol)
        case .attribute(let name): return tree[name] == "ndim"
        case .call(let name): return node.isMethodCall && ["size", "dim", "ndimension", "numel", "nelement", "item"].contains(tree[name])
        case .index:
            guard let base = tree.children(of: n).first else { return false }
            if case .attribute(let name) = tree[base].kind, tree[name] == "shape" { return true }
            if case .call(let name) = tree[base].kind, tree[name] == "size" { return true }
            return false
        default: return false
        }
    }

    /// Whether node `n`, already computed, is a Python number. Operators store their flag as
    /// they are computed (from their children's, so each costs O(1)); other nodes are judged
    /// on demand, which costs nothing for the long chains of tensors most programs are.
    func isComputedPythonNumber(_ n: Int) -> Bool {
        switch tree[n].kind {
        case .number: return true
        case .unary, .binary: return pythonNumbers[n]
        default: return isPythonNumberLeaf(n)
        }
    }

    /// The flag an operator node stores once computed.
    func operatorFlag(_ n: Int) -> Bool {
        switch tree[n].kind {
        case .unary: break
        case .binary(let op): if op.isComparison { return false }
        default: return false
        }
        // A loop, not `allSatisfy(isComputedPythonNumber)`: that closure would copy `self`.
        for child in tree.children(of: n) where !isComputedPythonNumber(child) { return false }
        return true
    }

    /// The function a call means: namespaces resolved (`linalg.det` is `det`), and the
    /// overloads PyTorch picks by argument type (`max(x, y)` with a tensor `y` is `maximum`).
    func resolvedName(_ written: String, call index: Int) throws -> String {
        var name = written
        if name.contains(".") {
            guard let resolved = Lowering.namespaced[name] else {
                throw Diagnostic.notSupported("torch." + name, at: tree[index].detail)
            }
            name = resolved
        }
        if name == "max" || name == "min" {
            let arguments = Array(tree.children(of: index))
            let positional = arguments.filter { if case .keyword = tree[$0].kind { return false } else { return true } }
            let otherKeyword = arguments.contains { if case .keyword(let k) = tree[$0].kind { return tree[k] == "other" } else { return false } }
            if otherKeyword || (positional.count >= 2 && !isPythonNumber(positional[1])) {
                return name == "max" ? "maximum" : "minimum"
            }
        }
        // Python's float(), not the method x.float(): a Python float (double), never float32.
        if name == "float" && !tree[index].isMethodCall { return "builtins.float" }
        return name
    }

    /// The entry for a keyword the plain registry entry leaves out, to keep the operators'
    /// path free of attributes: `add`/`sub` with `alpha=`, `div` with `rounding_mode=`.
    func variant(of name: String, call index: Int) -> OpSpec? {
        let keywords = tree.children(of: index).compactMap { child -> String? in
            if case .keyword(let k) = tree[child].kind { return tree[k] } else { return nil }
        }
        return Lowering.variant(of: name, keywords: keywords)
    }

    /// The entry `name` means when called with these keywords (see `variant(of:call:)`).
    static func variant(of name: String, keywords: [String]) -> OpSpec? {
        // PyTorch's alpha is keyword-only.
        switch name {
        case "add": return keywords.contains("alpha") ? Ops.scaledAdd : nil
        case "sub", "subtract": return keywords.contains("alpha") ? Ops.scaledSub : nil
        case "div", "divide", "true_divide": return keywords.contains("rounding_mode") ? Ops.roundedDiv : nil
        default: return nil
        }
    }

    /// The functions of `torch.linalg` and `torch.special` gradcli has, by their dotted name.
    static let namespaced: [String: String] = [
        "linalg.norm": "linalg.norm", "linalg.matrix_norm": "linalg.matrix_norm", "linalg.vector_norm": "norm", "linalg.det": "det", "linalg.inv": "inverse",
        "linalg.matmul": "matmul",
        "special.expit": "sigmoid", "special.erf": "erf", "special.exp2": "exp2", "special.expm1": "expm1",
        "special.log1p": "log1p", "special.logsumexp": "logsumexp", "special.softmax": "softmax",
        "special.log_softmax": "log_softmax", "special.round": "round",
        "special.xlogy": "xlogy", "special.logit": "logit", "linalg.vecdot": "inner",
        "linalg.cholesky": "cholesky", "linalg.solve": "solve", "linalg.slogdet": "slogdet", "linalg.eigh": "eigh",
        "linalg.eigvalsh": "eigvalsh", "linalg.svd": "linalg.svd", "linalg.svdvals": "svdvals", "linalg.qr": "linalg.qr",
        "special.erfc": "erfc", "special.erfinv": "erfinv", "special.ndtr": "ndtr", "special.log_ndtr": "log_ndtr",
        "special.entr": "entr", "special.sinc": "sinc", "special.gammaln": "lgamma", "special.digamma": "digamma",
        "special.psi": "digamma", "special.polygamma": "polygamma",
        "linalg.pinv": "pinv", "linalg.matrix_power": "matrix_power", "linalg.cross": "linalg.cross",
        "linalg.matrix_exp": "matrix_exp", "linalg.diagonal": "linalg.diagonal",
    ]

    // MARK: Attributes and tuples

    /// `x.name`: a tensor attribute, or a field of a named tuple.
    mutating func attribute(_ name: String, of value: Value?, node: Node, child: Int) throws -> Value {
        if case .tuple(let elements, let names, let origin)? = value {
            guard let i = names.firstIndex(of: name) else {
                throw Diagnostic.unknownAttribute(name, of: "the result of `\(origin)`", suggestion: Suggestions.closest(to: name, among: names),
                                                  at: node.detail)
            }
            return .tensor(elements[i])
        }
        if case .dtype(let dtype)? = value { return try attribute(name, of: dtype, node: node) }
        let x = try tensor(of: value, at: tree[child].range)
        switch name {
        case "dtype": return .dtype(x.value.dtype)
        case "shape": return .tuple(x.shape.map { pythonInt($0, node) }, names: [], origin: "shape")
        case "ndim": return .tensor(pythonInt(x.shape.count, node))
        case "mT", "mH", "H":
            guard x.shape.count >= 2 || name == "H" else {
                throw Diagnostic.opFailed(.value("tensor.\(name) is only supported on matrices or batches of matrices. Got \(x.shape.count)-D tensor."), at: node.detail)
            }
            if name == "H" && x.shape.count != 2 {
                throw Diagnostic.opFailed(.value("tensor.H is only supported on matrices (2-D tensors). Got \(x.shape.count)-D tensor."), at: node.detail)
            }
            return .tensor(try applyNamed(try registryOp("transpose", at: node.detail), [x], ["dim0": .int(-2), "dim1": .int(-1)],
                                          node: node, at: node.detail))
        case "data": return .tensor(tagged(x.detached(), node.range))
        case "requires_grad", "is_leaf":
            return .tensor(tagged(Variable(Tensor(shape: [], data: [(name == "is_leaf" ? x.isLeaf : x.requiresGrad) ? 1 : 0], dtype: .bool)), node.range))
        default:
            if Lowering.languageFunctions[name] != nil || Registry.lookup(name) != nil {
                throw Diagnostic.methodNotCalled(name, at: node.detail)
            }
            throw Diagnostic.unknownAttribute(name, of: "a tensor",
                                              suggestion: Suggestions.closest(to: name, among: ["shape", "ndim", "dtype", "T", "mT", "H", "mH", "data"]),
                                              at: node.detail)
        }
    }

    /// `torch.float32.is_floating_point` and the other attributes of a dtype.
    func attribute(_ name: String, of dtype: DType, node: Node) throws -> Value {
        let flags = ["is_floating_point": dtype.isFloatingPoint, "is_complex": false, "is_signed": dtype != .bool]
        if let flag = flags[name] {
            return .tensor(tagged(Variable(Tensor(shape: [], data: [flag ? 1 : 0], dtype: .bool)), node.range))
        }
        if name == "itemsize" { return .tensor(pythonInt(dtype.itemSize, node)) }
        throw Diagnostic.unknownAttribute(name, of: "a dtype", suggestion: Suggestions.closest(to: name, among: Array(flags.keys) + ["itemsize"]),
                                          at: node.detail)
    }

    /// `t[i]` or `t[a:b]` of a tuple.
    mutating func indexTuple(_ elements: [Variable], names: [String], origin: String, items: [Int], node: Node) throws -> Value {
        guard items.count == 1, let item = items.first else {
            throw Diagnostic.opFailed(.value("tuple indices must be integers or slices, not tuple"), at: node.range)
        }
        if case .slice = tree[item].kind {
            let bounds = try tree.children(of: item).map { child -> Int? in
                if case .omitted = tree[child].kind { return nil }
                return try indexValue(child)
            }
            let n = elements.count, step = bounds[2] ?? 1
            guard step > 0 else { throw Diagnostic.opFailed(.value("gradcli does not support a negative step"), at: tree[item].range) }
            func clamp(_ b: Int?, _ fallback: Int) -> Int { b.map { Swift.min(Swift.max($0 < 0 ? $0 + n : $0, 0), n) } ?? fallback }
            let picked = Array(stride(from: clamp(bounds[0], 0), to: clamp(bounds[1], n), by: step)).map { elements[$0] }
            return .tuple(picked, names: [], origin: origin)
        }
        let i = try indexValue(item)
        guard i >= -elements.count && i < elements.count else {
            throw Diagnostic.opFailed(.value("tuple index out of range"), at: tree[item].range)
        }
        return .tensor(elements[i < 0 ? i + elements.count : i])
    }
}

// MARK: Python's list operators

extension Lowering {
    /// Whether node `n` is a list literal, or Python's list operator on list literals.
    func isListExpression(_ n: Int) -> Bool {
        switch tree[n].kind {
        case .list: return true
        case .binary(.add), .binary(.multiply): return pythonListNodes.contains(n)
        default: return false
        }
    }

    /// Marks the `+` and `*` nodes of `tensor(...)`'s data whose operands are lists, so that
    /// they repeat and join lists as Python does before `torch.tensor` reads them.
    mutating func markPythonLists(_ n: Int) {
        guard case .binary(let op) = tree[n].kind, op == .add || op == .multiply else { return }
        let children = Array(tree.children(of: n))
        for child in children { markPythonLists(child) }
        let lists = children.filter(isListExpression).count
        if (op == .add && lists == 2) || (op == .multiply && lists == 1) { pythonListNodes.insert(n) }
    }

    /// `list + list` (joined) or `list * int` (repeated), on the lists' tensors along their
    /// first dimension; nil when the operands are not those (the caller does tensor arithmetic).
    func listOperator(_ op: BinaryOp, _ children: [Int], _ lhs: Variable, _ rhs: Variable, node: Node) throws -> Variable? {
        func join(_ parts: [Variable]) throws -> Variable {
            guard !parts.isEmpty else {
                let rest = Array((isListExpression(children[0]) ? lhs : rhs).shape.dropFirst())
                return Variable(Tensor.zeros([0] + rest).converted(to: lhs.value.dtype))
            }
            do { return try Variable.cat(parts, dim: 0) } catch let error as OpError { throw Diagnostic.opFailed(error, at: node.range) }
        }
        if op == .add { return try join([lhs, rhs]) }
        let listFirst = isListExpression(children[0])
        let list = listFirst ? lhs : rhs, count = listFirst ? children[1] : children[0]
        guard isPythonNumber(count), !(listFirst ? rhs : lhs).value.dtype.isFloatingPoint, let n = integer(listFirst ? rhs : lhs) else {
            throw Diagnostic.opFailed(.value("can't multiply sequence by non-int of type 'float'"), at: node.detail)
        }
        return try join([Variable](repeating: list, count: Swift.max(0, n)))
    }
}
