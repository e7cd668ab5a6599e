import Autograd
import Glibc
import ExprParser

/// The command line: arguments in, text or JSON out, an exit code back.
enum GradCLI {
    /// Runs the tool with `arguments` (without the program name) and returns the exit code.
    static func main(_ arguments: [String]) -> Int32 {
        Output.guardStandardStreams()
        // Past `ulimit -f`, a write fails with EFBIG and is reported (exit 74; a batch worker's
        // records are then run again by the parent), instead of SIGXFSZ killing the process.
        signal(SIGXFSZ, SIG_IGN)
        return Output.finish(runReportingErrors(arguments))
    }

    private static func runReportingErrors(_ givenArguments: [String]) -> Int32 {
        if givenArguments.first == "run" { return RunCommand.main(Array(givenArguments.dropFirst())) }
        if givenArguments.first == "trace" { return TraceCommand.main(Array(givenArguments.dropFirst())) }
        if givenArguments.first == "repl" { return RunCommand.repl(Array(givenArguments.dropFirst())) }
        let wantsJSON = givenArguments.prefix { $0 != "--" }.contains { $0 == "--json" || $0.hasPrefix("--json=") }
        var arguments = givenArguments
        do {
            arguments = try Terminal.takeColorOption(givenArguments)
            let color = Terminal.wantsColor(2)
            Output.colorOnStderr = color
            if let status = try AddedCommands.run(arguments, color: color) { return status }
            let invocation = try Invocation.parse(arguments)
            try Hints.check(invocation)
            return try run(invocation, color: color)
        } catch let error as UsageError {
            Output.err(Help.usageError(Hints.improved(error)))
            if wantsJSON { Output.out(CLIError.usage(error.message).json.serialized + "\n") }
            return 64
        } catch {
            let failure = cliError(error)
            Output.err(failure.text)
            if wantsJSON { Output.out(failure.json.serialized + "\n") }
            return failure.exitCode
        }
    }

    /// Any error as the CLI reports it.
    static func cliError(_ error: Error) -> CLIError {
        switch error {
        case let e as CLIError: return e
        case let e as OpError: return CLIError(e)
        case let e as UsageError: return CLIError.usage(e.message)
        default: return CLIError(code: "internal_error", message: "unexpected error: \(error)")
        }
    }

    private static func run(_ invocation: Invocation, color: Bool) throws -> Int32 {
        if invocation.flag("--version") {
            Output.out(BuildInfo.text)
            return 0
        }
        if invocation.flag("--help") {
            Output.out(Help.text(for: invocation.commandWasGiven ? invocation.command : nil))
            return 0
        }
        if invocation.command != .help { MemoryBudget.limit = try memoryBudget(invocation) }
        switch invocation.command {
        case .help:
            guard let topic = invocation.positionals.first else { Output.out(Help.text(for: nil)); return 0 }
            if topic == "functions" { Output.out(Help.functions); return 0 }
            if topic == "trace" { Output.out(TraceCommand.help); return 0 }
            guard let command = Command(rawValue: topic) else {
                throw UsageError(message: "Unknown command '\(topic)'", command: .help)
            }
            Output.out(Help.text(for: command))
            return 0
        case .batch:
            if (invocation.positionals.first ?? "-") == "-" { Terminal.hintIfReadingTerminal("batch", what: "JSON Lines requests") }
            return try Batch.run(invocation)
        default:
            return try runExpression(invocation, color: color)
        }
    }

    private static func runExpression(_ invocation: Invocation, color: Bool) throws -> Int32 {
        // Output options are checked before any work, in every output mode.
        let style = try numberStyle(invocation)
        let torch = try format(invocation) == "torch"
        var request = try makeRequest(invocation, color: color)
        if invocation.flag("--dump-ast") {
            do { Output.out(try Program.parse(request.source).sexpr + "\n") } catch let d as Diagnostic {
                throw CLIError(d, source: request.source, color: color)
            }
            return 0
        }
        request.color = color
        let report = try request.run()
        try reserveOutput(of: report)
        if invocation.flag("--json") {
            Output.out(bytes: report.json.serializedLine)
        } else {
            Output.out(TerminalText.escape(torch ? TorchFormat.report(report) : report.text(style: style)))
            for warning in report.warnings { Output.err(warning.text(source: request.source, color: color)) }
        }
        return report.exitCode
    }

    /// Reserves, in the memory budget, room for writing `report`: its JSON tree and text
    /// take at most about 64 bytes per number.
    static func reserveOutput(of report: Report) throws {
        var elements = report.value?.count ?? 0
        for entry in report.grads + report.retained + report.jacobian { elements += entry.value.count }
        for row in report.hessian { for block in row.blocks { elements += block.value.count } }
        do { try MemoryBudget.reserve(bytes: elements.multipliedReportingOverflow(by: 64).partialValue) } catch let error as OpError {
            throw CLIError(error)
        }
    }

    /// `--max-memory BYTES`, or the default: a fraction of physical memory and of RLIMIT_AS.
    private static func memoryBudget(_ invocation: Invocation) throws -> Int {
        guard let text = invocation.value("--max-memory") else { return MemoryBudget.defaultLimit }
        guard let bytes = MemoryBudget.parseBytes(text) else {
            throw UsageError(message: "The value '\(text)' is invalid for '--max-memory <bytes>' (expected a size such as 512M or 4G)", command: invocation.command)
        }
        return bytes
    }

    private static func numberStyle(_ invocation: Invocation) throws -> NumberStyle {
        var style = NumberStyle()
        if let p = invocation.value("--precision") {
            guard !invocation.flag("--exact") else {
                throw UsageError(message: "'--exact' and '--precision' cannot be used together", command: invocation.command)
            }
            guard let digits = Int(p), (1...17).contains(digits) else {
                throw UsageError(message: "The value '\(p)' is invalid for '--precision <n>' (expected 1 to 17)", command: invocation.command)
            }
            style.precision = digits
        } else if invocation.flag("--exact") {
            style.precision = nil
        }
        return style
    }

    private static func format(_ invocation: Invocation) throws -> String {
        let format = invocation.value("--format") ?? "text"
        guard format == "text" || format == "torch" else {
            throw UsageError(message: "The value '\(format)' is invalid for '--format <text|torch>'", command: invocation.command)
        }
        return format
    }

    /// Collects the program, inputs and options of an expression command into a request.
    static func makeRequest(_ invocation: Invocation, color: Bool) throws -> Request {
        var request = Request()
        request.command = invocation.command
        var positionals = invocation.positionals[...]
        let programFromStdin = (invocation.value("--file") ?? invocation.positionals.first) == "-"
        if programFromStdin && invocation.value("--inputs") == "-" {
            throw UsageError(message: "Standard input can be read only once: give the program or --inputs as a file", command: invocation.command)
        }
        if let file = invocation.value("--file") {
            request.source = try FileIO.readText(file)
        } else if let expr = positionals.popFirst() {
            request.source = expr == "-" ? try FileIO.readText("-") : expr
        } else {
            throw UsageError(message: "Missing expected argument '<expr>'", command: invocation.command)
        }
        let seedText = invocation.value("--seed") ?? "0"
        // torch.manual_seed's range: -2^63 ... 2^64 - 1, negative seeds wrapping to 64 bits.
        let seed: UInt64
        switch TorchGenerator.seed(fromInteger: seedText) {
        case .success(let value)?: seed = value
        case .failure(let error)?: throw CLIError.value("--seed \(seedText): \(error.message)")
        case nil: throw UsageError(message: "The value '\(seedText)' is invalid for '--seed <n>'", command: invocation.command)
        }
        request.seed = seed
        // The default dtype first: inputs are read in it.
        request.dtype = try Request.defaultDType(named: invocation.value("--dtype") ?? "float64", place: "--dtype")
        DefaultDType.current = request.dtype
        // One random stream per run, seeded once: inputs draw from it in the order given,
        // then the program continues it.
        manualSeed(seed)
        if let path = invocation.value("--inputs") {
            let text = try FileIO.readText(path)
            let json: JSON
            do { json = try JSONParser.parse(text) } catch let e as JSONError {
                throw CLIError.value("\(path == "-" ? "<stdin>" : path):\(e.line):\(e.column): \(e.message)")
            }
            guard case .object(let pairs) = json else { throw CLIError.value("--inputs must hold a JSON object of name -> value") }
            for (name, value) in pairs {
                guard Inputs.isIdentifier(name) else { throw CLIError.value("--inputs: '\(name)' is not a valid input name") }
                request.setInput(name, try Inputs.tensor(fromJSON: value, name: name, color: color, files: .any))
            }
        }
        for argument in Array(positionals) + invocation.values("--set") {
            let (name, text) = try Inputs.assignment(argument)
            request.setInput(name, try Inputs.tensor(from: text, name: name, color: color, files: .any))
        }
        if let wrt = invocation.value("--wrt") {
            request.wrt = wrt.split(separator: ",").map { $0.trimmingSpaces }.filter { !$0.isEmpty }
            guard request.wrt?.isEmpty == false else {
                throw UsageError(message: "The value '\(wrt)' is invalid for '--wrt <names>' (expected input names)", command: invocation.command)
            }
        }
        request.gradOutput = invocation.value("--grad-output")
        request.retainGrad = invocation.values("--retain-grad")
        request.expects = try invocation.values("--expect").map { try Inputs.assignment($0) }.map { ($0.name, $0.value) }
        request.dot = invocation.flag("--dot")
        request.equalNaN = invocation.flag("--equal-nan")
        // Plain assignments rather than a loop over key paths, which cost the runtime more to
        // instantiate than a whole small run.
        func positive(_ option: String) throws -> Double? {
            guard let text = invocation.value(option) else { return nil }
            guard let x = Double(text), x > 0, x.isFinite else {
                throw UsageError(message: "The value '\(text)' is invalid for '\(option) <x>' (expected a positive number)", command: invocation.command)
            }
            return x
        }
        if let x = try positive("--eps") { request.eps = x }
        if let x = try positive("--rtol") { request.rtol = x }
        if let x = try positive("--atol") { request.atol = x }
        return request
    }
}
