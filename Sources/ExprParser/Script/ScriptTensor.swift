import Autograd

// Tensors in programs: attributes (`.grad`, `.grad_fn`, `.data`...), methods (every registry op,
// in-place `op_` forms, `backward`, `item`...), indexing and item assignment. The storage shared
// by `.data`/`detach()` aliases is in ScriptAliases.swift.

/// What a name means as an attribute of a tensor: which of the interpreter's tables may answer
/// it, in the order they are asked (`tensorDataAttribute`, `extraTensorMethod`,
/// `ownTensorMethod`, then an in-place op such as `sub_`, then a registry op such as `mean`).
struct TensorMember {
    let isData: Bool
    let isExtra: Bool
    let isOwn: Bool
    /// The op of an in-place method (`sub_` is `sub`).
    let inPlaceOp: OpSpec?
    /// The function a method calls (`x.mean()` is `mean`).
    let op: OpSpec?
}

extension Interpreter {
    // MARK: indexing

    /// `t[index]`: integers, slices, None and `...` as views; integer tensors and boolean masks
    /// as advanced indexing (one `IndexBackward0` node, as in expressions).
    func tensorItem(_ t: Variable, _ index: [Index]) throws -> Variable {
        var result = t
        var dim = 0
        var indexed: [(dim: Int, index: Tensor)] = []
        let consumed = index.filter { item in
            if case .value(let v) = item {
                if case .none = v { return false }
                if case .object(is PyEllipsis) = v { return false }
                if case .tensor(let m) = v, m.value.dtype == .bool { return m.value.rank > 0 }
            }
            return true
        }.count + index.reduce(0) { n, item in
            if case .value(.tensor(let m)) = item, m.value.dtype == .bool { return n + Swift.max(0, m.value.rank - 1) }
            return n
        }
        for i in index {
            switch i {
            case .value(let v):
                if case .none = v {
                    result = try apply(Registry.lookup("unsqueeze")!, [result], Attrs(["dim": .int(dim)]))
                    dim += 1
                    continue
                }
                if case .object(is PyEllipsis) = v {
                    dim += Swift.max(0, t.value.rank - consumed)
                    continue
                }
                // A 0-d integer tensor indexes as its integer does (a SelectBackward0, as PyTorch's).
                if case .tensor(let it) = v, it.value.rank > 0 || it.value.dtype != .int64 {
                    if it.value.rank == 0 && it.value.dtype == .bool {
                        // A 0-d mask: a new dimension of size 1, kept when true, emptied when false.
                        result = try apply(Registry.lookup("unsqueeze")!, [result], Attrs(["dim": .int(dim)]))
                        let kept = it.value.data[0] != 0
                        indexed.append((dim, Tensor(shape: [kept ? 1 : 0], data: kept ? [0] : [], dtype: .int64)))
                        dim += 1
                        continue
                    }
                    if it.value.dtype == .bool {
                        // A mask over k dimensions: its true positions, one coordinate tensor per dimension.
                        let mask = it.value
                        for j in 0..<mask.rank where dim + j >= result.value.rank || mask.shape[j] != result.shape[dim + j] {
                            throw PyException("IndexError", "The shape of the mask \(describe(shape: mask.shape)) at index \(j) does not match the shape of the indexed tensor \(describe(shape: t.shape)) at index \(dim + j)")
                        }
                        let positions = mask.data.indices.filter { mask.data[$0] != 0 }.map { Tensor.index(ofOffset: $0, in: mask.shape) }
                        for j in 0..<mask.rank {
                            indexed.append((dim + j, Tensor(shape: [positions.count], data: positions.map { Double($0[j]) }, dtype: .int64)))
                        }
                        dim += mask.rank
                        continue
                    }
                    guard !it.value.dtype.isFloatingPoint else {
                        throw PyException("IndexError", "tensors used as indices must be long, int, byte or bool tensors")
                    }
                    indexed.append((dim, it.value))
                    dim += 1
                    continue
                }
                guard let k = integer(v) else {
                    throw PyException("IndexError", "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got \(v.typeName))")
                }
                guard dim < result.value.rank else {
                    throw PyException("IndexError", "too many indices for tensor of dimension \(t.value.rank)")
                }
                let size = result.shape[dim]
                guard k >= -size && k < size else {
                    throw PyException("IndexError", "index \(k) is out of bounds for dimension \(dim) with size \(size)")
                }
                result = try result.select(dim: dim, index: k)
            case .slice(nil, nil, nil), .slice(nil, nil, 1):
                // A full slice `:` is no node, as in PyTorch (see the end for `x[:]` alone).
                dim += 1
            case .slice(let a, let b, let c):
                var attrs = Attrs(["dim": .int(dim)])
                if let a { attrs["start"] = .int(a) }
                if let b { attrs["end"] = .int(b) }
                if let c {
                    guard c > 0 else { throw PyException("ValueError", "step must be greater than zero") }
                    attrs["step"] = .int(c)
                }
                result = try apply(Registry.lookup("slice")!, [result], attrs)
                dim += 1
            }
        }
        func isSlice(_ i: Index) -> Bool { if case .slice = i { return true } else { return false } }
        func isEllipsis(_ i: Index) -> Bool { if case .value(.object(is PyEllipsis)) = i { return true } else { return false } }
        if result === t, indexed.isEmpty, index.contains(where: { isSlice($0) || isEllipsis($0) }) {
            // Only full slices and `...`: `x[:]` is a SliceBackward0, `x[:, :]` and `x[...]` an AliasBackward0.
            if index.count == 1, isSlice(index[0]) { return try apply(Registry.lookup("slice")!, [t], Attrs(["dim": .int(0), "step": .int(1)])) }
            return try apply(Lowering.renamed(Ops.clone, gradFn: "AliasBackward0"), [t])
        }
        guard !indexed.isEmpty else { return result }
        do {
            return try Lowering.pickIndexed(result, indexed)
        } catch let d as Diagnostic {
            throw PyException("IndexError", d.message)
        }
    }

    private func isTensorValue(_ v: PyValue) -> Bool {
        if case .tensor = v { return true }
        return false
    }

    func setTensorItem(_ t: Variable, _ index: [Index], _ value: PyValue) throws {
        let items = try index.map { i -> ItemIndex in
            if case .slice(let a, let b, let c) = i { return .slice(start: a, stop: b, step: c) }
            guard case .value(let v) = i, let k = integer(v), !isTensorValue(v) else {
                throw PyException("NotImplementedError", "gradcli run supports item assignment with integer and slice indices only")
            }
            return .integer(k)
        }
        try Self.refuseRoundedInteger(value, writtenInto: t)
        let source = try tensor(from: value)
        let version = t.version
        do {
            try t.assignItem(at: items, source)
        } catch let error as OpError where error.message.hasPrefix("index ") || error.message.hasPrefix("too many") {
            throw PyException("IndexError", error.message)
        } catch let error as OpError where error.message == "step must be greater than zero" {
            throw PyException("ValueError", error.message)
        }
        try share(t, modified: t.version != version)
    }

    // MARK: attributes

    func tensorAttribute(_ t: Variable, _ name: String, line: Int) throws -> PyValue {
        if let value = try tensorDataAttribute(t, name, line: line) { return value }
        return .native(NativeFunction(name) { [unowned self] args, kw in try self.tensorMethod(t, name, args, kw) })
    }

    /// The names `tensorDataAttribute` answers. A method call asks it first, so a method name
    /// is turned away by one lookup rather than a comparison with every case.
    private static let dataAttributeNames = NameSet([
        "grad", "grad_fn", "requires_grad", "is_leaf", "_version", "data", "shape", "dtype", "ndim",
        "device", "T", "mT", "is_cuda",
    ])

    /// The methods `tensorMethod` handles itself; every other name is a registry op.
    private static let ownMethodNames = NameSet([
        "backward", "zero_", "fill_", "detach", "detach_", "requires_grad_", "retain_grad", "register_hook",
        "item", "tolist", "numpy", "to", "cpu", "cuda", "contiguous", "float", "double", "long", "int",
        "bool", "size", "dim", "ndimension", "numel", "nelement", "clone", "copy_",
    ])

    /// The attribute `name` of `t` when it is data rather than a method (nil for a method).
    func tensorDataAttribute(_ t: Variable, _ name: String, line: Int) throws -> PyValue? {
        if name != "grad" && !Interpreter.dataAttributeNames.contains(name) { return nil }
        switch name {
        case "grad":
            if let g = t.grad { return .tensor(g) }
            if !t.isLeaf && !warnedLines.contains(line) {
                warnedLines.insert(line)
                output.error("\(fileName):\(line): UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered internally at aten/src/ATen/core/TensorBody.h:493.)\n  \(sourceLine(line))\n")
            }
            return PyValue.none
        case "grad_fn": return t.gradFn.map { PyValue.node($0) } ?? PyValue.none
        case "requires_grad": return .bool(t.requiresGrad)
        case "is_leaf": return .bool(t.isLeaf)
        case "_version": return .int(t.version)
        case "data": return .tensor(aliases.alias(of: t, sharingVersion: false))
        case "shape": return .object(PySize(t.shape))
        case "dtype": return .object(PyDType(t.value.dtype))
        case "ndim": return .int(t.value.rank)
        case "device": return .object(PyDevice.cpu)
        case "T":  // PyTorch reverses the dimensions with permute, whatever the rank
            return .tensor(try apply(Registry.lookup("permute")!, [t], Attrs(["dims": .ints(Array((0..<t.value.rank).reversed()))])))
        case "mT": return .tensor(try apply(Registry.lookup("transpose")!, [t], Attrs(["dim0": .int(-2), "dim1": .int(-1)])))
        case "is_cuda": return .bool(false)
        default: return nil
        }
    }

    func setTensorAttribute(_ t: Variable, _ name: String, _ value: PyValue) throws {
        switch name {
        case "grad":
            switch value {
            case .none: t.grad = nil
            case .tensor(let g):
                // PyTorch checks the dtype first, naming the gradient's C++ type and the tensor's scalar type.
                guard g.dtype == t.dtype else {
                    let cType: [DType: String] = [.float32: "float", .float64: "double", .int64: "long int", .bool: "bool"]
                    throw PyException("RuntimeError", "attempting to assign a gradient with dtype '\(cType[g.dtype]!)' to a tensor with grad_dtype '\(t.dtype.pytorchTypeName)'. The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break downstream systems that assume they match.")
                }
                guard g.shape == t.shape else {
                    throw PyException("RuntimeError", "attempting to assign a gradient of size '\(describe(shape: g.shape))' to a tensor of size '\(describe(shape: t.shape))'. Please ensure that the gradient and the tensor are the same size")
                }
                t.grad = g
            default: throw PyException("TypeError", "assigned grad expected to be a Tensor or None but got grad of type \(value.typeName)")
            }
        case "requires_grad":
            try t.setRequiresGrad(try truthy(value), refusal: "only Tensors of floating point and complex dtype can require gradients")
        case "data":
            // PyTorch's set_data: `t` takes `source`'s storage, shape and dtype (sharing it from
            // now on), with its own version counter; nothing is recorded.
            guard case .tensor(let source) = value else { throw PyException("TypeError", "data must be a Tensor") }
            try t.setData(source.value)
            aliases.moveStorage(of: t, to: source)
        default:
            throw PyException("AttributeError", "'Tensor' object attribute '\(name)' is not writable in gradcli run")
        }
    }

    func nodeAttribute(_ fn: GradFn, _ name: String) throws -> PyValue {
        switch name {
        case "name":
            let qualified = fn.qualifiedName
            return .native(NativeFunction(name) { _, _ in .str(qualified) })
        case "next_functions":
            return .tuple(fn.listedInputs.map { i in
                let edge = fn.edge(i)
                if let next = edge.node { return .tuple([.node(next), .int(0)]) }
                if edge.requiresGrad { return .tuple([.object(PyAccumulateGrad(fn.inputs[i])), .int(0)]) }
                return .tuple([.none, .int(0)])
            })
        default: throw PyException("AttributeError", "'\(fn.name)' object has no attribute '\(name)'")
        }
    }

    // MARK: methods

    func tensorMethod(_ t: Variable, _ name: String, _ args: [PyValue], _ kw: Keywords) throws -> PyValue {
        try tensorMethod(t, tensorMember(name), name, args, kw)
    }

    /// Method `name` of `t`, which means `member`.
    func tensorMethod(_ t: Variable, _ member: TensorMember, _ name: String, _ args: [PyValue], _ kw: Keywords) throws -> PyValue {
        try exactly(args, kw, receiver: t, inPlace: name.hasSuffix("_")) { try dispatchMethod(t, member, name, args, kw) }
    }

    private func dispatchMethod(_ t: Variable, _ member: TensorMember, _ name: String, _ args: [PyValue], _ kw: Keywords) throws -> PyValue {
        if member.isExtra, let value = try extraTensorMethod(t, name, args, kw) { return value }
        if member.isOwn, let value = try ownTensorMethod(t, name, args, kw) { return value }
        if let plain = member.inPlaceOp {
            // `x.add_(y, alpha=2)` is the keyword's variant, as the method without `_` is.
            let spec = Lowering.variant(of: plain.name, keywords: kw.map(\.name)) ?? plain
            let (inputs, attrs) = try bind(spec, name, [.tensor(t)] + args, kw)
            try refuseArgumentDTypes(spec, inputs, attrs)
            try inPlace(t, spec, inputs.dropFirst().compactMap { $0 }, attrs)
            return .tensor(t)
        }
        if let spec = member.op {
            return try callMethod(spec, name, t, args, kw)
        }
        throw PyException("AttributeError", "'Tensor' object has no attribute '\(name)'")
    }

    /// What `name` means as an attribute of a tensor, found once per name.
    func tensorMember(_ name: String) -> TensorMember {
        if let member = tensorMembers[name] { return member }
        let member = TensorMember(
            isData: name == "grad" || Interpreter.dataAttributeNames.contains(name),
            isExtra: Interpreter.extraMethodNames.contains(name), isOwn: Interpreter.ownMethodNames.contains(name),
            inPlaceOp: name.hasSuffix("_") && !name.hasSuffix("__") ? Registry.lookup(String(name.dropLast())) : nil,
            op: Lowering.function(named: name))
        var table = tensorMembers  // taken out and put back (see below)
        tensorMembers = [:]
        table[name] = member
        tensorMembers = table
        return member
    }

    /// The same, for a name of the program: found by its number.
    func tensorMember(_ name: PyName) -> TensorMember {
        if name.number < tensorMembersByNumber.count, let member = tensorMembersByNumber[name.number] { return member }
        let member = tensorMember(name.text)
        // Taken out, changed and put back, as `Scope` changes its slots: a change in place of a
        // class's property would make every read of it checked for exclusivity at run time.
        var table = tensorMembersByNumber
        tensorMembersByNumber = []
        if name.number >= table.count { table.append(contentsOf: repeatElement(nil, count: name.number + 1 - table.count)) }
        table[name.number] = member
        tensorMembersByNumber = table
        return member
    }

    /// The methods that are not registry ops (`backward`, `zero_`, `item`...); nil for a name
    /// that is not one of them.
    private func ownTensorMethod(_ t: Variable, _ name: String, _ args: [PyValue], _ kw: Keywords) throws -> PyValue? {
        try t.checkViewIsCurrent()
        func keyword(_ key: String, at position: Int) -> PyValue? {
            kw.first { $0.name == key }?.value ?? (position < args.count ? args[position] : nil)
        }
        switch name {
        case "backward":
            try backward([t], gradient: keyword("gradient", at: 0), retainGraph: keyword("retain_graph", at: 1),
                         createGraph: keyword("create_graph", at: 2), inputs: keyword("inputs", at: 3))
            return PyValue.none
        case "zero_", "fill_":
            var fill: FillValue = .number(0)
            if name == "fill_" {
                guard let v = keyword("value", at: 0) else {
                    throw PyException("TypeError", "fill_() missing 1 required positional argument: \"value\"")
                }
                if let d = number(v) { fill = .number(d) } else {
                    let value = try tensor(from: v)
                    guard value.value.rank == 0 else {
                        throw PyException("RuntimeError", "fill_ only supports 0-dimension value tensor but got tensor with \(value.value.rank) dimensions.")
                    }
                    fill = .tensor(value)
                }
            }
            try fillInPlace(t, fill, zeroing: name == "zero_")
            return .tensor(t)
        case "detach": return .tensor(aliases.alias(of: t, sharingVersion: true))
        case "detach_", "requires_grad_":
            let flag = name == "detach_" ? false : try keyword("requires_grad", at: 0).map(truthy) ?? true
            if flag && !t.isLeaf && t.requiresGrad { return .tensor(t) }  // PyTorch allows it on a non-leaf
            try t.setRequiresGrad(flag, refusal: "only Tensors of floating point dtype can require gradients")
            return .tensor(t)
        case "retain_grad": t.retainGrad(); return PyValue.none
        case "register_hook":
            guard let hook = keyword("hook", at: 0) else {
                throw PyException("TypeError", "register_hook() missing 1 required positional argument: 'hook'")
            }
            let handle = try t.registerHook { [unowned self] gradient in
                switch try self.call(hook, [.tensor(gradient)], []) {
                case .none: return nil
                case .tensor(let replaced): return replaced
                case let other: throw PyException("TypeError", "a hook must return a Tensor or None, not '\(other.typeName)'")
                }
            }
            return .object(PyHookHandle(handle))
        case "item":
            guard t.value.count == 1 else {
                throw PyException("RuntimeError", "a Tensor with \(t.value.count) elements cannot be converted to Scalar")
            }
            return scalarValue(t.value.data[0], t.value.dtype)
        case "tolist": return toList(t.value, dim: 0, offset: 0)
        case "numpy":
            if t.requiresGrad {
                throw PyException("RuntimeError", "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
            }
            // numpy is outside the subset: a 0-d result may be compared with a number, converted
            // with float()/int()/bool() or tested for truth; anything else (printing, arithmetic,
            // arrays with dimensions) is refused rather than shown as a tensor.
            guard t.value.rank == 0 else {
                throw PyException.torch("numpy() of a tensor with dimensions is not supported in gradcli run (numpy is outside the subset); use tolist() or the tensor itself")
            }
            return .object(PyNumpyScalar(t.value.data[0], t.value.dtype))
        case "to", "cpu", "cuda", "contiguous":
            // A device argument is the identity (everything is on the CPU); a dtype converts, as
            // does another tensor (`x.to(y)` takes y's dtype).
            if name == "to", case .tensor(let other)? = args.first { return .tensor(try t.to(other.value.dtype)) }
            for a in args + kw.map(\.value) {
                if case .object(let d as PyDType) = a { return .tensor(try t.to(d.dtype)) }
            }
            return .tensor(t)
        case "int":
            // torch's int() makes int32, a dtype gradcli does not have.
            throw PyException.torch("Tensor.int() (dtype torch.int32) is not supported in gradcli run; use long() for int64")
        case "float", "double", "long", "bool":
            let target: [String: DType] = ["float": .float32, "double": .float64, "long": .int64, "bool": .bool]
            return .tensor(try t.to(target[name]!))  // the tensor itself when it has that dtype already
        case "size":
            if let d = args.first, let i = integer(d) {
                let dim = i < 0 ? i + t.value.rank : i
                guard dim >= 0 && dim < t.value.rank else {
                    throw PyException("IndexError", "Dimension out of range (expected to be in range of [\(-t.value.rank), \(t.value.rank - 1)], but got \(i))")
                }
                return .int(t.shape[dim])
            }
            return .object(PySize(t.shape))
        case "dim", "ndimension": return .int(t.value.rank)
        case "numel", "nelement": return .int(t.value.count)
        case "clone": return .tensor(try apply(Ops.clone, [t]))
        case "copy_":
            guard let source = keyword("src", at: 0) else { throw PyException("TypeError", "copy_() missing 1 required positional argument: \"src\"") }
            try inPlace(t, Ops.copy, [try tensor(from: source)], Attrs())
            return .tensor(t)
        default:
            return nil
        }
    }

    /// What `fill_` writes: a Python number or a 0-d tensor.
    enum FillValue {
        case number(Double)
        case tensor(Variable)
    }

    /// `t.zero_()` or `t.fill_(value)`: recorded when grad mode is on and `t` or the value tensor
    /// requires grad (PyTorch's ZeroBackward0, FillBackward2 for a number, FillBackward3 for a
    /// tensor, an edge to it), else the value is written.
    private func fillInPlace(_ t: Variable, _ value: FillValue, zeroing: Bool) throws {
        switch value {
        case .tensor(let v) where GradMode.isEnabled && (t.requiresGrad || v.requiresGrad):
            try inPlace(t, Interpreter.fillSpec, [v], Attrs())
        case .number(let d) where GradMode.isEnabled && t.requiresGrad:
            try inPlace(t, zeroing ? Interpreter.zeroSpec : Interpreter.fillNumberSpec, [], zeroing ? Attrs() : ["value": .double(d)])
        case .tensor(let v):
            try overwrite(t, modifies: true) { try t.replaceValue(filling: v.value.data[0]) }
        case .number(let d):
            try overwrite(t, modifies: true) { try t.replaceValue(filling: d) }
        }
    }

    /// The recorded `zero_`: zeros of the input's shape and dtype; no gradient reaches the input.
    static let zeroSpec = OpSpec(
        "zero_", params: [Param("input", .tensor)], gradFn: "ZeroBackward0", summary: "zeros in place",
        dtype: .ofFirstInput,
        forward: { args in Tensor(repeating: 0, shape: args[0].shape) },
        derivative: .vjp { ctx, _ in [Variable(Tensor.zeros(ctx[0].shape))] })

    /// The recorded `fill_` of a number: the value everywhere; no gradient reaches the input.
    static let fillNumberSpec = OpSpec(
        "fill_", params: [Param("input", .tensor), Param("value", .double)], gradFn: "FillBackward2",
        summary: "value in place",
        dtype: .ofFirstInput,
        forward: { args in Tensor(repeating: try args.attrs.double("value"), shape: args[0].shape) },
        derivative: .vjp { ctx, _ in [Variable(Tensor.zeros(ctx[0].shape))] })

    /// The recorded `fill_` of a 0-d tensor: the input gets no gradient, the value tensor the sum.
    static let fillSpec = OpSpec(
        "fill_", params: [Param("input", .tensor), Param("value", .tensor)], gradFn: "FillBackward3",
        summary: "value in place",
        dtype: .ofFirstInput,
        forward: { args in Tensor(repeating: args[1].data[0], shape: args[0].shape) },
        derivative: .vjp { ctx, g in [Variable(Tensor.zeros(ctx[0].shape)), try g.sum()] })

    /// `t` cast to `dtype` by the registry's conversion (`ToCopyBackward0`).
    func convert(_ t: Variable, to dtype: DType) throws -> Variable {
        try t.to(dtype)
    }

    func scalarValue(_ x: Double, _ dtype: DType) -> PyValue {
        switch dtype {
        case .int64: return .int(Int(x))
        case .bool: return .bool(x != 0)
        default: return .float(x)
        }
    }

    private func toList(_ t: Tensor, dim: Int, offset: Int) -> PyValue {
        if t.rank == 0 { return scalarValue(t.data[0], t.dtype) }
        let step = Tensor.count(of: Array(t.shape[(dim + 1)...]))
        if dim == t.rank - 1 { return .list(PyList((0..<t.shape[dim]).map { scalarValue(t.data[offset + $0], t.dtype) })) }
        return .list(PyList((0..<t.shape[dim]).map { toList(t, dim: dim + 1, offset: offset + $0 * step) }))
    }

    /// `tensor.backward(...)` and `torch.autograd.backward(...)`.
    func backward(_ outputs: [Variable], gradient: PyValue?, retainGraph: PyValue?, createGraph: PyValue?, inputs: PyValue?) throws {
        var seed: Variable?
        if let gradient, case .tensor(let g) = gradient { seed = g } else if let gradient, let s = scalarTensor(gradient) { seed = s }
        let create = try createGraph.map(truthy) ?? false
        var retain = create
        if let r = retainGraph, case .none = r {} else if let r = retainGraph { retain = try truthy(r) }
        // `torch.autograd.backward(tensors, grad_tensors=[...])`: one gradient per output.
        var seeds: [Variable?]?
        if seed == nil, let gradient, !isNone(gradient) {
            let list = try tensorList(gradient)
            guard list.count == outputs.count else {
                throw PyException("RuntimeError", "grad_tensors has \(list.count) element\(list.count == 1 ? "" : "s") but tensors has \(outputs.count)")
            }
            seeds = list
        }
        guard let inputs, !isNone(inputs) else {
            for (i, root) in outputs.enumerated() {
                let seed = seeds?[i] ?? seed
                guard let tracer = backwardTracer, root.gradFn != nil else {
                    try root.backward(gradient: seed, retainGraph: retain, createGraph: create)
                    continue
                }
                // `run --trace-backward`: the same backward pass, observed, with its trace on stderr.
                let trace = try root.traceBackward(gradient: seed, retainGraph: retain, createGraph: create)
                output.flush()  // the trace follows what the program printed before it
                output.error(tracer(trace, namedLeaves(of: trace), line))
            }
            return
        }
        let targets = try tensorList(inputs)
        guard !targets.isEmpty else { throw PyException("RuntimeError", "`inputs` argument to `backward()` cannot be empty.") }
        let grads = try grad(outputs: outputs, inputs: targets, gradOutputs: seeds ?? Array(repeating: seed, count: outputs.count),
                             retainGraph: retain, createGraph: create, allowUnused: true)
        for (input, g) in zip(targets, grads) {
            guard let g else { continue }
            try accumulateGrad(g, into: input, createGraph: create)
        }
    }

    /// The leaves `trace` reached, named by the module variables that hold them (`leaf` when
    /// none does, as for a function's local), in the order the trace reached them.
    func namedLeaves(of trace: BackwardTrace) -> [(name: String, variable: Variable)] {
        var names: [ObjectIdentifier: String] = [:]
        for (name, value) in globals.bindings(self.names).sorted(by: { $0.name < $1.name }) {
            if case .tensor(let v) = value, names[ObjectIdentifier(v)] == nil { names[ObjectIdentifier(v)] = name }
        }
        var leaves: [(name: String, variable: Variable)] = []
        for step in trace.backward {
            for edge in step.edges {
                guard case .leaf(let v) = edge.target, !leaves.contains(where: { $0.variable === v }) else { continue }
                leaves.append((names[ObjectIdentifier(v)] ?? "leaf", v))
            }
        }
        return leaves
    }

    func isNone(_ v: PyValue) -> Bool {
        if case .none = v { return true }
        return false
    }

    /// One tensor or a sequence of tensors, as a list.
    func tensorList(_ v: PyValue) throws -> [Variable] {
        if case .tensor(let t) = v { return [t] }
        return try sequenceItems(v, forUnpacking: false).map { item in
            guard case .tensor(let t) = item else { throw PyException("TypeError", "expected a Tensor, got \(item.typeName)") }
            return t
        }
    }
}
