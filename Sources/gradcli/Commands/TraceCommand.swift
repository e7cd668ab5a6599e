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
            var arguments = arguments
            let row = try takeRow(&arguments)
            let invocation = try Invocation.parse(["grad"] + arguments)
            if invocation.flag(.help) { Output.out(help); return 0 }
            MemoryBudget.limit = try GradCLI.memoryBudget(invocation)
            try GradCLI.setWorkBudget(invocation.value(.maxFlops), invocation.value(.timeout)) { GradcliError.usage($0, of: "trace") }
            let request = try GradCLI.makeRequest(invocation)
            if row != nil, request.gradOutput != nil {
                throw GradcliError.usage("--row and --grad-output both choose the gradient of the output; give one", of: "trace")
            }
            // The trace shows each node's values after the pass, which a node keeps only for a trace.
            let text = try GradMode.keepingValues { try traced(request, row: row, wantsJSON: wantsJSON) }
            Output.out(text)
            return 0
        } catch {
            let failure = GradcliError.from(error)
            Output.err(failure.text(color: false))
            if wantsJSON && failure.usageOf == nil { Output.out(failure.json.serialized + "\n") }
            return failure.exitStatus
        }
    }

    /// The trace of the request's backward pass (of output element `row`, when given), as text or JSON.
    private static func traced(_ request: Request, row: Int?, wantsJSON: Bool) throws -> String {
        let graph = try request.build(recordGraph: true)
        guard graph.output.gradFn != nil else {
            throw GradcliError.value("trace: the output has no grad_fn (it does not depend on an input that requires grad), so there is no backward pass to trace")
        }
        let count = graph.output.forwardNodes().count
        guard count <= nodeLimit else {
            throw GradcliError.value("trace: the graph has \(count) nodes, over the tracing limit of \(nodeLimit)", hint: "use `gradcli graph` or `gradcli grad` for big graphs")
        }
        var seed = try request.gradOutputValue()
        if let row { seed = try oneHot(row, of: graph.output.shape) }
        let trace: BackwardTrace
        do { trace = try graph.output.traceBackward(gradient: seed) } catch { throw GradcliError.from(error) }
        var rendered = Rendered(trace: trace, leaves: graph.differentiated, source: Array(request.source.utf8))
        rendered.row = row.map { (index: $0, shape: graph.output.shape) }
        return wantsJSON ? rendered.json().serialized + "\n" : rendered.text()
    }

    /// The text of a trace, for `run --trace-backward`: leaves are named by `leaves`.
    static func text(of trace: BackwardTrace, leaves: [(name: String, variable: Variable)], source: [UInt8]) -> String {
        Rendered(trace: trace, leaves: leaves, source: source).text()
    }

    /// Removes `--row N` (or `--row=N`) from the arguments and returns N: the output element
    /// whose gradient row of the Jacobian the trace follows.
    static func takeRow(_ arguments: inout [String]) throws -> Int? {
        let end = arguments.firstIndex(of: "--") ?? arguments.count
        var value: String?
        if let i = arguments[..<end].firstIndex(of: "--row") {
            guard i + 1 < end else { throw GradcliError.usage("Missing value for '--row <n>'", of: "trace") }
            value = arguments[i + 1]
            arguments.removeSubrange(i...(i + 1))
        } else if let i = arguments[..<end].firstIndex(where: { $0.hasPrefix("--row=") }) {
            value = String(arguments[i].dropFirst("--row=".count))
            arguments.remove(at: i)
        }
        guard let value else { return nil }
        guard let n = Int(value) else {
            throw GradcliError.usage("--row takes an output element's index (0, 1, ...), not '\(value)'", of: "trace")
        }
        guard n >= 0 else { throw GradcliError.value("trace: --row \(n) is out of range: rows count from 0") }
        return n
    }

    /// The gradient that selects output element `row` (row-major): row `row` of the Jacobian.
    static func oneHot(_ row: Int, of shape: [Int]) throws -> Variable {
        let count = Tensor.count(of: shape)
        guard row < count else {
            throw GradcliError.value("trace: --row \(row) is out of range for an output of shape \(describe(shape: shape)) (\(count) elements, rows 0 to \(count - 1))")
        }
        var t = Tensor.zeros(shape)
        t.data[row] = 1
        return Variable(t)
    }

    static let help = """
    OVERVIEW: Trace the backward pass of EXPR step by step.

    USAGE: gradcli trace <expr> [<name=value> ...] [--grad-output <value> | --row <n>] [--wrt <names>] [--json]

    Prints the forward nodes (each after the nodes that feed it), then the backward sweep in the
    engine's order: each node's incoming gradient, its VJP rule, the gradient sent to each input
    and, for an input reached twice, the `+=` with the running total; then each leaf's .grad.
    A node whose inputs sit at a kink or tie names the value gradcli (as PyTorch) uses there and
    what JAX returns ('gradcli help conventions'). --row N traces row N of the Jacobian: the
    backward pass of output element N (row-major), for an output with more than one element.
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
    /// The output element whose Jacobian row is traced (`--row`), with the output's shape.
    var row: (index: Int, shape: [Int])?

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

    /// The source line of the node's range with a caret under the range, as a diagnostic shows
    /// it; nil when the node has no range or its line is too long to be read that way.
    func caret(_ fn: GradFn) -> [String]? {
        guard let tag = fn.tag, tag.start >= 0, tag.end <= source.count, tag.start < tag.end else { return nil }
        let lineStart = source[..<tag.start].lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        let lineEnd = source[tag.start...].firstIndex(of: UInt8(ascii: "\n")) ?? source.count
        guard lineEnd - lineStart <= 120 else { return nil }
        let line = String(decoding: source[lineStart..<lineEnd], as: UTF8.self)
        let column = String(decoding: source[lineStart..<tag.start], as: UTF8.self).count
        let width = max(1, String(decoding: source[tag.start..<min(tag.end, lineEnd)], as: UTF8.self).count)
        let indent = "      "
        return [indent + line, indent + String(repeating: " ", count: column) + "^" + String(repeating: "~", count: width - 1)]
    }

    /// The recorded kink conventions the node's inputs sit at (`gradcli help conventions`).
    func kinkNotes(_ fn: GradFn) -> [String] {
        ConventionsTable.notes(for: fn)
    }

    /// The traced output element as an index, `out[1, 0]`.
    var rowLabel: String? {
        guard let row else { return nil }
        var index: [Int] = [], rest = row.index
        for size in row.shape.reversed() { index.insert(rest % max(size, 1), at: 0); rest /= max(size, 1) }
        return "out[" + index.map(String.init).joined(separator: ", ") + "]"
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
            let underline = caret(fn)
            if underline == nil, let e = excerpt(fn) { line += "  from `\(e)`" }
            lines.append(line)
            lines += underline ?? []
        }
        if let row, let rowLabel {
            lines.append("backward of \(rowLabel), row \(row.index) of the Jacobian (the engine's order):")
        } else {
            lines.append("backward (the engine's order):")
        }
        for step in trace.backward {
            lines.append("  \(label(step.node))  incoming grad \(text(step.incoming))")
            lines.append("    rule: " + (step.node.spec.vjpRule.map { "\(step.node.name): \($0)" } ?? "no rule text recorded for \(step.node.name)"))
            for note in kinkNotes(step.node) { lines.append("    at a kink: " + note) }
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
                                  ("value", json(value)), ("source", excerpt(fn).map { .string($0) } ?? .null),
                                  ("source_range", fn.tag.map { .array([.integer($0.start), .integer($0.end)]) } ?? .null)]))
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
                                  ("rule", step.node.spec.vjpRule.map { .string($0) } ?? .null),
                                  ("kinks", .array(kinkNotes(step.node).map { .string($0) })), ("edges", .array(edges))]))
        }
        for leaf in leaves {
            steps.append(.object([("phase", .string("leaf")), ("name", .string(leaf.name)),
                                  ("grad", leaf.variable.grad.map { json($0.value) } ?? .null)]))
        }
        var fields: [(String, JSON)] = [("schema", .integer(1)), ("command", .string("trace"))]
        if let row { fields.append(("row", .integer(row.index))) }
        return .object(fields + [("steps", .array(steps))])
    }
}
