import Autograd

/// `gradcli trace EXPR [inputs] [--grad-output V] [--json]`: the forward nodes, then the
/// backward sweep as the engine ran it (incoming gradient, VJP rule, the gradient sent along
/// each edge and the `+=` where a node is reached twice), then each leaf's final `.grad`.
enum TraceCommand {
    /// Graphs with more nodes than this are refused: a trace is for reading.
    static let nodeLimit = 10_000
    /// Tensors with more elements than this are shown as their shape and the first few.
    static let elisionLimit = 8
    static let shownWhenElided = 4

    /// Runs the command on the arguments after `trace`; takes the options `grad` takes.
    static func main(_ arguments: [String]) -> Int32 {
        let wantsJSON = arguments.prefix { $0 != "--" }.contains("--json")
        do {
            let invocation = try Invocation.parse(["grad"] + arguments)
            if invocation.flag(.help) { Output.out(help); return 0 }
            let request = try GradCLI.makeRequest(invocation)
            let graph = try request.build(recordGraph: true)
            guard graph.output.gradFn != nil else {
                throw GradcliError.value("trace: the output has no grad_fn (it does not depend on an input that requires grad), so there is no backward pass to trace")
            }
            let count = graph.output.forwardNodes().count
            guard count <= nodeLimit else {
                throw GradcliError.value("trace: the graph has \(count) nodes, over the tracing limit of \(nodeLimit)", hint: "use `gradcli graph` or `gradcli grad` for big graphs")
            }
            let trace: BackwardTrace
            do { trace = try graph.output.traceBackward(gradient: request.gradOutputValue()) } catch { throw GradcliError.from(error) }
            let rendered = Rendered(trace: trace, leaves: graph.differentiated, source: Array(request.source.utf8))
            Output.out(wantsJSON ? rendered.json().serialized + "\n" : rendered.text())
            return 0
        } catch {
            let failure = GradcliError.from(error)
            Output.err(failure.text(color: false))
            if wantsJSON && failure.usageOf == nil { Output.out(failure.json.serialized + "\n") }
            return failure.exitStatus
        }
    }

    static let help = """
    OVERVIEW: Trace the backward pass of EXPR step by step.

    USAGE: gradcli trace <expr> [<name=value> ...] [--grad-output <value>] [--wrt <names>] [--json]

    Prints the forward nodes (each after the nodes that feed it), then the backward sweep in the
    engine's order: each node's incoming gradient, its VJP rule, the gradient sent to each input
    and, for an input reached twice, the `+=` with the running total; then each leaf's .grad.
    Tensors over \(elisionLimit) elements show their shape and first \(shownWhenElided) elements. Graphs over
    \(nodeLimit) nodes, and outputs with no grad_fn, are refused (exit 65).

    """
}

/// A trace turned into text or JSON, with node numbers in forward order.
private struct Rendered {
    let trace: BackwardTrace
    let leaves: [(name: String, variable: Variable)]
    let source: [UInt8]
    var numbers: [ObjectIdentifier: Int] = [:]

    init(trace: BackwardTrace, leaves: [(name: String, variable: Variable)], source: [UInt8]) {
        self.trace = trace
        self.leaves = leaves
        self.source = source
        for (i, fn) in trace.forward.enumerated() { numbers[ObjectIdentifier(fn)] = i + 1 }
    }

    func excerpt(_ fn: GradFn) -> String? {
        guard let tag = fn.tag, tag.start >= 0, tag.end <= source.count, tag.start < tag.end else { return nil }
        let text = String(decoding: source[tag.start..<min(tag.end, tag.start + 200)], as: UTF8.self)
        let flat = text.split(whereSeparator: { $0 == "\n" }).joined(separator: "; ")
        return flat.count > 60 ? String(flat.prefix(57)) + "..." : flat
    }

    func label(_ fn: GradFn) -> String { "#\(numbers[ObjectIdentifier(fn)] ?? 0) \(fn.name)" }

    func name(of target: TraceTarget) -> String {
        switch target {
        case .node(let fn): return label(fn)
        case .leaf(let v): return leaves.first { $0.variable === v }?.name ?? "leaf"
        }
    }

    func text(_ t: Tensor) -> String {
        let style = NumberStyle()
        let shown = t.count > TraceCommand.elisionLimit ? Array(t.data.prefix(TraceCommand.shownWhenElided)) : t.data
        var body = shown.map { style.string($0) }.joined(separator: ", ")
        if t.count > TraceCommand.elisionLimit { body += ", ... (\(t.count) elements, shape \(describe(shape: t.shape)))" }
        return t.shape.isEmpty ? body : "[" + body + "]"
    }

    func json(_ t: Tensor) -> JSON {
        guard t.count > TraceCommand.elisionLimit else { return JSON(t) }
        return .object([("shape", .array(t.shape.map { .integer($0) })), ("count", .integer(t.count)),
                        ("first", .array(t.data.prefix(TraceCommand.shownWhenElided).map { .number($0) }))])
    }

    func text() -> String {
        var lines = ["forward (each node after the nodes that feed it):"]
        for (fn, value) in zip(trace.forward, trace.values) {
            var line = "  \(label(fn))  \(describe(shape: fn.resultShape))  = \(text(value))"
            if let e = excerpt(fn) { line += "  from `\(e)`" }
            lines.append(line)
        }
        lines.append("backward (the engine's order):")
        for step in trace.backward {
            lines.append("  \(label(step.node))  incoming grad \(text(step.incoming))")
            lines.append("    rule: " + (vjpRule(for: step.node.name).map { "\(step.node.name): \($0)" } ?? "no rule text recorded for \(step.node.name)"))
            for edge in step.edges {
                var line = "    -> input \(edge.inputIndex) \(name(of: edge.target)): \(text(edge.gradient))"
                if let previous = edge.previousTotal {
                    line += "   += onto \(text(previous)), running total \(text(edge.runningTotal))"
                }
                lines.append(line)
            }
        }
        lines.append("leaves:")
        for leaf in leaves {
            lines.append("  \(leaf.name).grad = " + (leaf.variable.grad.map { text($0.value) } ?? "None"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func json() -> JSON {
        var steps: [JSON] = []
        for (fn, value) in zip(trace.forward, trace.values) {
            steps.append(.object([("phase", .string("forward")), ("node", .integer(numbers[ObjectIdentifier(fn)] ?? 0)),
                                  ("grad_fn", .string(fn.name)), ("shape", .array(fn.resultShape.map { .integer($0) })),
                                  ("value", json(value)), ("source", excerpt(fn).map { .string($0) } ?? .null)]))
        }
        for step in trace.backward {
            let edges: [JSON] = step.edges.map { edge in
                var target: [(String, JSON)]
                switch edge.target {
                case .node(let fn): target = [("to_node", .integer(numbers[ObjectIdentifier(fn)] ?? 0))]
                case .leaf: target = [("to_leaf", .string(name(of: edge.target)))]
                }
                return .object([("input", .integer(edge.inputIndex))] + target + [
                    ("gradient", json(edge.gradient)), ("accumulated", .bool(edge.previousTotal != nil)),
                    ("previous_total", edge.previousTotal.map { json($0) } ?? .null), ("running_total", json(edge.runningTotal))])
            }
            steps.append(.object([("phase", .string("backward")), ("node", .integer(numbers[ObjectIdentifier(step.node)] ?? 0)),
                                  ("grad_fn", .string(step.node.name)), ("incoming", json(step.incoming)),
                                  ("rule", vjpRule(for: step.node.name).map { .string($0) } ?? .null), ("edges", .array(edges))]))
        }
        for leaf in leaves {
            steps.append(.object([("phase", .string("leaf")), ("name", .string(leaf.name)),
                                  ("grad", leaf.variable.grad.map { json($0.value) } ?? .null)]))
        }
        return .object([("schema", .integer(1)), ("command", .string("trace")), ("steps", .array(steps))])
    }
}
