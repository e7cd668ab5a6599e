import Autograd
import ExprParser

extension Request {
    /// Runs the request's command and reports what it computed.
    func run() throws -> Report {
        switch command {
        case .eval: return try report(of: build(recordGraph: false))
        case .grad: return try runGrad()
        case .jacobian: return try runJacobian()
        case .hessian: return try runHessian()
        case .graph: return try runGraph()
        case .check: return try runCheck()
        case .batch, .help: throw GradcliError(.internal, "'\(command.rawValue)' is not a request command")
        }
    }

    /// The value part of a report, shared by every command.
    func report(of graph: BuiltGraph) -> Report {
        var report = Report(command: command, source: source)
        report.value = graph.output.value
        report.gradFn = graph.output.gradFn?.name
        report.tuple = graph.tuple?.map { ($0.value, $0.gradFn?.name) }
        if let dtype = graph.dtype {
            report.dtypeValue = dtype
            report.value = nil
            report.gradFn = nil
        }
        report.warnings = notes + graph.warnings
        for leaf in graph.leaves { report.inputShapes[leaf.name] = leaf.variable.shape }
        return report
    }

    /// A warning for each differentiated input the output does not depend on.
    func unusedWarning(_ name: String) -> Warning {
        Warning(message: "input `\(name)` does not reach the output; its gradient is zero")
    }

    /// A warning for an input that reaches the output only as an argument no gradient flows
    /// to, such as a loss weight or class indices (PyTorch refuses to differentiate those).
    func notDifferentiatedWarning(_ name: String) -> Warning {
        Warning(message: "input `\(name)` \(Request.reachesOnlyUndifferentiated); its gradient is zero")
    }

    /// Why such an input gets no gradient, shared by `grad` and `check`.
    static let reachesOnlyUndifferentiated =
        "reaches the output only as an argument that is not differentiated (such as a loss weight or class indices)"

    private func runGrad() throws -> Report {
        // Backward runs without looking for NaN or infinity in each rule's result; only when a
        // gradient it leaves holds one does the request run again, from the same random state,
        // with the recorder watching, to name the rule where the value first appeared.
        let generator = TorchGenerator.current, randomState = generator.snapshot()
        var (graph, retained) = try backpropagate(watching: false)
        let gradients = graph.differentiated.map(\.variable) + retained.map(\.1)
        if !gradients.allSatisfy({ $0.grad?.value.isFinite ?? true }) {
            generator.restore(randomState)
            (graph, retained) = try backpropagate(watching: true)
        }
        var report = report(of: graph)
        for (name, leaf) in graph.differentiated {
            if let g = leaf.grad {
                report.grads.append((name, g.value))
            } else {
                report.grads.append((name, Tensor.zeros(leaf.shape)))
                report.warnings.append(dependsOn(graph.output, leaf) ? notDifferentiatedWarning(name) : unusedWarning(name))
            }
        }
        for (name, variable) in retained {
            report.retained.append((name, variable.grad?.value ?? Tensor.zeros(variable.shape)))
            if variable.grad == nil { report.warnings.append(Warning(message: "`\(name)` does not reach the output; its gradient is zero")) }
        }
        if let origin = graph.anomaly.backward {
            report.warnings.append(Warning(
                message: "\(origin.isNaN ? "NaN" : "an infinity") first appeared in the gradient computed by \(origin.gradFnName) (`\(origin.op)`)",
                range: origin.tag.map { SourceRange(start: $0.start, end: $0.end) }))
        }
        return report
    }

    /// Builds the graph and runs backward from its output, with the anomaly recorder watching
    /// backward when `watching`; returns the graph and the bindings whose gradients it retains.
    private func backpropagate(watching: Bool) throws -> (BuiltGraph, [(String, Variable)]) {
        let graph = try build(recordGraph: true)
        let retained = try retainedBindings(graph)
        for (_, variable) in retained { variable.retainGrad() }
        let output = graph.output
        guard output.requiresGrad else { return (graph, retained) }
        let seed = try gradOutputValue()
        if seed == nil && output.value.count != 1 {
            throw GradcliError.value("grad can be implicitly created only for scalar outputs",
                                 hint: "the output has shape \(describe(shape: output.shape)); pass --grad-output with that shape for a vector-Jacobian product, or use `gradcli jacobian`")
        }
        do {
            try GradMode.with(enabled: true) {
                if watching { try graph.anomaly.watch { try output.backward(gradient: seed) } } else { try output.backward(gradient: seed) }
            }
        } catch let error as OpError {
            throw GradcliError.from(error, source: source).with(hint: error.kind == .shape ? "--grad-output must have the output's shape \(describe(shape: output.shape))" : nil)
        }
        return (graph, retained)
    }

    /// The bindings named by `--retain-grad`, checked to exist.
    private func retainedBindings(_ graph: BuiltGraph) throws -> [(String, Variable)] {
        try retainGrad.map { name in
            if let binding = graph.bindings.last(where: { $0.name == name }) {
                guard binding.value.requiresGrad else {
                    throw GradcliError.value("can't retain_grad on Tensor that has requires_grad=False",
                                         hint: "`\(name)` does not depend on any differentiated input, so it has no gradient")
                }
                return (name, binding.value)
            }
            if let leaf = graph.leaves.first(where: { $0.name == name }) {
                guard leaf.variable.requiresGrad else {
                    throw GradcliError.value("can't retain_grad on Tensor that has requires_grad=False",
                                         hint: "`\(name)` is not differentiated (see --wrt)")
                }
                return (name, leaf.variable)
            }
            let known = graph.bindings.map(\.name)
            throw GradcliError.usage("--retain-grad names `\(name)`, which is not a binding of the program",
                                 hint: known.isEmpty ? "bind it in the program, e.g. `\(name) = ...; ...`" : "the bindings are " + known.joined(separator: ", "))
        }
    }

    private func runJacobian() throws -> Report {
        let graph = try build(recordGraph: true)
        var report = report(of: graph)
        let inputs = graph.differentiated
        let (blocks, method) = try GradcliError.mapping(source: source) { try Autograd.jacobianWithMethod(of: graph.output, wrt: inputs.map(\.variable)) }
        report.jacobianMethod = method
        for ((name, leaf), block) in zip(inputs, blocks) {
            report.jacobian.append((name, block))
            if !graph.output.requiresGrad || !dependsOn(graph.output, leaf) { report.warnings.append(unusedWarning(name)) }
        }
        return report
    }

    private func runHessian() throws -> Report {
        let graph = try build(recordGraph: true)
        guard graph.output.value.count == 1 else {
            throw GradcliError.value("hessian needs a scalar output, but the output has shape \(describe(shape: graph.output.shape))",
                                 hint: "reduce it (sum, mean) or use `gradcli jacobian`")
        }
        var report = report(of: graph)
        let inputs = graph.differentiated
        let blocks: [[Tensor]]
        blocks = try GradcliError.mapping(source: source) { try Autograd.hessian(of: graph.output, wrt: inputs.map(\.variable)) }
        for (i, (name, leaf)) in inputs.enumerated() {
            report.hessian.append((name, zip(inputs, blocks[i]).map { ($0.name, $1) }))
            if !graph.output.requiresGrad || !dependsOn(graph.output, leaf) { report.warnings.append(unusedWarning(name)) }
        }
        return report
    }

    private func runGraph() throws -> Report {
        let graph = try build(recordGraph: true)
        var report = report(of: graph)
        let printer = GraphPrinter(source: source, leaves: graph.leaves)
        report.graph = dot ? printer.dot(graph.output) : printer.tree(graph.output)
        return report
    }
}

/// True when `leaf` is reachable backwards from `output` through the graph.
func dependsOn(_ output: Variable, _ leaf: Variable) -> Bool {
    if output === leaf { return true }
    var stack = output.gradFn.map { [$0] } ?? []
    var seen = Set<ObjectIdentifier>()
    while let fn = stack.popLast() {
        guard seen.insert(ObjectIdentifier(fn)).inserted else { continue }
        for input in fn.inputs {
            if input === leaf { return true }
            if let next = input.gradFn { stack.append(next) }
        }
    }
    return false
}
