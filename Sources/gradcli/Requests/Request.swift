import Autograd
import ExprParser

/// One thing to compute: a command, a program and its inputs. The command line and each
/// line of a batch both become a `Request`, and both run through `Request.run`.
struct Request {
    var command: Command = .grad
    var source: String = ""
    /// Inputs in the order given; a later value for the same name replaces an earlier one.
    var inputs: [(name: String, value: Tensor)] = []
    var wrt: [String]?
    /// The gradient vector, as an expression that may use the inputs (`--grad-output m`).
    var gradOutput: String?
    var retainGrad: [String] = []
    /// Hand-derived derivatives by input name, as expressions of the inputs.
    var expects: [(name: String, expr: String)] = []
    var eps: Double?
    var rtol: Double?
    var atol: Double?
    /// For `check --expect`: NaN equals NaN at the same place (`--equal-nan`).
    var equalNaN = false
    /// The seed of the random stream that `rand`/`randn` in inputs and program draw from.
    var seed: UInt64 = 0
    /// The default floating dtype of the run (`--dtype`, batch `"dtype"`).
    var dtype: DType = .float64
    /// For `graph`: Graphviz DOT instead of a tree.
    var dot = false
    /// Warnings about the request itself, reported with its result.
    var notes: [Warning] = []
    /// Parsed programs to reuse, when many requests share expressions (batch).
    var programCache: ProgramCache?

    /// Sets an input, replacing an earlier value of the same name.
    mutating func setInput(_ name: String, _ value: Tensor) {
        if let i = inputs.firstIndex(where: { $0.name == name }) { inputs.remove(at: i) }
        inputs.append((name, value))
    }
}

/// A warning attached to a result, optionally pointing into the program.
struct Warning {
    let message: String
    var range: SourceRange?

    func json(source: String) -> JSON {
        var fields: [(String, JSON)] = [("message", .string(message))]
        if let range {
            let start = DiagnosticRenderer.lineColumn(of: range.start, in: source)
            let end = DiagnosticRenderer.lineColumn(of: range.end, in: source)
            fields += [("line", .integer(start.line)), ("column", .integer(start.column))]
            if end.line == start.line { fields.append(("end_column", .integer(end.column))) }
        }
        return .object(fields)
    }

    /// The warning on one line, with its place: for TAP and JUnit reports.
    func line(source: String) -> String {
        guard let range else { return message }
        let start = DiagnosticRenderer.lineColumn(of: range.start, in: source)
        return "\(message) (line \(start.line), column \(start.column))"
    }

    func text(source: String, color: Bool) -> String {
        guard let range else { return "warning: \(message)\n" }
        let diagnostic = Diagnostic(code: .valueError, message: message, range: range, severity: .warning)
        return DiagnosticRenderer.render(diagnostic, source: source, color: color)
    }
}

/// The graph a request built: the program's output and the leaves made from its inputs.
struct BuiltGraph {
    let output: Variable
    let leaves: [(name: String, variable: Variable)]
    let bindings: [(name: String, value: Variable)]
    let anomaly: AnomalyRecorder
    var warnings: [Warning]
    /// The elements of a tuple output (`eval` only).
    var tuple: [Variable]? = nil
    /// The dtype when the output is one (`x.dtype`, `eval` only).
    var dtype: DType? = nil

    /// The leaves gradients are taken with respect to.
    var differentiated: [(name: String, variable: Variable)] { leaves.filter { $0.variable.requiresGrad } }
}

extension Request {
    /// Parses the program, turns inputs into leaves and evaluates it once.
    /// The syntax tree is not kept: a long program's tree is freed before its backward pass.
    func build(recordGraph: Bool) throws -> BuiltGraph {
        let program = try parsedProgram()
        let names = inputs.map(\.name)
        for name in wrt ?? [] where !names.contains(name) {
            throw GradcliError.usage("--wrt names `\(name)`, which is not an input",
                                 hint: names.isEmpty ? "give it a value, e.g. \(name)=1" : "the inputs are " + names.joined(separator: ", "))
        }
        let leaves = inputs.map { input in
            (name: input.name, variable: Variable(input.value, requiresGrad: recordGraph && (wrt?.contains(input.name) ?? true)))
        }
        let anomaly = AnomalyRecorder()
        func evaluate() throws -> Evaluation {
            try GradcliError.mapping(source: source) {
                try GradMode.with(enabled: recordGraph) {
                    var evaluator = Evaluator(inputs: leaves.map { ($0.name, $0.variable) })
                    evaluator.allowsTupleOutput = command == .eval  // other commands need one tensor
                    return try evaluator.evaluate(program)
                }
            }
        }
        // The program runs without looking for NaN or infinity in each op's result; only when its
        // result holds one does it run again, from the same random state, with the recorder
        // watching, to name the op where the value first appeared.
        let generator = TorchGenerator.current, randomState = generator.snapshot()
        var evaluation = try evaluate()
        if !evaluation.isFinite {
            generator.restore(randomState)
            evaluation = try anomaly.watch { try evaluate() }
        }
        var warnings = evaluation.warnings.map { Warning(message: $0.message, range: $0.range) }
        if let origin = anomaly.forward {
            warnings.append(Warning(message: "\(origin.isNaN ? "NaN" : "an infinity") first appeared in the value of `\(origin.op)`",
                                    range: origin.tag.map { SourceRange(start: $0.start, end: $0.end) }))
        }
        return BuiltGraph(output: evaluation.output, leaves: leaves, bindings: evaluation.bindings,
                          anomaly: anomaly, warnings: warnings, tuple: evaluation.tupleOutput, dtype: evaluation.dtypeOutput)
    }

    /// The program, parsed (once per batch, when the batch's cache has it).
    func parsedProgram() throws -> Program {
        let source = self.source
        return try GradcliError.mapping(source: source) { try programCache?.program(for: source) ?? Program.parse(source) }
    }

    /// The gradient vector for backward: `--grad-output` evaluated with the inputs as constants.
    func gradOutputValue() throws -> Variable? {
        guard let gradOutput else { return nil }
        return Variable(try valueOf(gradOutput, context: "--grad-output"))
    }

    /// An expression of the inputs (`--grad-output m`, `--expect x=2*x`, or the shorthand
    /// `1,2`), evaluated with the inputs as constants.
    func valueOf(_ expression: String, context: String) throws -> Tensor {
        if let vector = Inputs.shorthand(expression) { return vector }
        let constants = inputs.map { (name: $0.name, value: Variable($0.value)) }
        return try GradcliError.mapping(source: expression, context: context) {
            let program = try Program.parse(expression)
            return try withNoGrad { try Evaluator(inputs: constants).evaluate(program).output.value }
        }
    }
}

/// Programs already parsed, by the exact bytes of their source (Swift's `String` equality is
/// canonical equivalence, under which `e\u{301}` and `\u{e9}` are equal, but their columns
/// differ). Batches repeat a few expressions many times; parsing each once saves most of the
/// front end's work. Bounded, so it cannot grow without limit.
final class ProgramCache {
    private var programs: [[UInt8]: Program] = [:]
    private let capacity = 1024

    func program(for source: String) throws -> Program {
        let key = Array(source.utf8)
        if let program = programs[key] { return program }
        let program = try Program.parse(source)
        if programs.count >= capacity { programs.removeAll(keepingCapacity: true) }
        programs[key] = program
        return program
    }
}
