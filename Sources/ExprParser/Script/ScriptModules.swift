import Autograd
import Glibc

// `torch.nn.Linear` (PyTorch's default initialisation, drawn from the seeded generator) and
// `torch.optim.SGD`. The forward pass and the updates go through the op registry.

/// `torch.nn.Linear(in_features, out_features, bias=True)`: `y = x @ weight.T + bias`.
final class PyLinear: PyObject {
    var inFeatures: Int, outFeatures: Int
    /// Replaced by `lin.weight = torch.nn.Parameter(...)` (or None), as PyTorch's module allows.
    var weight: Variable?
    var bias: Variable?
    /// Other attributes a program sets on the module.
    private var extras: [String: PyValue] = [:]
    unowned let interpreter: Interpreter

    /// PyTorch's `reset_parameters`: `kaiming_uniform_(weight, a=sqrt(5))`, which is
    /// uniform(-1/sqrt(in), 1/sqrt(in)) computed as PyTorch computes the bound, then the bias
    /// from uniform(-1/sqrt(in), 1/sqrt(in)); weight first, in row-major order.
    init(_ interpreter: Interpreter, _ args: [PyValue], _ keywords: Keywords) throws {
        func arg(_ name: String, _ i: Int) -> PyValue? { keywords.first { $0.name == name }?.value ?? (i < args.count ? args[i] : nil) }
        guard let i = arg("in_features", 0).flatMap(interpreter.integer), let o = arg("out_features", 1).flatMap(interpreter.integer),
              i >= 0, o >= 0 else {
            throw PyException("TypeError", "Linear() needs integer in_features and out_features")
        }
        let hasBias = try arg("bias", 2).map(interpreter.truthy) ?? true
        inFeatures = i
        outFeatures = o
        self.interpreter = interpreter
        let dtype = DefaultDType.current
        let generator = TorchGenerator.current
        let a = Double(5).squareRoot()
        let gain = (2.0 / (1 + a * a)).squareRoot()
        let std = gain / Double(i).squareRoot()
        let bound = Double(3).squareRoot() * std
        let w = generator.fillUniform(count: i * o, dtype: dtype, from: -bound, to: bound)
        weight = Variable(Tensor(shape: [o, i], data: w, dtype: dtype), requiresGrad: true)
        if hasBias {
            let biasBound = i > 0 ? 1 / Double(i).squareRoot() : 0
            bias = Variable(Tensor(shape: [o], data: generator.fillUniform(count: o, dtype: dtype, from: -biasBound, to: biasBound),
                                   dtype: dtype), requiresGrad: true)
        } else {
            bias = nil
        }
        super.init()
        for p in parameters { ParameterTable.shared.add(p) }
    }

    override var typeName: String { "Linear" }
    override var repr: String { "Linear(in_features=\(inFeatures), out_features=\(outFeatures), bias=\(bias != nil ? "True" : "False"))" }

    var parameters: [Variable] { [weight, bias].compactMap { $0 } }

    override func attribute(_ name: String) throws -> PyValue? {
        switch name {
        case "weight": return weight.map { .tensor($0) } ?? PyValue.none
        case "bias": return bias.map { .tensor($0) } ?? PyValue.none
        case "in_features": return .int(inFeatures)
        case "out_features": return .int(outFeatures)
        case "parameters": return .native(NativeFunction(name) { [unowned self] _, _ in .list(PyList(self.parameters.map { .tensor($0) })) })
        case "named_parameters":
            return .native(NativeFunction(name) { [unowned self] _, _ in
                .list(PyList([("weight", self.weight), ("bias", self.bias)].compactMap { name, p in p.map { .tuple([.str(name), .tensor($0)]) } }))
            })
        case "zero_grad":
            return .native(NativeFunction(name) { [unowned self] _, _ in
                for p in self.parameters { p.grad = nil }
                return .none
            })
        case "forward": return .native(NativeFunction(name) { [unowned self] a, k in try self.call(a, k) })
        default: return extras[name]
        }
    }

    /// `lin.weight = p`: a `torch.nn.Parameter` or None, PyTorch's TypeError for anything else
    /// (a plain tensor included); other names are stored as Python stores them.
    override func setAttribute(_ name: String, _ value: PyValue) throws -> Bool {
        switch name {
        case "weight", "bias":
            var parameter: Variable?
            switch value {
            case .none: parameter = nil
            case .tensor(let t) where ParameterTable.shared.contains(t): parameter = t
            default:
                let typeName: String
                if case .tensor(let t) = value { typeName = "torch." + Interpreter.legacyTensorTypeName(t.dtype) } else { typeName = value.typeName }
                throw PyException("TypeError", "cannot assign '\(typeName)' as parameter '\(name)' (torch.nn.Parameter or None expected)")
            }
            if name == "weight" { weight = parameter } else { bias = parameter }
        case "in_features", "out_features":
            if let n = interpreter.integer(value) {
                if name == "in_features" { inFeatures = n } else { outFeatures = n }
            } else {
                extras[name] = value
            }
        default: extras[name] = value
        }
        return true
    }

    override func call(_ arguments: [PyValue], _ keywords: Keywords) throws -> PyValue {
        guard arguments.count == 1, case .tensor(let x) = arguments[0] else {
            throw PyException("TypeError", "Linear.forward() takes one tensor argument")
        }
        guard let weight else { throw PyException("TypeError", "linear(): argument 'weight' (position 2) must be Tensor, not NoneType") }
        return .tensor(try apply(PyLinear.linear, [x, weight, bias]))
    }

    /// `linear(input, weight, bias=None)` = `input @ weight.T + bias`, composed of registry ops,
    /// with the node names PyTorch's `F.linear` records (`AddmmBackward0` for a matrix input).
    static let linear = OpSpec(
        "linear", params: [Param("input", .tensor), Param("weight", .tensor), Param("bias", .tensor, default: AttrValue.none)],
        gradFn: "AddmmBackward0",
        gradFnForInputs: { inputs, _ in
            let hasBias = inputs.count > 2
            switch inputs[0].value.rank {
            case 2: return hasBias ? "AddmmBackward0" : "MmBackward0"
            case 1: return hasBias ? "ViewBackward0" : "SqueezeBackward4"
            default: return hasBias ? "ViewBackward0" : "UnsafeViewBackward0"
            }
        },
        summary: "input @ weight.T + bias",
        dtype: Ops.linearDType,
        forward: { args in
            let x = Variable(args[0]), w = Variable(args[1])
            var y = try apply(Registry.lookup("matmul")!, [x, try apply(Registry.lookup("t")!, [w])])
            if let b = args.optional("bias") { y = try apply(Registry.lookup("add")!, [y, Variable(b)]) }
            return y.value
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0], w = ctx[1]
            let inFeatures = w.shape[1], outFeatures = w.shape[0]
            let rows = Tensor.count(of: x.shape) / Swift.max(inFeatures, 1)
            let x2 = try x.reshape([rows, inFeatures]), g2 = try g.reshape([rows, outFeatures])
            let matmul = Registry.lookup("matmul")!, t = Registry.lookup("t")!
            let gx = try apply(matmul, [g2, w]).reshape(x.shape)
            let gw = try apply(matmul, [try apply(t, [g2]), x2])
            return ctx.inputs.count > 2 ? [gx, gw, g] : [gx, gw]  // the engine sums g down to the bias
        })
}

/// The tensors that are module parameters, which print as `Parameter containing:` + the tensor.
/// Weak references: a parameter freed with its module leaves no entry behind.
final class ParameterTable {
    static let shared = ParameterTable()
    private struct Weak { weak var variable: Variable? }
    private var entries: [ObjectIdentifier: Weak] = [:]

    func add(_ v: Variable) {
        entries[ObjectIdentifier(v)] = Weak(variable: v)
        if entries.count > 4096 { entries = entries.filter { $0.value.variable != nil } }
    }

    @discardableResult
    func contains(_ v: Variable) -> Bool { entries[ObjectIdentifier(v)]?.variable === v }
}

/// What `torch.optim` optimisers share: their parameters, `zero_grad()` (sets each `.grad` to
/// None, PyTorch's default) and `step()`, which runs the subclass's update under `no_grad`.
class PyOptimizer: PyObject {
    let parameters: [Variable]
    unowned let interpreter: Interpreter

    init(_ interpreter: Interpreter, parameters: [Variable]) {
        self.interpreter = interpreter
        self.parameters = parameters
    }

    /// Updates every parameter from its gradient (called without a graph being recorded).
    func step() throws {}

    override func attribute(_ name: String) throws -> PyValue? {
        switch name {
        case "zero_grad":
            return .native(NativeFunction(name) { [unowned self] args, keywords in
                let setToNone = try (keywords.first { $0.name == "set_to_none" }?.value ?? args.first).map(self.interpreter.truthy) ?? true
                for p in self.parameters {
                    if setToNone { p.grad = nil } else if let g = p.grad { try self.interpreter.tensorMethod(g, "zero_", [], []) }
                }
                return .none
            })
        case "step":
            return .native(NativeFunction(name) { [unowned self] _, _ in
                try withNoGrad { try self.step() }
                return .none
            })
        default: return nil
        }
    }

}

/// `torch.optim.SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)` with
/// PyTorch's update rule: `g = grad + weight_decay * p`; with momentum `buf = momentum * buf +
/// (1 - dampening) * g` (the first step `buf = g`), `g = buf` (or `g + momentum * buf` with
/// nesterov); then `p -= lr * g`, all under no_grad.
final class PySGD: PyOptimizer {
    let lr: Double, momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool, maximize: Bool
    private var buffers: [ObjectIdentifier: Variable] = [:]

    init(_ interpreter: Interpreter, _ args: [PyValue], _ keywords: Keywords) throws {
        func arg(_ name: String, _ i: Int) -> PyValue? { keywords.first { $0.name == name }?.value ?? (i < args.count ? args[i] : nil) }
        guard let params = arg("params", 0) else { throw PyException("TypeError", "SGD() missing 1 required positional argument: 'params'") }
        let parameters = try interpreter.tensorList(params)
        guard let lr = arg("lr", 1).flatMap(interpreter.number) else { throw PyException("TypeError", "SGD() needs lr") }
        self.lr = lr
        momentum = arg("momentum", 2).flatMap(interpreter.number) ?? 0
        dampening = arg("dampening", 3).flatMap(interpreter.number) ?? 0
        weightDecay = arg("weight_decay", 4).flatMap(interpreter.number) ?? 0
        nesterov = try arg("nesterov", 5).map(interpreter.truthy) ?? false
        maximize = try arg("maximize", Int.max).map(interpreter.truthy) ?? false  // keyword-only
        super.init(interpreter, parameters: parameters)
    }

    override var typeName: String { "SGD" }
    override var repr: String {
        "SGD (\nParameter Group 0\n    dampening: \(floatRepr(dampening))\n    lr: \(floatRepr(lr))\n    momentum: \(floatRepr(momentum))\n    nesterov: \(nesterov ? "True" : "False")\n    weight_decay: \(floatRepr(weightDecay))\n)"
    }

    override func step() throws {
        let mul = Registry.lookup("mul")!, neg = Registry.lookup("neg")!
        func scalar(_ x: Double) -> Variable { Variable(wrappedNumber: x, dtype: .float64) }
        // PyTorch's `a.add(b, alpha=s)`: one rounding of a + s * b.
        func add(_ a: Variable, _ b: Variable, alpha: Double) throws -> Variable {
            try apply(Ops.scaledAdd, [a, b], Attrs(["alpha": .double(alpha)]))
        }
        for p in parameters {
            guard var g = p.grad else { continue }
            if maximize { g = try apply(neg, [g]) }
            if weightDecay != 0 { g = try add(g, p, alpha: weightDecay) }
            if momentum != 0 {
                let key = ObjectIdentifier(p)
                var buffer: Variable
                if let previous = buffers[key] {
                    buffer = try add(try apply(mul, [previous, scalar(momentum)]), g, alpha: 1 - dampening)
                } else {
                    buffer = g
                }
                buffers[key] = buffer
                g = nesterov ? try add(g, buffer, alpha: momentum) : buffer
            }
            try interpreter.inPlace(p, Ops.scaledAdd, [g], Attrs(["alpha": .double(-lr)]))
        }
    }
}

/// `torch.optim.Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)` with
/// PyTorch's single-tensor update (its default on the CPU): `m = lerp(m, g, 1 - beta1)`,
/// `v = beta2 * v + (1 - beta2) * g * g`, `p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)`,
/// through the registry ops PyTorch's update calls (lerp, addcmul, addcdiv). `torch.optim.AdamW`
/// (weight_decay=0.01) is the same class with `decoupled`: the decay is `p *= 1 - lr * weight_decay` before the update instead of
/// `g += weight_decay * p`, as torch/optim/adam.py's `decoupled_weight_decay` does.
final class PyAdam: PyOptimizer {
    let lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double, maximize: Bool
    let decoupled: Bool
    private var state: [ObjectIdentifier: (step: Int, m: Variable, v: Variable)] = [:]

    init(_ interpreter: Interpreter, _ args: [PyValue], _ keywords: Keywords, decoupled: Bool = false) throws {
        func arg(_ name: String, _ i: Int) -> PyValue? { keywords.first { $0.name == name }?.value ?? (i < args.count ? args[i] : nil) }
        self.decoupled = decoupled
        let className = decoupled ? "AdamW" : "Adam"
        guard let params = arg("params", 0) else { throw PyException("TypeError", "\(className)() missing 1 required positional argument: 'params'") }
        let parameters = try interpreter.tensorList(params)
        lr = arg("lr", 1).flatMap(interpreter.number) ?? 0.001
        let betas = try arg("betas", 2).map { try interpreter.sequenceItems($0, forUnpacking: true).compactMap(interpreter.number) } ?? [0.9, 0.999]
        guard betas.count == 2 else { throw PyException("TypeError", "\(className)(): betas must be a pair of numbers") }
        beta1 = betas[0]
        beta2 = betas[1]
        eps = arg("eps", 3).flatMap(interpreter.number) ?? 1e-8
        weightDecay = arg("weight_decay", 4).flatMap(interpreter.number) ?? (decoupled ? 0.01 : 0)
        maximize = try arg("maximize", Int.max).map(interpreter.truthy) ?? false  // keyword-only
        if try arg("amsgrad", 5).map(interpreter.truthy) ?? false {
            throw PyException("NotImplementedError", "\(className)(amsgrad=True) is not supported in gradcli run")
        }
        super.init(interpreter, parameters: parameters)
    }

    override var typeName: String { decoupled ? "AdamW" : "Adam" }

    override func step() throws {
        let add = Registry.lookup("add")!, mul = Registry.lookup("mul")!
        let div = Registry.lookup("div")!, sqrt = Registry.lookup("sqrt")!
        func scalar(_ x: Double) -> Variable { Variable(wrappedNumber: x, dtype: .float64) }
        for p in parameters {
            guard var g = p.grad else { continue }
            if maximize { g = try apply(Registry.lookup("neg")!, [g]) }
            let key = ObjectIdentifier(p)
            var zeros = Tensor(repeating: 0, shape: p.shape)
            zeros.dtype = p.dtype
            var (step, m, v) = state[key] ?? (0, Variable(zeros), Variable(zeros))
            step += 1
            if weightDecay != 0 {
                if decoupled {
                    // param.mul_(1 - lr * weight_decay): the factor is a Python float.
                    try interpreter.inPlace(p, mul, [scalar(1 - lr * weightDecay)], Attrs())
                } else {
                    // grad.add(param, alpha=weight_decay): one rounding of g + wd * p.
                    g = try apply(Ops.scaledAdd, [g, p], Attrs(["alpha": .double(weightDecay)]))
                }
            }
            // PyTorch's kernels, in its order: exp_avg.lerp_(grad, 1 - beta1),
            // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2),
            // denom = (exp_avg_sq.sqrt() / bias_correction2 ** 0.5).add_(eps), and
            // param.addcdiv_(exp_avg, denom, value=-step_size).
            m = try apply(Ops.lerp, [m, g, scalar(1 - beta1)])
            v = try apply(Ops.addcmul, [try apply(mul, [v, scalar(beta2)]), g, g], Attrs(["value": .double(1 - beta2)]))
            state[key] = (step, m, v)
            let correction1 = 1 - Glibc.pow(beta1, Double(step))
            let correction2 = 1 - Glibc.pow(beta2, Double(step))
            // bias_correction2 ** 0.5, as Python computes it.
            let denominator = try apply(add, [try apply(div, [try apply(sqrt, [v]), scalar(Glibc.pow(correction2, 0.5))]), scalar(eps)])
            try interpreter.inPlace(p, Ops.addcdiv, [m, denominator], Attrs(["value": .double(-(lr / correction1))]))
        }
    }
}
