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
        } catch {
            let failure = GradcliError.from(error)
            Output.err(Hints.improved(failure).text(color: Output.colorOnStderr))
            if wantsJSON { Output.out(failure.json.serialized + "\n") }
            return failure.exitStatus
        }
    }

    private static func run(_ invocation: Invocation, color: Bool) throws -> Int32 {
        if invocation.flag(.version) {
            Output.out(BuildInfo.text)
            return 0
        }
        if invocation.flag(.help) {
            Output.out(Help.text(for: invocation.commandWasGiven ? invocation.command : nil))
            return 0
        }
        if invocation.command != .help {
            MemoryBudget.limit = try memoryBudget(invocation)
            try setWorkBudget(invocation.value(.maxFlops), invocation.value(.timeout)) {
                GradcliError.usage($0, of: invocation.command)
            }
        }
        switch invocation.command {
        case .help:
            guard let topic = invocation.positionals.first else { Output.out(Help.text(for: nil)); return 0 }
            if topic == "functions" { Output.out(Help.functions); return 0 }
            if topic == "ops" { Output.out(OpsTable.markdown); return 0 }
            if topic == "conventions" { Output.out(ConventionsTable.text); return 0 }
            if topic == "trace" { Output.out(TraceCommand.help); return 0 }
            guard let command = Command(rawValue: topic) else {
                throw GradcliError.usage("Unknown command '\(topic)'", of: .help)
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
        let request = try makeRequest(invocation)
        if invocation.flag(.dumpAST) {
            let source = request.source
            Output.out(try GradcliError.mapping(source: source) { try Program.parse(source) }.sexpr + "\n")
            return 0
        }
        let report = try request.run()
        try reserveOutput(of: report)
        if invocation.flag(.json) {
            report.json.writeLine { Output.out(bytes: $0) }
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
        try GradcliError.mapping { try MemoryBudget.reserve(bytes: elements.multipliedReportingOverflow(by: 64).partialValue) }
    }

    /// `--max-memory BYTES`, or the default: a fraction of physical memory and of RLIMIT_AS.
    static func memoryBudget(_ invocation: Invocation) throws -> Int {
        guard let text = invocation.value(.maxMemory) else { return MemoryBudget.defaultLimit }
        return try OptionValues(spec: .spec(.maxMemory), command: invocation.command.rawValue).bytes(.word(text))
    }

    /// `--max-flops N` (or the default) and `--timeout SECONDS` (or none); `invalid` makes the
    /// usage error for a bad value, so every command reports it its own way.
    static func setWorkBudget(_ flops: String?, _ timeout: String?, invalid: (String) -> Error) throws {
        WorkBudget.limit = WorkBudget.defaultLimit
        WorkBudget.timeout = nil
        if let text = flops {
            guard let count = WorkBudget.parseCount(text) else {
                throw invalid("The value '\(text)' is invalid for '--max-flops <n>' (expected a count such as 1e9)")
            }
            WorkBudget.limit = count
        }
        if let text = timeout {
            guard let seconds = WorkBudget.parseSeconds(text) else {
                throw invalid("The value '\(text)' is invalid for '--timeout <seconds>' (expected a positive number such as 2.5)")
            }
            WorkBudget.timeout = seconds
        }
    }

    static func numberStyle(_ invocation: Invocation) throws -> NumberStyle {
        var style = NumberStyle()
        if let p = invocation.value(.precision) {
            guard !invocation.flag(.exact) else {
                throw GradcliError.usage("'--exact' and '--precision' cannot be used together", of: invocation.command)
            }
            style.precision = try OptionValues(spec: .spec(.precision), command: invocation.command.rawValue).integer(.word(p))
        } else if invocation.flag(.exact) {
            style.precision = nil
        }
        return style
    }

    private static func format(_ invocation: Invocation) throws -> String {
        guard let format = invocation.value(.format) else { return "text" }
        return try OptionValues(spec: .spec(.format), command: invocation.command.rawValue).choice(.word(format))
    }

    /// Collects the program, inputs and options of an expression command into a request.
    static func makeRequest(_ invocation: Invocation) throws -> Request {
        var request = Request()
        request.command = invocation.command
        var positionals = invocation.positionals[...]
        let programFromStdin = (invocation.value(.file) ?? invocation.positionals.first) == "-"
        if programFromStdin && invocation.value(.inputs) == "-" {
            throw GradcliError.usage("Standard input can be read only once: give the program or --inputs as a file", of: invocation.command)
        }
        if let file = invocation.value(.file) {
            request.source = try FileIO.readText(file)
        } else if let expr = positionals.popFirst() {
            request.source = expr == "-" ? try FileIO.readText("-") : expr
        } else {
            throw GradcliError.usage("Missing expected argument '<expr>'", of: invocation.command)
        }
        try request.readFields(files: .any, command: invocation.command) { spec in
            spec.kind == .flag ? (invocation.flag(spec.key) ? [.present] : []) : invocation.values(spec.key).map(GivenValue.word)
        }
        let set = OptionSpec.spec(.set)
        for argument in Array(positionals) + invocation.values(.set) {
            try request.apply(set, .word(argument), files: .any, command: invocation.command)
        }
        request.dot = invocation.flag(.dot)
        return request
    }
}
