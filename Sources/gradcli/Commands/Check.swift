import Autograd
import ExprParser

/// One comparison of `check`: autograd's derivative against a hand-derived one (`expect`)
/// or against central finite differences (`gradcheck`).
struct CheckResult {
    let input: String
    let kind: String
    let passed: Bool
    let maxAbsError: Double
    let maxRelError: Double
    let worstIndex: [Int]
    let expected: Tensor
    let actual: Tensor
    /// Why a comparison failed before any number was compared (a shape mismatch).
    var problem: String?
}

/// A point where the one-sided differences disagree, and what autograd does there.
struct CheckKink {
    let input: String
    let index: [Int]
    let leftSlope: Double
    let rightSlope: Double
    let autograd: Double
    let consistent: Bool
}

/// Everything `check` found.
struct CheckReport {
    var results: [CheckResult] = []
    var kinks: [CheckKink] = []
    /// The conventions at kinks of the ops in the program, by op name.
    var conventions: [(op: String, text: String)] = []
    /// The recorded kink points (with JAX's value) that the program's ops sit at.
    var jaxNotes: [String] = []

    var passed: Bool { results.allSatisfy(\.passed) }

    var json: JSON {
        let results = self.results.map { r -> JSON in
            var fields: [(String, JSON)] = [
                ("input", .string(r.input)), ("kind", .string(r.kind)), ("passed", .bool(r.passed)),
                ("max_abs_error", JSON(Tensor(r.maxAbsError))), ("max_rel_error", JSON(Tensor(r.maxRelError))),
                ("worst_index", .array(r.worstIndex.map { .integer($0) })),
                ("expected", JSON(r.expected)), ("actual", JSON(r.actual)),
            ]
            if let problem = r.problem { fields.append(("problem", .string(problem))) }
            return .object(fields)
        }
        let kinks = self.kinks.map { k -> JSON in
            .object([("input", .string(k.input)), ("index", .array(k.index.map { .integer($0) })),
                     ("left_slope", JSON(Tensor(k.leftSlope))), ("right_slope", JSON(Tensor(k.rightSlope))),
                     ("autograd", JSON(Tensor(k.autograd))), ("consistent", .bool(k.consistent))])
        }
        return .object([("passed", .bool(passed)), ("results", .array(results)), ("kinks", .array(kinks))])
    }

    func text(style: NumberStyle) -> String {
        let n = style.string
        var out = ""
        for r in results {
            let label = r.passed ? "PASS" : "FAIL"
            if let problem = r.problem {
                out += "\(label)  d/d\(r.input)  \(r.kind)  \(problem)\n"
                continue
            }
            out += "\(label)  d/d\(r.input)  \(r.kind)  max abs error \(n(r.maxAbsError)), max rel error \(n(r.maxRelError))\n"
            if !r.passed, r.actual.count > 0 {
                let offset = r.worstIndex.enumerated().reduce(0) { $0 * r.actual.shape[$1.offset] + $1.element }
                let other = r.kind == "expect" ? "expected" : "finite differences"
                let place = r.worstIndex.isEmpty ? "" : "worst at \(describe(shape: r.worstIndex)): "
                out += "      \(place)autograd \(n(r.actual.data[offset])), \(other) \(n(r.expected.data[offset]))\n"
            }
        }
        for k in kinks {
            out += "KINK  d/d\(k.input) at \(describe(shape: k.index)): one-sided slopes \(n(k.leftSlope)) (left) and \(n(k.rightSlope)) (right); autograd uses \(n(k.autograd))"
            out += k.consistent ? ", PyTorch's convention at a kink\n" : ", which lies outside both slopes\n"
        }
        if !kinks.isEmpty {
            for (op, text) in conventions { out += "      \(op): \(text)\n" }
            for note in jaxNotes { out += "      \(note)\n" }
        }
        let failed = results.filter { !$0.passed }.count
        out += "\(results.count - failed) passed, \(failed) failed\n"
        return out
    }
}

extension Request {
    func runCheck() throws -> Report {
        let graph = try build(recordGraph: true)
        var report = report(of: graph)
        var check = CheckReport()
        let differentiated = graph.differentiated
        guard !differentiated.isEmpty else {
            throw GradcliError.usage("nothing to check: no input is differentiated",
                                 hint: "give the inputs as NAME=VALUE, e.g. `gradcli check 'x^2' x=3`")
        }
        if expects.isEmpty {
            var skipped: [String] = []
            check = try gradcheckAll(graph, skipped: &skipped)
            if check.results.isEmpty {
                let names = skipped.map { "`\($0)`" }.joined(separator: ", ")
                throw GradcliError.usage("nothing to check: " + names + (skipped.count == 1
                                         ? " reaches the output only as an argument that is not differentiated"
                                         : " reach the output only as arguments that are not differentiated"),
                                     hint: "check an input gradients flow to, e.g. the loss's input")
            }
            report.warnings += skipped.map {
                Warning(message: "input `\($0)` is not checked: it \(Request.reachesOnlyUndifferentiated)")
            }
        } else {
            for (name, expr) in expects {
                guard let leaf = differentiated.first(where: { $0.name == name })?.variable else {
                    throw GradcliError.usage("--expect names `\(name)`, which is not a differentiated input",
                                         hint: "the differentiated inputs are " + differentiated.map(\.name).joined(separator: ", "))
                }
                check.results.append(try compareExpected(name: name, expr: expr, leaf: leaf, graph: graph))
            }
        }
        (check.conventions, check.jaxNotes) = conventions(in: graph.output)
        report.check = check
        return report
    }

    /// Autograd's derivative with respect to `leaf`: the gradient (scalar output), the
    /// vector-Jacobian product (with --grad-output) or the full Jacobian.
    private func derivative(of output: Variable, wrt leaf: Variable) throws -> Tensor {
        try GradcliError.mapping(source: source) {
            let v = try gradOutputValue()
            if v == nil && output.value.count != 1 { return try jacobian(of: output, wrt: [leaf])[0] }
            guard output.requiresGrad else { return Tensor.zeros(leaf.shape) }
            let g = try grad(outputs: [output], inputs: [leaf], gradOutputs: [v], retainGraph: true, allowUnused: true)[0]
            return g?.value.reshaped(leaf.shape) ?? Tensor.zeros(leaf.shape)
        }
    }

    private func compareExpected(name: String, expr: String, leaf: Variable, graph: BuiltGraph) throws -> CheckResult {
        let actual = try derivative(of: graph.output, wrt: leaf)
        let expected = try valueOf(expr, context: "--expect \(name)")
        let options = GradcheckOptions(atol: atol ?? 1e-9, rtol: rtol ?? 1e-7, equalNaN: equalNaN)
        guard expected.shape == actual.shape || (expected.count == 1 && actual.count == 1) else {
            return CheckResult(input: name, kind: "expect", passed: false, maxAbsError: .nan, maxRelError: .nan, worstIndex: [],
                               expected: expected, actual: actual,
                               problem: "the expected derivative has shape \(describe(shape: expected.shape)), but autograd's has shape \(describe(shape: actual.shape))")
        }
        var stats = ToleranceStats()
        for i in 0..<actual.count { stats.add(offset: i, actual.data[i], expected.data[i], options) }
        let c = stats.result(shape: actual.shape)
        return CheckResult(input: name, kind: "expect", passed: c.passed, maxAbsError: c.maxAbsError, maxRelError: c.maxRelError,
                           worstIndex: c.worstIndex, expected: expected.reshaped(actual.shape), actual: actual)
    }

    /// gradcheck of every differentiated input: the program is re-evaluated at shifted inputs.
    /// Inputs that reach the output only as arguments no gradient flows to are left out and
    /// named in `skipped`.
    private func gradcheckAll(_ graph: BuiltGraph, skipped: inout [String]) throws -> CheckReport {
        let names = graph.leaves.map(\.name)
        let notDifferentiated = try inputsWithoutGradient(graph)
        skipped = notDifferentiated.map { names[$0] }
        let wrt = graph.leaves.indices.filter { graph.leaves[$0].variable.requiresGrad && !notDifferentiated.contains($0) }
        var options = GradcheckOptions(equalNaN: equalNaN)
        if let eps { options.eps = eps }
        if let rtol { options.rtol = rtol }
        if let atol { options.atol = atol }
        let program = try parsedProgram()
        let seed = try gradOutputValue()
        if let seed {
            do { try checkGradOutput(seed, for: graph.output) } catch let error as OpError {
                throw GradcliError.from(error).with(hint: "--grad-output must have the output's shape \(describe(shape: graph.output.shape))")
            }
        }
        let source = self.source
        let result = try GradcliError.mapping(source: source) {
            try gradcheck({ leaves in
                let output = try Evaluator(inputs: Array(zip(names, leaves)).map { ($0.0, $0.1) }).evaluate(program).output
                // With --grad-output, check the vector-Jacobian product <v, output>.
                guard let seed else { return output }
                return try (output * seed).sum()
            }, at: graph.leaves.map(\.variable.value), wrt: wrt, options: options)
        }
        var check = CheckReport()
        for r in result.inputs {
            check.results.append(CheckResult(input: names[r.input], kind: "gradcheck", passed: r.passed,
                                             maxAbsError: r.maxAbsError, maxRelError: r.maxRelError, worstIndex: r.worstIndex,
                                             expected: r.numerical, actual: r.analytical))
        }
        check.kinks = result.kinks.map {
            CheckKink(input: names[$0.input], index: $0.index, leftSlope: $0.leftSlope, rightSlope: $0.rightSlope,
                      autograd: $0.analytical, consistent: $0.isConsistent)
        }
        return check
    }

    /// The differentiated leaves (by index) that the output depends on only through arguments
    /// autograd does not differentiate, such as class indices or a loss weight: PyTorch refuses
    /// to differentiate those, and finite differences through them would compare nothing.
    private func inputsWithoutGradient(_ graph: BuiltGraph) throws -> [Int] {
        let output = graph.output
        guard output.requiresGrad else { return [] }
        let leaves = graph.leaves.map(\.variable)
        let ones = Variable(Tensor(repeating: 1, shape: output.shape))
        let grads = try GradcliError.mapping(source: source) {
            try grad(outputs: [output], inputs: leaves, gradOutputs: [ones], retainGraph: true, allowUnused: true)
        }
        return leaves.indices.filter { grads[$0] == nil && leaves[$0].requiresGrad && dependsOn(output, leaves[$0]) }
    }

    /// The kink conventions of the ops in the graph, once each, in graph order, and the recorded
    /// points (`gradcli help conventions`) the graph's nodes sit at: one walk for both.
    private func conventions(in output: Variable) -> (texts: [(op: String, text: String)], recorded: [String]) {
        var seen = Set<String>()
        var found: [(op: String, text: String)] = []
        var recorded: [String] = []
        var stack = output.gradFn.map { [$0] } ?? []
        var visited = Set<ObjectIdentifier>()
        while let fn = stack.popLast() {
            guard visited.insert(ObjectIdentifier(fn)).inserted else { continue }
            if let kinks = fn.spec.kinks, seen.insert(fn.spec.name).inserted { found.append((fn.spec.name, kinks)) }
            for note in ConventionsTable.notes(for: fn) where !recorded.contains(note) { recorded.append(note) }
            stack += fn.inputs.compactMap(\.gradFn)
        }
        return (found, recorded)
    }
}
