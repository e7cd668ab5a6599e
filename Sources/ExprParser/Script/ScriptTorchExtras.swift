import Autograd

// `torch.equal`, `any`/`all`, one-argument `where` and `nonzero`, `full_like`, the `new_*`
// factory methods, `nn.Parameter`, and the refusals of what gradcli cannot honestly run:
// `torch.empty` (uninitialised memory) and the dtypes it does not have (int32, float16, ...).

extension Interpreter {
    /// The dtypes of PyTorch that gradcli lacks, by `torch.` name, with what to use instead.
    static let missingDTypes: [String: String] = [
        "int32": "int32", "int": "int32", "int16": "int16", "short": "int16", "int8": "int8", "uint8": "uint8",
        "float16": "float16", "half": "float16", "bfloat16": "bfloat16", "complex64": "complex64",
        "cfloat": "complex64", "complex128": "complex128", "cdouble": "complex128",
    ]

    static func missingDTypeMessage(_ name: String) -> String {
        let dtype = missingDTypes[name] ?? name
        let instead = dtype.hasPrefix("int") || dtype == "uint8" ? "torch.int64" : "torch.float32 or torch.float64"
        return "torch.\(name) (dtype torch.\(dtype)) is not supported in gradcli run: gradcli has float32, float64, int64 and bool only; use \(instead)"
    }

    /// Members of `torch` added here; `nn` gets `Parameter`.
    func addExtraTorchMembers(_ members: inout [String: PyValue], nn: inout [String: PyValue]) {
        func native(_ name: String, _ body: @escaping ([PyValue], Keywords) throws -> PyValue) -> PyValue {
            .native(NativeFunction(name, body))
        }
        members["equal"] = native("equal") { [unowned self] a, k in
            let (x, y) = try self.twoTensors("equal", a, k, names: ("input", "other"))
            return .bool(self.tensorsEqual(x, y))
        }
        for name in ["any", "all"] {
            members[name] = native(name) { [unowned self] a, k in
                guard case .tensor(let t)? = a.first ?? k.first(where: { $0.name == "input" })?.value else {
                    throw PyException("TypeError", "\(name)() received an invalid combination of arguments - got (\(a.map(\.typeName).joined(separator: ", "))), but expected (Tensor input, int or tuple of ints dim = None, bool keepdim = False)")
                }
                return .tensor(try self.anyAll(t, isAny: name == "any", Array(a.dropFirst()), k.filter { $0.name != "input" }))
            }
        }
        let threeArgumentWhere = opFunction("where")
        members["where"] = native("where") { [unowned self] a, k in
            if a.count == 1 && k.isEmpty || a.isEmpty && k.count == 1 && k[0].name == "condition" {
                guard case .tensor(let c) = a.first ?? k[0].value else {
                    throw PyException("TypeError", "where(): argument 'condition' (position 1) must be Tensor, not \((a.first ?? k[0].value).typeName)")
                }
                return .tuple(self.nonzeroCoordinates(c).map { .tensor(Variable($0)) })
            }
            guard let threeArgumentWhere else { throw PyException("AttributeError", "module 'torch' has no attribute 'where'") }
            return try self.call(threeArgumentWhere, a, k)
        }
        members["nonzero"] = native("nonzero") { [unowned self] a, k in
            guard case .tensor(let t)? = a.first ?? k.first(where: { $0.name == "input" })?.value else {
                throw PyException("TypeError", "nonzero(): argument 'input' (position 1) must be Tensor")
            }
            return try self.nonzero(t, a.dropFirst(), k.filter { $0.name != "input" })
        }
        members["full_like"] = native("full_like") { [unowned self] a, k in
            guard case .tensor(let t)? = a.first ?? k.first(where: { $0.name == "input" })?.value else {
                throw PyException("TypeError", "full_like(): argument 'input' (position 1) must be Tensor, not \(a.first?.typeName ?? "nothing")")
            }
            guard let fill = a.dropFirst().first ?? k.first(where: { $0.name == "fill_value" })?.value else {
                throw PyException("TypeError", "full_like() missing 1 required positional arguments: \"fill_value\"")
            }
            return try self.filled("full_like", shape: t.shape, fill: fill, like: t, k.filter { $0.name != "input" && $0.name != "fill_value" })
        }
        for name in ["empty", "empty_like", "empty_strided"] {
            members[name] = native(name) { _, _ in throw PyException.torch(Interpreter.emptyMessage("torch." + name)) }
        }
        nn["Parameter"] = .object(PyType("Parameter") { [unowned self] a, k in try self.makeParameter(a, k) })
    }

    /// PyTorch's legacy tensor type names (`FloatTensor`), which some of its messages use.
    static func legacyTensorTypeName(_ dtype: DType) -> String {
        switch dtype {
        case .float32: return "FloatTensor"
        case .float64: return "DoubleTensor"
        case .int64: return "LongTensor"
        case .bool: return "BoolTensor"
        }
    }

    static func emptyMessage(_ name: String) -> String {
        "\(name)() is not supported in gradcli run: PyTorch leaves its elements uninitialised (whatever was in memory, which it prints as such); use torch.zeros or torch.full instead"
    }

    // MARK: methods

    static let extraMethodNames = NameSet([
        "any", "all", "equal", "nonzero", "new_zeros", "new_ones", "new_full", "new_tensor", "new_empty",
        "t_", "transpose_", "swapaxes_", "swapdims_", "squeeze_", "unsqueeze_", "detach_", "short", "half", "bfloat16", "char", "byte", "cfloat", "cdouble",
    ])

    /// The tensor methods of this file: nil for a name that is not one of them.
    func extraTensorMethod(_ t: Variable, _ name: String, _ args: [PyValue], _ kw: Keywords) throws -> PyValue? {
        switch name {
        case "any", "all": return .tensor(try anyAll(t, isAny: name == "any", args, kw))
        case "equal":
            let (_, other) = try twoTensors("equal", [.tensor(t)] + args, kw, names: ("input", "other"))
            return .bool(tensorsEqual(t, other))
        case "nonzero": return try nonzero(t, args[...], kw)
        case "new_zeros", "new_ones":
            let (shape, rest) = try sizeArgument(name, args, kw, variadic: true)
            return try filled(name, shape: shape, fill: .int(name == "new_ones" ? 1 : 0), like: t, rest)
        case "new_full":
            let (shape, rest) = try sizeArgument(name, Array(args.prefix(1)), kw.filter { $0.name != "fill_value" }, variadic: false)
            guard let fill = args.dropFirst().first ?? kw.first(where: { $0.name == "fill_value" })?.value else {
                throw PyException("TypeError", "new_full() missing 1 required positional arguments: \"fill_value\"")
            }
            return try filled(name, shape: shape, fill: fill, like: t, rest + args.dropFirst(2).map { ("", $0) })
        case "new_tensor":
            guard let data = args.first ?? kw.first(where: { $0.name == "data" })?.value else {
                throw PyException("TypeError", "new_tensor() missing 1 required positional arguments: \"data\"")
            }
            var rest = kw.filter { $0.name != "data" }
            if !rest.contains(where: { $0.name == "dtype" && !isNone($0.value) }) {
                rest = rest.filter { $0.name != "dtype" } + [("dtype", .object(PyDType(t.dtype)))]
            }
            if case .tensor(let source) = data {
                warnOnce("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or sourceTensor.detach().clone().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).")
                return try tensorCopy(of: source, rest)
            }
            return try makeTensor([data], rest)
        case "new_empty": throw PyException.torch(Interpreter.emptyMessage("Tensor.new_empty"))
        case "t_", "transpose_", "swapaxes_", "swapdims_", "squeeze_", "unsqueeze_":
            if name == "t_" {
                guard args.isEmpty, kw.isEmpty else { throw PyException("TypeError", "t_() takes no arguments (\(args.count + kw.count) given)") }
                guard t.value.rank <= 2 else { throw PyException.torch("t_() expects a tensor with <= 2 dimensions, but self is \(t.value.rank)D") }
            }
            guard !aliases.sharesStorage(t) else {
                throw PyException.torch("\(name)() on a tensor that shares its storage (with .data, detach() or a Parameter made from it) is not supported in gradcli run: the other tensors would keep the old layout of the same storage; clone() it first")
            }
            let (spec, _) = try inPlaceShapeOp(name, args, kw)
            let (_, attrs) = try bind(spec, String(name.dropLast()), [.tensor(t)] + args, kw)
            try t.applyInPlaceChangingShape(spec, attrs)
            return .tensor(t)
        case "detach_":
            // PyTorch refuses views first; gradcli's views are copies but know they are views.
            if t.isView {
                throw PyException.torch("Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")
            }
            guard t.isLeaf else {
                // What the graph recorded before still reaches through the tensor in PyTorch;
                // gradcli's graph would lose that path, so it is refused.
                throw PyException.torch("detach_() of a tensor computed by an op (a non-leaf) is not supported in gradcli run: the graph recorded from it before would lose its path to the inputs; use y = y.detach() instead")
            }
            try t.setRequiresGrad(false)
            return .tensor(t)
        case "short", "half", "bfloat16", "char", "byte", "cfloat", "cdouble":
            let dtype = ["short": "int16", "half": "float16", "bfloat16": "bfloat16", "char": "int8", "byte": "uint8",
                         "cfloat": "complex64", "cdouble": "complex128"][name]!
            let instead = dtype.hasPrefix("float") || dtype == "bfloat16" || dtype.hasPrefix("complex") ? "float() or double()" : "long() for int64"
            throw PyException.torch("Tensor.\(name)() (dtype torch.\(dtype)) is not supported in gradcli run; use \(instead)")
        default: return nil
        }
    }

    /// The op of a shape-changing in-place method (`x.t_()` is `t`), under the node name
    /// PyTorch's in-place form records (`TBackward1`; `squeeze_` by how its dim is given).
    private func inPlaceShapeOp(_ name: String, _ args: [PyValue], _ kw: Keywords) throws -> (OpSpec, String) {
        var op = String(name.dropLast())
        if op == "swapaxes" || op == "swapdims" { op = "transpose" }
        var node: String
        switch op {
        case "t": node = "TBackward1"
        case "transpose": node = "TransposeBackward1"
        case "unsqueeze": node = "UnsqueezeBackward1"
        default:
            switch args.first ?? kw.first(where: { $0.name == "dim" })?.value {
            case nil, .none?: node = "SqueezeBackward3"
            case .tuple?, .list?: node = "SqueezeBackward5"
            default: node = "SqueezeBackward4"
            }
        }
        let key = op + "/" + node
        if let spec = inPlaceShapeOps[key] { return (spec, node) }
        guard let base = Registry.lookup(op) else { throw PyException("AttributeError", "'Tensor' object has no attribute '\(name)'") }
        let spec = base.renamed(gradFn: node)
        inPlaceShapeOps[key] = spec
        return (spec, node)
    }

    /// Prints a UserWarning for the current line once, as Python's default filter does.
    func warnOnce(_ message: String) {
        let key = "\(line):\(message)"
        guard !warnedMessages.contains(key) else { return }
        warnedMessages.insert(key)
        output.error("\(fileName):\(line): UserWarning: \(message)\n  \(sourceLine(line))\n")
    }

    // MARK: implementations

    private func twoTensors(_ name: String, _ a: [PyValue], _ k: Keywords, names: (String, String)) throws -> (Variable, Variable) {
        let first = a.first ?? k.first { $0.name == names.0 }?.value
        let second = a.dropFirst().first ?? k.first { $0.name == names.1 }?.value
        guard case .tensor(let x)? = first else {
            throw PyException("TypeError", "\(name)(): argument '\(names.0)' (position 1) must be Tensor, not \(first?.typeName ?? "nothing")")
        }
        guard case .tensor(let y)? = second else {
            throw PyException("TypeError", "\(name)(): argument '\(names.1)' (position 2) must be Tensor, not \(second?.typeName ?? "nothing")")
        }
        return (x, y)
    }

    /// `torch.equal`: the same shape and equal elements, compared in the promoted dtype (NaN
    /// equals nothing).
    func tensorsEqual(_ x: Variable, _ y: Variable) -> Bool {
        guard x.shape == y.shape else { return false }
        let common = DType.promote(x.dtype, y.dtype)
        let a = x.value.converted(to: common).data, b = y.value.converted(to: common).data
        for i in a.indices where !(a[i] == b[i]) { return false }
        return true
    }

    /// `any`/`all` over every element or over `dim` (an int or a tuple of ints), with
    /// `keepdim`: a bool tensor, as PyTorch's.
    func anyAll(_ t: Variable, isAny: Bool, _ args: [PyValue], _ kw: Keywords) throws -> Variable {
        let name = isAny ? "any" : "all"
        var dimValue: PyValue? = args.first
        var keepValue: PyValue? = args.count > 1 ? args[1] : nil
        guard args.count <= 2 else { throw PyException("TypeError", "\(name)() takes at most 2 arguments (\(args.count) given)") }
        for (key, value) in kw {
            switch key {
            case "dim": dimValue = value
            case "keepdim": keepValue = value
            default: throw PyException("TypeError", "\(name)() got an unexpected keyword argument '\(key)'")
            }
        }
        let keepdim = try keepValue.map(truthy) ?? false
        let rank = t.value.rank
        var dims: [Int]
        switch dimValue {
        case nil, .none?: dims = Array(0..<rank)
        case .tuple?, .list?, .object(is PySize)?:
            dims = try sequenceItems(dimValue!, forUnpacking: false).map { item in
                guard let d = integer(item) else { throw PyException("TypeError", "\(name)(): argument 'dim' must be tuple of ints, not \(item.typeName)") }
                return d
            }
        case let value?:
            guard case .int(let d) = value else {
                throw PyException("TypeError", "\(name)(): argument 'dim' must be int or tuple of ints, not \(value.typeName)")
            }
            dims = [d]
        }
        let span = Swift.max(rank, 1)
        dims = try dims.map { d in
            guard d >= -span && d < span else {
                throw PyException.torch("Dimension out of range (expected to be in range of [\(-span), \(span - 1)], but got \(d))")
            }
            return d < 0 ? d + span : d
        }
        var seen = Set<Int>()
        for d in dims where !seen.insert(d).inserted { throw PyException.torch("dim \(d) appears multiple times in the list of dims") }
        let shape = t.shape
        let reduced = Set(dims.filter { $0 < rank })
        let outShape = rank == 0 ? [] : shape.indices.compactMap { reduced.contains($0) ? (keepdim ? 1 : nil) : shape[$0] }
        let kept = shape.indices.filter { !reduced.contains($0) }
        var result = [Double](repeating: isAny ? 0 : 1, count: Tensor.count(of: outShape))
        let data = t.value.data
        var index = [Int](repeating: 0, count: rank)
        for offset in data.indices {
            var out = 0
            for d in kept { out = out * shape[d] + index[d] }
            let nonzero = data[offset] != 0
            if isAny ? nonzero : !nonzero { result[out] = isAny ? 1 : 0 }
            var d = rank - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return Variable(Tensor(shape: outShape, data: result, dtype: .bool))
    }

    /// One int64 tensor per dimension (one for a 0-d tensor) with the coordinates of the
    /// nonzero elements in row-major order: `torch.where(cond)`, `nonzero(as_tuple=True)`.
    func nonzeroCoordinates(_ t: Variable) -> [Tensor] {
        let shape = t.value.rank == 0 ? [1] : t.shape
        let data = t.value.data
        var columns = [[Double]](repeating: [], count: shape.count)
        var index = [Int](repeating: 0, count: shape.count)
        for offset in data.indices {
            if data[offset] != 0 { for d in shape.indices { columns[d].append(Double(index[d])) } }
            var d = shape.count - 1
            while d >= 0 { index[d] += 1; if index[d] < shape[d] { break }; index[d] = 0; d -= 1 }
        }
        return columns.map { Tensor(shape: [$0.count], data: $0, dtype: .int64) }
    }

    private func nonzero(_ t: Variable, _ args: ArraySlice<PyValue>, _ kw: Keywords) throws -> PyValue {
        guard args.isEmpty else { throw PyException("TypeError", "nonzero() takes no positional arguments besides input") }
        var asTuple = false
        for (key, value) in kw {
            guard key == "as_tuple" else { throw PyException("TypeError", "nonzero() got an unexpected keyword argument '\(key)'") }
            asTuple = try truthy(value)
        }
        let columns = nonzeroCoordinates(t)
        if asTuple { return .tuple(columns.map { .tensor(Variable($0)) }) }
        let rank = t.value.rank, n = columns.first?.count ?? 0
        var data: [Double] = []
        data.reserveCapacity(n * rank)
        for i in 0..<n { for d in 0..<rank { data.append(columns[d].data[i]) } }
        return .tensor(Variable(Tensor(shape: [n, rank], data: data, dtype: .int64)))
    }

    /// A size given as ints (`new_zeros(2, 3)`, when `variadic`) or one sequence
    /// (`new_zeros((2, 3))`, `size=`), and the keywords left.
    private func sizeArgument(_ name: String, _ args: [PyValue], _ kw: Keywords, variadic: Bool) throws -> ([Int], Keywords) {
        var rest = kw
        var given = args
        if let i = rest.firstIndex(where: { $0.name == "size" }) { given = [rest[i].value]; rest.remove(at: i) }
        func ints(_ items: [PyValue]) throws -> [Int] {
            try items.map { item in
                guard case .int(let n) = item else {
                    throw PyException("TypeError", "\(name)(): argument 'size' (position 1) must be tuple of ints, not \(item.typeName)")
                }
                return n
            }
        }
        if given.count == 1, case .tuple = given[0] { return (try ints(try sequenceItems(given[0], forUnpacking: false)), rest) }
        if given.count == 1, case .list = given[0] { return (try ints(try sequenceItems(given[0], forUnpacking: false)), rest) }
        if given.count == 1, case .object(let s as PySize) = given[0] { return (s.dims, rest) }
        guard variadic, !given.isEmpty else {
            throw PyException("TypeError", "\(name)(): argument 'size' (position 1) must be tuple of ints, not \(given.first?.typeName ?? "nothing")")
        }
        return (try ints(given), rest)
    }

    /// A tensor of `shape` filled with `fill`, in `like`'s dtype unless `dtype=` is given
    /// (`full_like`, `new_full`...), by `torch.full`.
    private func filled(_ name: String, shape: [Int], fill: PyValue, like t: Variable, _ kw: Keywords) throws -> PyValue {
        var rest: Keywords = [("dtype", .object(PyDType(t.dtype)))]
        for (key, value) in kw {
            switch key {
            case "dtype": if !isNone(value) { rest[0] = (key, value) }
            case "requires_grad", "device", "layout", "pin_memory", "memory_format": rest.append((key, value))
            case "": throw PyException("TypeError", "\(name)() takes 2 positional arguments but more were given")
            default: throw PyException("TypeError", "\(name)() got an unexpected keyword argument '\(key)'")
            }
        }
        guard let full = opFunction("full") else { throw PyException("AttributeError", "module 'torch' has no attribute 'full'") }
        return try call(full, [.tuple(shape.map { .int($0) }), fill], rest)
    }

    /// `torch.nn.Parameter(data=None, requires_grad=True)`: a leaf sharing `data`'s storage and
    /// version counter (PyTorch detaches it), printed as `Parameter containing:`.
    private func makeParameter(_ a: [PyValue], _ k: Keywords) throws -> PyValue {
        var data = a.first
        var flag = a.count > 1 ? a[1] : PyValue.bool(true)
        for (key, value) in k {
            switch key {
            case "data": data = value
            case "requires_grad": flag = value
            default: throw PyException("TypeError", "Parameter.__new__() got an unexpected keyword argument '\(key)'")
            }
        }
        let source: Variable
        switch data {
        case nil, .none?: source = Variable(Tensor(shape: [0], data: [], dtype: DefaultDType.current))
        case .tensor(let t)?: source = t
        case let other?: throw PyException("TypeError", "Parameter(): data must be a Tensor, not \(other.typeName)")
        }
        let parameter = aliases.alias(of: source, sharingVersion: true)
        if try truthy(flag) {
            do { try parameter.setRequiresGrad(true) } catch let e as OpError { throw PyException("RuntimeError", e.message) }
        }
        ParameterTable.shared.add(parameter)
        return .tensor(parameter)
    }
}

extension Interpreter {
    /// `x.new_tensor(t)`: a copy of `t`'s values as a new leaf, converted as `keywords` say.
    fileprivate func tensorCopy(of source: Variable, _ keywords: Keywords) throws -> PyValue {
        var dtype = source.dtype
        var requiresGrad = false
        for (key, value) in keywords {
            switch key {
            case "dtype": if case .object(let d as PyDType) = value { dtype = d.dtype }
            case "requires_grad": requiresGrad = try truthy(value)
            case "device": continue
            default: throw PyException("TypeError", "new_tensor() got an unexpected keyword argument '\(key)'")
            }
        }
        return .tensor(try makeLeaf(source.value.converted(to: dtype), requiresGrad: requiresGrad))
    }
}
