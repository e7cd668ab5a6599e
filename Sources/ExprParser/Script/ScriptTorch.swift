import Autograd

// The `torch` module of programs: factories, `torch.X` for every registry op, `torch.nn`
// (functional and loss objects), `torch.autograd` (grad, backward, functional, Variable),
// grad-mode context managers and the seeded generator.

extension Interpreter {
    func makeTorchModule() -> PyModule {
        let functional = PyModule("torch.nn.functional") { [unowned self] name in self.opFunction(name) }
        var nnMembers: [String: PyValue] = ["functional": .object(functional)]
        for (className, op) in PyLoss.classes {
            nnMembers[className] = .object(PyType(className) { [unowned self] args, kw in
                .object(try PyLoss(className, op: op, interpreter: self, args, kw))
            })
        }
        nnMembers["Linear"] = .object(PyType("Linear") { [unowned self] a, k in .object(try PyLinear(self, a, k)) })
        var extraMembers: [String: PyValue] = [:]
        addExtraTorchMembers(&extraMembers, nn: &nnMembers)
        let nn = PyModule("torch.nn", members: nnMembers)
        let optim = PyModule("torch.optim", members: [
            "SGD": .object(PyType("SGD") { [unowned self] a, k in .object(try PySGD(self, a, k)) }),
            "Adam": .object(PyType("Adam") { [unowned self] a, k in .object(try PyAdam(self, a, k)) }),
            "AdamW": .object(PyType("AdamW") { [unowned self] a, k in .object(try PyAdam(self, a, k, decoupled: true)) }),
        ])
        let autogradFunctional = PyModule("torch.autograd.functional", members: [
            "jacobian": native("jacobian") { [unowned self] a, k in try self.functionalJacobian(a, k, hessian: false) },
            "hessian": native("hessian") { [unowned self] a, k in try self.functionalJacobian(a, k, hessian: true) },
        ])
        let autograd = PyModule("torch.autograd", members: [
            "functional": .object(autogradFunctional),
            "Variable": native("Variable") { [unowned self] a, k in try self.legacyVariable(a, k) },
            "grad": native("grad") { [unowned self] a, k in try self.autogradGrad(a, k) },
            "backward": native("backward") { [unowned self] a, k in
                func arg(_ name: String, _ i: Int) -> PyValue? { k.first { $0.name == name }?.value ?? (i < a.count ? a[i] : nil) }
                guard let tensors = arg("tensors", 0) else { throw PyException("TypeError", "backward() missing 1 required positional argument: 'tensors'") }
                let outputs = try self.tensorList(tensors)
                try self.backward(outputs, gradient: arg("grad_tensors", 1), retainGraph: arg("retain_graph", 2),
                                  createGraph: arg("create_graph", 3), inputs: arg("inputs", 5))
                return .none
            },
            "detect_anomaly": .object(PyType("detect_anomaly") { [unowned self] _, _ in
                let line = self.line
                self.output.error("\(self.fileName):\(line): UserWarning: Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.\n  \(self.sourceLine(line))\n")
                return .object(PyAnomalyMode())
            }),
            "set_detect_anomaly": native("set_detect_anomaly") { _, _ in .none },
        ])
        var members: [String: PyValue] = [
            "nn": .object(nn), "autograd": .object(autograd), "optim": .object(optim),
            "tensor": native("tensor") { [unowned self] a, k in try self.makeTensor(a, k) },
            "manual_seed": native("manual_seed") { [unowned self] a, _ in
                guard let seed = a.first.flatMap(self.integer) else { throw PyException("TypeError", "manual_seed expected an int") }
                manualSeed(UInt64(truncatingIfNeeded: seed))
                return .object(PyGenerator.shared)
            },
            "no_grad": .object(PyType("no_grad") { _, _ in .object(PyGradMode(false)) }),
            "enable_grad": .object(PyType("enable_grad") { _, _ in .object(PyGradMode(true)) }),
            "set_grad_enabled": .object(PyType("set_grad_enabled") { [unowned self] a, _ in
                guard let flag = a.first else { throw PyException("TypeError", "set_grad_enabled() missing 1 required positional argument: 'mode'") }
                let manager = PyGradMode(try self.truthy(flag))
                manager.applyNow()
                return .object(manager)
            }),
            "is_grad_enabled": native("is_grad_enabled") { _, _ in .bool(GradMode.isEnabled) },
            "get_default_dtype": native("get_default_dtype") { _, _ in .object(PyDType(DefaultDType.current)) },
            "set_default_dtype": native("set_default_dtype") { a, _ in
                guard case .object(let d as PyDType)? = a.first else {
                    throw PyException("TypeError", "set_default_dtype(): argument 'd' must be torch.dtype")
                }
                guard d.dtype.isFloatingPoint else {
                    throw PyException("TypeError", "only floating-point types are supported as the default type")
                }
                DefaultDType.current = d.dtype
                return .none
            },
            "is_tensor": native("is_tensor") { a, _ in if case .tensor? = a.first { return .bool(true) }; return .bool(false) },
            "numel": native("numel") { a, _ in if case .tensor(let t)? = a.first { return .int(t.value.count) }; return .int(0) },
            "Tensor": .object(tensorType),
            "Size": .object(PyType("Size") { [unowned self] a, _ in .object(PySize(try a.first.map { try self.sequenceItems($0, forUnpacking: false).compactMap(self.integer) } ?? [])) }),
            "device": .object(PyType("device") { _, _ in .object(PyDevice.cpu) }),
        ]
        for (name, value) in [("pi", Double.pi), ("e", 2.718281828459045), ("inf", Double.infinity), ("nan", Double.nan)] {
            members[name] = .float(value)
        }
        for (name, dtype) in [("float", DType.float32), ("float32", .float32), ("float64", .float64), ("double", .float64),
                              ("int64", .int64), ("long", .int64), ("bool", .bool)] {
            members[name] = .object(PyDType(dtype))
        }
        members.merge(extraMembers) { _, extra in extra }
        for namespace in ["linalg", "special"] {
            members[namespace] = .object(PyModule("torch." + namespace) { [unowned self] name in
                let dotted = namespace + "." + name
                guard let spec = Lowering.function(namespaced: dotted) else { return nil }
                return self.native(dotted) { [unowned self] args, keywords in try self.callFunction(spec, dotted, args, keywords) }
            })
        }
        let torch = PyModule("torch", members: members) { [unowned self] name in self.opFunction(name) }
        // Dtypes gradcli lacks are refused where they are named, not turned into another one.
        for name in Interpreter.missingDTypes.keys { torch.refused[name] = Interpreter.missingDTypeMessage(name) }
        return torch
    }

    private func native(_ name: String, _ body: @escaping ([PyValue], Keywords) throws -> PyValue) -> PyValue {
        .native(NativeFunction(name, body))
    }

    /// `torch.X` / `F.X` for registry op X, with the factory keywords `requires_grad=`,
    /// `dtype=` (when the op has no such parameter) and `device=`.
    func opFunction(_ name: String) -> PyValue? {
        guard let spec = Lowering.function(named: name) else { return nil }
        let hasDType = spec.params.contains { $0.name == "dtype" }
        return native(name) { [unowned self] args, keywords in
            var rest: Keywords = []
            var requiresGrad = false
            var dtype: DType?
            for (key, value) in keywords {
                switch key {
                case "requires_grad": requiresGrad = try self.truthy(value)
                case "device", "layout", "pin_memory", "memory_format": continue
                case "dtype" where !hasDType:
                    if case .object(let d as PyDType) = value { dtype = d.dtype }
                default: rest.append((key, value))
                }
            }
            let dtypeGiven = keywords.contains { $0.name == "dtype" && !self.isNone($0.value) }
            var inferred: DType?
            // PyTorch's arange of integers is int64.
            if !dtypeGiven, name == "arange", !args.isEmpty, args.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
                inferred = .int64
            }
            // full infers its dtype from the fill value: int64 from an int, bool from a bool.
            if !dtypeGiven, name == "full" {
                let fill = keywords.first { $0.name == "fill_value" }?.value ?? (args.count > 1 ? args[1] : nil)
                if case .int? = fill { inferred = .int64 }
                if case .bool? = fill { inferred = .bool }
            }
            // The op computes in the inferred dtype itself (integers above 2^24 are not exact in
            // the default float32).
            if let inferred {
                if hasDType { rest.append(("dtype", .object(PyDType(inferred)))) } else { dtype = inferred }
            }
            let value = try self.callFunction(spec, name, args, rest)
            guard case .tensor(var result) = value else { return value }
            if let dtype, dtype != result.value.dtype { result = try self.convert(result, to: dtype) }
            if requiresGrad { result = try self.makeLeaf(result.value, requiresGrad: true) }
            return .tensor(result)
        }
    }

    func makeLeaf(_ value: Tensor, requiresGrad: Bool) throws -> Variable {
        let leaf = Variable(value)
        if requiresGrad {
            do { try leaf.setRequiresGrad(true) } catch let e as OpError { throw PyException("RuntimeError", e.message) }
        }
        return leaf
    }

    var tensorType: PyType {
        PyType("Tensor") { [unowned self] a, k in try self.makeTensor(a, k) }
    }

    /// `torch.tensor(data, dtype=None, requires_grad=False)`: Python ints make int64, floats the
    /// default dtype, bools bool.
    func makeTensor(_ args: [PyValue], _ keywords: Keywords) throws -> PyValue {
        guard let data = args.first else { throw PyException("TypeError", "tensor() missing 1 required positional arguments: \"data\"") }
        var dtype: DType?
        var requiresGrad = false
        for (key, value) in keywords {
            switch key {
            case "dtype":
                if case .object(let d as PyDType) = value { dtype = d.dtype }
            case "requires_grad": requiresGrad = try truthy(value)
            case "device": continue
            default: throw PyException("TypeError", "tensor() got an unexpected keyword argument '\(key)'")
            }
        }
        // `torch.tensor(t)` copies t (PyTorch warns that clone().detach() is the better spelling).
        if case .tensor(let t) = data {
            return .tensor(try makeLeaf(t.value.converted(to: dtype ?? t.value.dtype), requiresGrad: requiresGrad))
        }
        var values: [Double] = []
        var shape: [Int]?
        var inferred = DType.bool
        try flatten(data, depth: 0, into: &values, shape: &shape, dtype: &inferred)
        guard values.count == Tensor.count(of: shape ?? []) else {
            throw PyException("ValueError", "expected a rectangular nested list of numbers")
        }
        let target = dtype ?? (values.isEmpty ? DefaultDType.current : inferred)  // tensor([]) is float
        if target == .int64, let rounded = Self.roundedInteger(in: data) { throw Self.roundedIntegerError(rounded) }
        let tensor = Tensor(shape: shape ?? [], data: values, dtype: .float64).converted(to: target)
        return .tensor(try makeLeaf(tensor, requiresGrad: requiresGrad))
    }

    private func flatten(_ v: PyValue, depth: Int, into values: inout [Double], shape: inout [Int]?, dtype: inout DType) throws {
        func promote(_ d: DType) {
            let rank: [DType: Int] = [.bool: 0, .int64: 1, .float32: 2, .float64: 3]
            if rank[d]! > rank[dtype]! { dtype = d }
        }
        switch v {
        case .bool(let b): values.append(b ? 1 : 0); try leafShape(depth, &shape)
        case .int(let i): values.append(Double(i)); promote(.int64); try leafShape(depth, &shape)
        case .float(let d): values.append(d); promote(DefaultDType.current); try leafShape(depth, &shape)
        case .tensor(let t) where t.value.count == 1 && t.value.rank == 0:
            values.append(t.value.data[0]); promote(t.value.dtype); try leafShape(depth, &shape)
        case .list, .tuple:
            let items = try sequenceItems(v, forUnpacking: false)
            if shape == nil { shape = [] }
            if shape!.count < depth || (!values.isEmpty && shape!.count == depth) {
                throw PyException("ValueError", "expected a rectangular nested list of numbers")
            }
            if shape!.count == depth { shape!.append(items.count) }
            else if depth < shape!.count, shape![depth] != items.count {
                throw PyException("ValueError", "expected sequence of length \(shape![depth]) at dim \(depth) (got \(items.count))")
            }
            for item in items { try flatten(item, depth: depth + 1, into: &values, shape: &shape, dtype: &dtype) }
        default:
            throw PyException("TypeError", "Could not infer dtype of \(v.typeName)")
        }
    }

    private func leafShape(_ depth: Int, _ shape: inout [Int]?) throws {
        if shape == nil { shape = [] }
        if shape!.count != depth { throw PyException("ValueError", "expected a rectangular nested list of numbers") }
    }

    /// `Variable(t, requires_grad=False)`: a legacy wrapper; returns a leaf sharing t's storage.
    private func legacyVariable(_ args: [PyValue], _ keywords: Keywords) throws -> PyValue {
        guard case .tensor(let t)? = args.first else { throw PyException("TypeError", "Variable data has to be a tensor, but got \(args.first?.typeName ?? "nothing")") }
        let flag = (keywords.first { $0.name == "requires_grad" }?.value ?? (args.count > 1 ? args[1] : .bool(false)))
        guard try truthy(flag) else { return .tensor(t) }
        let leaf = aliases.alias(of: t, sharingVersion: true)
        do { try leaf.setRequiresGrad(true) } catch let e as OpError { throw PyException("RuntimeError", e.message) }
        return .tensor(leaf)
    }

    /// `torch.autograd.grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False)`.
    private func autogradGrad(_ args: [PyValue], _ keywords: Keywords) throws -> PyValue {
        let names = ["outputs", "inputs", "grad_outputs", "retain_graph", "create_graph", "only_inputs", "allow_unused"]
        var given: [String: PyValue] = [:]
        for (i, a) in args.enumerated() where i < names.count { given[names[i]] = a }
        for (k, v) in keywords {
            guard names.contains(k) || k == "materialize_grads" else { throw PyException("TypeError", "grad() got an unexpected keyword argument '\(k)'") }
            given[k] = v
        }
        guard let outputsValue = given["outputs"], let inputsValue = given["inputs"] else {
            throw PyException("TypeError", "grad() missing required arguments 'outputs' and 'inputs'")
        }
        let outputs = try tensorList(outputsValue)
        let inputs = try tensorList(inputsValue)
        var seeds: [Variable?]?
        if let g = given["grad_outputs"], !isNone(g) {
            seeds = try (try? tensorList(g))?.map { Optional($0) } ?? sequenceItems(g, forUnpacking: false).map { isNone($0) ? nil : try tensor(from: $0) }
        }
        let create = try given["create_graph"].map(truthy) ?? false
        let retain = try given["retain_graph"].flatMap { isNone($0) ? nil : try truthy($0) }
        let allowUnused = try given["allow_unused"].map(truthy) ?? false
        let grads = try grad(outputs: outputs, inputs: inputs, gradOutputs: seeds, retainGraph: retain, createGraph: create,
                             allowUnused: allowUnused, inputsRequireGrad: true)
        return .tuple(grads.map { $0.map { .tensor($0) } ?? .none })
    }

    /// `torch.autograd.functional.jacobian(func, inputs)` (and `hessian`) with a Python function.
    private func functionalJacobian(_ args: [PyValue], _ keywords: Keywords, hessian: Bool) throws -> PyValue {
        guard args.count >= 2 else { throw PyException("TypeError", "jacobian() missing required arguments 'func' and 'inputs'") }
        let function = args[0]
        let single: Bool
        if case .tensor = args[1] { single = true } else { single = false }
        let inputs = try tensorList(args[1])
        let body: ([Variable]) throws -> Variable = { [unowned self] xs in
            let result = try self.call(function, xs.map { .tensor($0) }, [])
            guard case .tensor(let t) = result else {
                throw PyException("TypeError", "The function given to jacobian must return a Tensor, got \(result.typeName)")
            }
            return t
        }
        // The blocks take the inputs' dtype, as PyTorch's do.
        let dtype = inputs.first?.value.dtype ?? DefaultDType.current
        func block(_ t: Tensor) -> PyValue { .tensor(Variable(t.converted(to: dtype))) }
        if hessian {
            let blocks = try Autograd.hessian(body, at: inputs.map(\.value))
            if single { return block(blocks[0][0]) }
            return .tuple(blocks.map { row in .tuple(row.map(block)) })
        }
        let blocks = try Autograd.jacobian(body, at: inputs.map(\.value))
        if single { return block(blocks[0]) }
        return .tuple(blocks.map(block))
    }
}

/// `torch.no_grad()`, `torch.enable_grad()`, `torch.set_grad_enabled(b)`: switch grad mode for a
/// `with` block and restore it after.
final class PyGradMode: PyContextManager {
    let enabled: Bool
    /// The modes to restore, innermost last: the outermost here, any deeper one (the same object
    /// entered again inside its own block) in `savedInner`, so a `with` block allocates no list.
    private var savedOuter: Bool?
    private var savedInner: [Bool] = []
    init(_ enabled: Bool) { self.enabled = enabled }
    override var typeName: String { enabled ? "enable_grad" : "no_grad" }
    override var repr: String { "<torch.autograd.grad_mode.\(typeName) object at \(address(of: self))>" }

    /// `set_grad_enabled(b)` takes effect when called, also outside `with`.
    func applyNow() {
        save(GradMode.isEnabled)
        setGradEnabled(enabled)
        appliedOnCall = true
    }
    private var appliedOnCall = false

    override func enter() throws -> PyValue {
        if appliedOnCall { appliedOnCall = false; return .none }
        save(GradMode.isEnabled)
        setGradEnabled(enabled)
        return .none
    }

    override func exit() {
        if let previous = savedInner.popLast() {
            setGradEnabled(previous)
        } else if let previous = savedOuter {
            savedOuter = nil
            setGradEnabled(previous)
        }
    }

    private func save(_ mode: Bool) {
        if savedOuter == nil { savedOuter = mode } else { savedInner.append(mode) }
    }
}

/// `torch.autograd.detect_anomaly()`: anomaly mode for the block (PyTorch's errors then give its
/// anomaly hints); gradcli prints no forward traces for it.
final class PyAnomalyMode: PyContextManager {
    private var saved: [AnomalyRecorder?] = []
    override var typeName: String { "detect_anomaly" }
    override func enter() throws -> PyValue {
        saved.append(AnomalyRecorder.install(AnomalyRecorder()))
        return .none
    }
    override func exit() {
        if let previous = saved.popLast() { _ = AnomalyRecorder.install(previous) }
    }
}

/// What `register_hook` returns: `remove()` unregisters the hook.
final class PyHookHandle: PyObject {
    let handle: HookHandle
    init(_ handle: HookHandle) { self.handle = handle }
    override var typeName: String { "RemovableHandle" }
    override var repr: String { "<torch.utils.hooks.RemovableHandle object at \(address(of: self))>" }
    override func attribute(_ name: String) throws -> PyValue? {
        guard name == "remove" else { return nil }
        return .native(NativeFunction("remove") { [handle] _, _ in handle.remove(); return .none })
    }
}

/// The generator `torch.manual_seed` returns.
final class PyGenerator: PyObject {
    static let shared = PyGenerator()
    override var typeName: String { "torch._C.Generator" }
    override var repr: String { "<torch._C.Generator object at \(address(of: self))>" }
}

/// `torch.nn.MSELoss()` and the other loss objects: a registry loss with its `reduction`.
final class PyLoss: PyObject {
    static let classes: [(String, String)] = [("MSELoss", "mse_loss"), ("L1Loss", "l1_loss"), ("BCELoss", "binary_cross_entropy"),
        ("BCEWithLogitsLoss", "binary_cross_entropy_with_logits"), ("CrossEntropyLoss", "cross_entropy"), ("NLLLoss", "nll_loss"),
        ("SmoothL1Loss", "smooth_l1_loss"), ("HuberLoss", "huber_loss")]
    let className: String
    let spec: OpSpec
    let options: Keywords
    unowned let interpreter: Interpreter

    init(_ className: String, op: String, interpreter: Interpreter, _ args: [PyValue], _ keywords: Keywords) throws {
        guard let spec = Registry.lookup(op) else { throw PyException("NotImplementedError", "torch.nn.\(className) is not supported in gradcli run") }
        guard args.isEmpty else { throw PyException("TypeError", "give \(className)'s options by keyword in gradcli run") }
        self.className = className
        self.spec = spec
        self.options = keywords
        self.interpreter = interpreter
    }

    override var typeName: String { className }
    override var repr: String { "\(className)()" }
    override func call(_ arguments: [PyValue], _ keywords: Keywords) throws -> PyValue {
        .tensor(try interpreter.callOp(spec, className, arguments, options + keywords))
    }
}

/// Sets this thread's grad mode for a `with` block (restored by the block's exit).
func setGradEnabled(_ enabled: Bool) {
    GradMode.setEnabled(enabled)
}
