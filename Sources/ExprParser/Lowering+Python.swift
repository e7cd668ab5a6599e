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
    /// `None` and `...` (unless an input has the name).
    func pythonLiteral(_ name: String) -> Value? {
        guard environment[name] == nil else { return nil }
        switch name {
        case "None": return Value.none
        case "...": return .ellipsis
        default: return nil
        }
    }

    /// True when node `n` is a Python number in PyTorch code rather than a tensor: a literal,
    /// arithmetic of numbers, a constant, `x.shape[i]`, `x.size(d)`, `x.dim()`, `x.ndim`,
    /// `x.numel()`, or a binding of one. Overloads such as `max(x, 1)` (a dim) versus
    /// `max(x, y)` (elementwise) are resolved by it, as Python's types resolve them.
    func isPythonNumber(_ n: Int) -> Bool {
        let node = tree[n]
        let children = tree.children(of: n)
        switch node.kind {
        case .number: return true
        case .unary: return isPythonNumber(children.first!)
        case .binary(let op): return !op.isComparison && children.allSatisfy(isPythonNumber)
        case .name(let name):
            return environment[name] == nil ? Lowering.constants[name] != nil : numberBindings.contains(name)
        case .attribute(let name): return name == "ndim"
        case .call(let name): return node.isMethodCall && ["size", "dim", "ndimension", "numel", "nelement", "item"].contains(name)
        case .index:
            guard let base = children.first else { return false }
            if case .attribute("shape") = tree[base].kind { return true }
            if case .call("size") = tree[base].kind { return true }
            return false
        default: return false
        }
    }

    /// The function a call means: namespaces resolved (`linalg.det` is `det`), and the
    /// overloads PyTorch picks by argument type (`max(x, y)` with a tensor `y` is `maximum`).
    func resolvedName(_ written: String, call index: Int) throws -> String {
        var name = written
        if name.contains(".") {
            // `linalg.norm` with `ord` is a matrix norm for matrices: not the vector norm here.
            let hasOrd = tree.children(of: index).contains { if case .keyword("ord") = tree[$0].kind { return true } else { return false } }
            let positional = tree.children(of: index).filter { if case .keyword = tree[$0].kind { return false } else { return true } }
            if name == "linalg.norm" && (hasOrd || positional.count > 1) {
                throw Diagnostic.notSupported("torch.linalg.norm` with `ord", at: tree[index].detail)
            }
            guard let resolved = Lowering.namespaced[name] else {
                throw Diagnostic.notSupported("torch." + name, at: tree[index].detail)
            }
            name = resolved
        }
        if name == "max" || name == "min" {
            let arguments = Array(tree.children(of: index))
            let positional = arguments.filter { if case .keyword = tree[$0].kind { return false } else { return true } }
            let otherKeyword = arguments.contains { if case .keyword("other") = tree[$0].kind { return true } else { return false } }
            if otherKeyword || (positional.count >= 2 && !isPythonNumber(positional[1])) {
                return name == "max" ? "maximum" : "minimum"
            }
        }
        return name
    }

    /// The functions of `torch.linalg` and `torch.special` gradcli has, by their dotted name.
    static let namespaced: [String: String] = [
        "linalg.norm": "norm", "linalg.vector_norm": "norm", "linalg.det": "det", "linalg.inv": "inverse",
        "linalg.matmul": "matmul", "linalg.diagonal": "diagonal",
        "special.expit": "sigmoid", "special.erf": "erf", "special.exp2": "exp2", "special.expm1": "expm1",
        "special.log1p": "log1p", "special.logsumexp": "logsumexp", "special.softmax": "softmax",
        "special.log_softmax": "log_softmax", "special.round": "round",
        "special.xlogy": "xlogy", "special.logit": "logit", "linalg.vecdot": "inner",
    ]

    // MARK: Language functions

    /// Registry ops under the `grad_fn` name PyTorch gives a function built from them
    /// (`chunk` makes `SplitBackward0` nodes), by op name and node name.
    static let renamedOps: [String: OpSpec] = {
        let pairs = [("slice", "SplitBackward0"), ("slice", "SplitWithSizesBackward0"), ("select", "UnbindBackward0"),
                     ("amin", "AminmaxBackward0"), ("amax", "AminmaxBackward0"), ("std", "StdMeanBackward0"),
                     ("mean", "StdMeanBackward0"), ("var", "VarMeanBackward0"), ("mean", "VarMeanBackward0"),
                     ("select", "IndexBackward0"), ("clone", "AliasBackward0"), ("sub", "RsubBackward1"), ("div", "MulBackward0")]
        var table: [String: OpSpec] = [:]
        for (op, gradFn) in pairs {
            guard let spec = Registry.lookup(op) else { continue }
            table[op + "/" + gradFn] = OpSpec(spec.name, params: spec.params, gradFn: gradFn, summary: spec.summary,
                                              kinks: spec.kinks, forward: spec.forward, derivative: spec.derivative)
        }
        return table
    }()

    /// `spec` printing `gradFn` as its node's name.
    static func renamed(_ spec: OpSpec, gradFn: String) -> OpSpec { renamedOps[spec.name + "/" + gradFn] ?? spec }

    /// Methods and functions of PyTorch that are not graph ops: they read a tensor's shape,
    /// return the tensor itself, or build a tuple from registry ops. Their parameters bind as
    /// an op's do; `callValue` computes them.
    static let languageFunctions: [String: OpSpec] = {
        func entry(_ name: String, _ params: [Param], _ summary: String) -> (String, OpSpec) {
            (name, OpSpec(name, params: params, gradFn: "", summary: summary,
                          forward: { _ in throw OpError.value("\(name) is evaluated by the language") },
                          derivative: .notDifferentiable("")))
        }
        let input = Param("input", .tensor), other = Param("other", .tensor)
        let dim0 = Param("dim", .int, default: .int(0)), optionalDim = Param("dim", .ints, default: AttrValue.none)
        let keepdim = Param("keepdim", .bool, default: .bool(false))
        return Dictionary(uniqueKeysWithValues: [
            entry("size", [input, Param("dim", .int, default: AttrValue.none)], "the shape, or its size at dim"),
            entry("dim", [input], "the number of dimensions"),
            entry("ndimension", [input], "the number of dimensions"),
            entry("numel", [input], "the number of elements"),
            entry("nelement", [input], "the number of elements"),
            entry("item", [input], "the value of a one-element tensor"),
            entry("contiguous", [input], "the tensor itself"),
            entry("view_as", [input, other], "input viewed in other's shape"),
            entry("reshape_as", [input, other], "input reshaped to other's shape"),
            entry("expand_as", [input, other], "input expanded to other's shape"),
            entry("type_as", [input, other], "input (one floating dtype here)"),
            entry("aminmax", [input, Param("dim", .int, default: AttrValue.none), keepdim], "(min, max)"),
            entry("std_mean", [input, optionalDim, Param("unbiased", .bool, default: AttrValue.none), keepdim,
                               Param("correction", .double, default: .double(1))], "(std, mean)"),
            entry("var_mean", [input, optionalDim, Param("unbiased", .bool, default: AttrValue.none), keepdim,
                               Param("correction", .double, default: .double(1))], "(var, mean)"),
            entry("chunk", [input, Param("chunks", .int), dim0], "a tuple of chunks along dim"),
            entry("split", [input, Param("split_size_or_sections", .ints), dim0], "a tuple of pieces along dim"),
            entry("unbind", [input, dim0], "a tuple of the slices along dim"),
        ])
    }()

    /// The language functions in help order, for `gradcli help functions`.
    static var languageFunctionList: [OpSpec] { languageFunctions.values.sorted { $0.name < $1.name } }

    /// The tuple-returning ops: the indices op that completes each, and the field names.
    /// `max`, `min` and `median` return a tuple only with a `dim`.
    static let tupleOps: [String: (indices: OpSpec, needsDim: Bool)] = [
        "max": (Ops.maxIndices, true), "min": (Ops.minIndices, true), "median": (Ops.medianIndices, true),
        "sort": (Ops.sortIndices, false), "topk": (Ops.topkIndices, false), "kthvalue": (Ops.kthvalueIndices, false),
        "mode": (Ops.modeIndices, false),
    ]

    /// Runs a bound call: a registry op, a tuple-returning op, or a language function.
    mutating func callValue(_ plan: CallPlan, node: Node) throws -> Value {
        let (inputs, attrs) = try arguments(plan, node: node)
        let name = plan.spec.name
        func run(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws -> Variable {
            try runOp(spec, inputs, attrs, node: node)
        }
        if Lowering.languageFunctions[name] === plan.spec {
            var filled = attrs
            for param in plan.spec.params where !param.isTensor && !filled.contains(param.name) {
                if let value = param.defaultValue { filled[param.name] = value }
            }
            return try languageFunction(name, inputs, filled, node: node)
        }
        if let tuple = Lowering.tupleOps[name], !tuple.needsDim || attrs["dim"] != .none {
            let values = try run(plan.spec, inputs, attrs)
            let indices = try withNoGrad { try run(tuple.indices, inputs, attrs) }
            return .tuple([values, indices], names: ["values", "indices"], origin: name)
        }
        return .tensor(try run(plan.spec, inputs, attrs))
    }

    /// A Python integer as a 0-d tensor.
    func pythonInt(_ i: Int, _ node: Node) -> Variable {
        tagged(Variable(Tensor(shape: [], data: [Double(i)], dtype: .int64)), node.range)
    }

    /// Applies `spec`, pointing a failure at the call.
    func runOp(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Variable {
        do {
            return tagged(try apply(spec, inputs, attrs), node.range)
        } catch let error as OpError {
            throw Diagnostic.opFailed(error, at: node.range)
        }
    }

    func languageFunction(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value {
        func run(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws -> Variable {
            try runOp(spec, inputs, attrs, node: node)
        }
        let x = inputs[0]
        let shape = x.shape
        // The node names PyTorch gives the parts.
        let nodeName = ["chunk": "SplitBackward0", "split": "SplitBackward0", "unbind": "UnbindBackward0",
                        "aminmax": "AminmaxBackward0", "std_mean": "StdMeanBackward0", "var_mean": "VarMeanBackward0"][name]
        func op(_ op: String) throws -> OpSpec {
            let spec = try registryOp(op, at: node.detail)
            guard let nodeName, ["slice", "select", "amin", "amax", "std", "var", "mean"].contains(op) else { return spec }
            if name == "split", case .ints = attrs["split_size_or_sections"] { return Lowering.renamed(spec, gradFn: "SplitWithSizesBackward0") }
            return Lowering.renamed(spec, gradFn: nodeName)
        }
        func dimension() throws -> Int {
            do { return try Ops.normalizedDim(attrs.int("dim"), rank: shape.count) } catch let error as OpError {
                throw Diagnostic.opFailed(error, at: node.range)
            }
        }
        func pieces(_ sizes: [Int], dim: Int) throws -> Value {
            var start = 0
            var parts: [Variable] = []
            for size in sizes {
                parts.append(try run(op("slice"), [x], ["dim": .int(dim), "start": .int(start), "end": .int(start + size), "step": .int(1)]))
                start += size
            }
            return .tuple(parts, names: [], origin: name)
        }
        switch name {
        case "size":
            if attrs["dim"] == .none { return .tuple(shape.map { pythonInt($0, node) }, names: [], origin: "size") }
            return .tensor(pythonInt(shape[try dimension()], node))
        case "dim", "ndimension": return .tensor(pythonInt(shape.count, node))
        case "numel", "nelement": return .tensor(pythonInt(x.value.count, node))
        case "item":
            guard x.value.count == 1 else {
                throw Diagnostic.opFailed(.value("a Tensor with \(x.value.count) elements cannot be converted to Scalar"), at: node.range)
            }
            return .tensor(tagged(Variable(x.value.data[0]), node.range))
        case "contiguous", "type_as": return .tensor(x)
        case "view_as": return .tensor(try run(op("view"), [x], ["shape": .ints(inputs[1].shape)]))
        case "reshape_as": return .tensor(try run(op("reshape"), [x], ["shape": .ints(inputs[1].shape)]))
        case "expand_as": return .tensor(try run(op("expand"), [x], ["size": .ints(inputs[1].shape)]))
        case "aminmax":
            var reduce = Attrs(["keepdim": attrs["keepdim"]])
            if attrs["dim"] != .none { reduce["dim"] = attrs["dim"] }
            return .tuple([try run(op("amin"), [x], reduce), try run(op("amax"), [x], reduce)], names: ["min", "max"], origin: name)
        case "std_mean", "var_mean":
            let spread = try run(op(name == "std_mean" ? "std" : "var"), [x], attrs)
            let mean = try run(op("mean"), [x], ["dim": attrs["dim"], "keepdim": attrs["keepdim"]])
            return .tuple([spread, mean], names: [], origin: name)
        case "chunk":
            let dim = try dimension(), chunks = try attrs.int("chunks")
            guard chunks > 0 else { throw Diagnostic.opFailed(.value("chunk expects `chunks` to be greater than 0, got: \(chunks)"), at: node.range) }
            let size = shape.isEmpty ? 0 : (shape[dim] + chunks - 1) / chunks
            let count = size == 0 ? 1 : (shape[dim] + size - 1) / size
            return try pieces((0..<count).map { Swift.min(size, shape[dim] - $0 * size) }, dim: dim)
        case "split":
            let dim = try dimension()
            let sizes = attrs.optionalInts("split_size_or_sections") ?? []
            if case .int(let size) = attrs["split_size_or_sections"] {
                guard size > 0 else { throw Diagnostic.opFailed(.value("split expects split_size be non-negative, but got split_size=\(size)"), at: node.range) }
                let count = Swift.max(1, (shape[dim] + size - 1) / size)
                return try pieces((0..<count).map { Swift.min(size, shape[dim] - $0 * size) }, dim: dim)
            }
            guard sizes.reduce(0, +) == shape[dim] else {
                throw Diagnostic.opFailed(.value("split_with_sizes expects split_sizes to sum exactly to \(shape[dim]) (input tensor's size at dimension \(dim)), but got split_sizes=\(AttrValue.ints(sizes))"), at: node.range)
            }
            return try pieces(sizes, dim: dim)
        case "unbind":
            let dim = try dimension()
            return .tuple(try (0..<shape[dim]).map { try run(op("select"), [x], ["dim": .int(dim), "index": .int($0)]) },
                          names: [], origin: name)
        default:
            throw Diagnostic.unknownFunction(name, suggestion: nil, at: node.detail)
        }
    }

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
        let x = try tensor(of: value, at: tree[child].range)
        switch name {
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
                                              suggestion: Suggestions.closest(to: name, among: ["shape", "ndim", "T", "mT", "H", "mH", "data"]),
                                              at: node.detail)
        }
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
