import Autograd
import ExprParser
import Glibc

/// `gradcli run FILE.py` (or `run -` for stdin): runs a PyTorch program with the script
/// interpreter and prints what PyTorch prints. Exit status: 0, 1 for an uncaught exception (as
/// Python), 64 usage, 65 a syntax error or code outside the subset, 66 an unreadable file.
enum RunCommand {
    static let help = """
    OVERVIEW: Run a PyTorch autograd program (a subset of Python 3) and print what PyTorch prints.

    USAGE: gradcli run [--trace-backward] [--max-memory <bytes>] [--max-flops <n>] [--timeout <seconds>] <file.py>
           gradcli run -            (the program from stdin)

    The program is parsed whole before it runs: a syntax error, or Python outside the subset
    (classes, generators, imports other than torch), is reported with its place and exit 65.
    An uncaught exception prints Python's traceback on stderr and exits 1.
    --trace-backward writes the trace of every .backward() call to stderr, as `gradcli trace`
    shows it: the forward nodes, each node's incoming gradient and VJP rule, the gradient sent
    along each edge, the += at a node reached twice, and the module's leaves' .grad.
    --max-memory, --max-flops and --timeout bound the whole program as they bound one request of
    the other commands (by default: 3/4 of memory, no operation or time limit); past one, the
    operation raises a RuntimeError naming the limit.
    Supported: see "Running PyTorch programs" in the README.

    """

    /// Runs `arguments` (what follows `run`) and returns the exit status.
    static func main(_ given: [String]) -> Int32 {
        if given.contains("--help") || given.contains("-h") {
            Output.out(help)
            return 0
        }
        let arguments: [String], tracing: Bool
        do {
            (arguments, tracing) = try takeOptions(given)
        } catch {
            let failure = GradcliError.from(error)
            Output.err(failure.text(color: Output.colorOnStderr))
            return failure.exitStatus
        }
        if arguments.isEmpty && isatty(0) != 0 { return repl([]) }
        guard arguments.count == 1, let path = arguments.first else {
            Output.err("error: gradcli run takes one argument, the program file ('-' for stdin)\n\n" + help)
            return 64
        }
        let source: String
        let fileName: String
        if path == "-" {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = read(0, &buffer, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            source = String(decoding: bytes, as: UTF8.self)
            fileName = "<stdin>"
        } else {
            guard let text = readFile(path) else {
                Output.err("error: cannot read '\(path)': \(String(cString: strerror(errno)))\n")
                return 66
            }
            source = text
            fileName = path
        }
        let tracer: ScriptRunner.BackwardTracer? = tracing ? { trace, leaves, line in
            "trace of backward() at \(fileName):\(line):\n" + TraceCommand.text(of: trace, leaves: leaves, source: Array(source.utf8))
        } : nil
        return ScriptRunner.run(source: source, fileName: fileName, color: Output.wantsColor(2), traceBackward: tracer, endsProcess: true)
    }

    /// `arguments` without `run`'s options, which are applied: the trace flag and the budgets.
    static func takeOptions(_ given: [String]) throws -> (rest: [String], tracing: Bool) {
        let parsed = try AddedArguments(given, options: CommandCatalog.runOptions, command: "run")
        let values = parsed.values
        var budget = Invocation()
        budget.command = .eval
        budget.options = values[.maxMemory].map { [(.maxMemory, $0)] } ?? []
        MemoryBudget.limit = try GradCLI.memoryBudget(budget)
        try GradCLI.setWorkBudget(values[.maxFlops], values[.timeout]) { GradcliError.usage($0, of: "run") }
        if values[.maxFlops] == nil { WorkBudget.limit = Int.max }  // a program has no operation limit unless asked
        return (parsed.positionals, parsed.flags.contains(.traceBackward))
    }

    /// `gradcli repl`: the interactive session; prompts (`>>> `, `... `) when stdin is a terminal.
    static func repl(_ arguments: [String]) -> Int32 {
        guard arguments.isEmpty else {
            Output.err("error: gradcli repl takes no arguments\n")
            return 64
        }
        // On a terminal the line editor shows the prompts; otherwise lines are read plainly.
        if LineEditor.isAvailable {
            let editor = LineEditor()
            return ScriptRunner.repl(readLine: { editor.readLine() }, prompt: { editor.prompt = $0 })
        }
        let interactive = isatty(0) != 0
        return ScriptRunner.repl(readLine: { Swift.readLine(strippingNewline: true) },
                                 prompt: interactive ? { Output.out($0); Output.flush() } : nil)
    }

    private static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        if ferror(file) != 0 { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
