/// The subcommands, with the text their help shows.
enum Command: String, CaseIterable {
    case grad, eval, jacobian, hessian, check, batch, graph, help

    var abstract: String {
        switch self {
        case .grad: return "Evaluate EXPR and print its value and the gradient of each input (the default command)."
        case .eval: return "Evaluate EXPR and print its value; no graph is recorded."
        case .jacobian: return "Print the full Jacobian of EXPR with respect to each input (rows = outputs)."
        case .hessian: return "Print the Hessian of a scalar EXPR with respect to each pair of inputs."
        case .check: return "Check hand-derived derivatives (--expect) or autograd against finite differences."
        case .batch: return "Run JSON Lines requests, one JSON line out per request, in input order."
        case .graph: return "Print the computational graph of EXPR as a tree of grad_fn nodes, or as Graphviz DOT."
        case .help: return "Show help for gradcli or one of its commands."
        }
    }

    var usage: String {
        switch self {
        case .batch: return "gradcli batch [<file>] [--jobs <n>] [--tap] [--junit <file>] [--allow-files <dir>]"
        case .help: return "gradcli help [<command>]"
        case .grad: return "gradcli [grad] <expr> [<name=value> ...] [<options>]"
        default: return "gradcli \(rawValue) <expr> [<name=value> ...] [<options>]"
        }
    }

    var examples: [String] {
        switch self {
        case .grad: return ["gradcli 'mean(3*(a+3)^2)' a=2,3",
                            "gradcli 'mse_loss(x*w + b, y)' x=5 y=0 w=1 b=3 --wrt w,b",
                            "gradcli '[m[0]^2, m[1]^3]' m=2,3 --grad-output 1,1 --json"]
        case .eval: return ["gradcli eval 'softmax(x, dim=0)' x=1,2,3", "gradcli eval 'det(A)' A='[[1,2],[3,4]]'"]
        case .jacobian: return ["gradcli jacobian '[m[0]^2 + 3*m[1], m[1]^2 + 2*m[0]]' m=2,3"]
        case .hessian: return ["gradcli hessian 'x[0]^2 * x[1] + sin(y)' x=1,2 y=0.5"]
        case .check: return ["gradcli check 'x^3*sin(x)' x=1.5 --expect 'x=3*x^2*sin(x) + x^3*cos(x)'",
                             "gradcli check 'relu(x)' x=0,1 --atol 1e-6"]
        case .batch: return ["gradcli batch samples/checks.jsonl", "gradcli batch - --jobs 1 < requests.jsonl"]
        case .graph: return ["gradcli graph 'b = a + 3; c = b*b*3; c.mean()' a=2,3", "gradcli graph 'tanh(x @ w)' x=1,2 w='ones(2,2)' --dot | dot -Tsvg"]
        case .help: return ["gradcli help jacobian"]
        }
    }
}

/// One command-line option: its spellings, the value it takes, its help and where it applies.
struct OptionSpec {
    let names: [String]
    let value: String?
    let help: String
    let commands: Set<Command>

    static let expressionCommands: Set<Command> = [.grad, .eval, .jacobian, .hessian, .check, .graph]
    static let all = Set(Command.allCases)

    /// Every option, in the order help lists them.
    static let table: [OptionSpec] = [
        OptionSpec(names: ["-f", "--file"], value: "file", help: "Read the program from <file> ('-' for stdin) instead of <expr>.", commands: expressionCommands),
        OptionSpec(names: ["--set"], value: "name=value", help: "Set an input (same as a <name=value> argument).", commands: expressionCommands),
        OptionSpec(names: ["--inputs"], value: "file", help: "Read inputs from a JSON object of name -> value ('-' for stdin).", commands: expressionCommands),
        OptionSpec(names: ["--wrt"], value: "names", help: "Differentiate only with respect to these inputs (comma-separated); the rest are constants.", commands: [.grad, .jacobian, .hessian, .check, .graph]),
        OptionSpec(names: ["-g", "--grad-output"], value: "value", help: "The gradient vector for a non-scalar output (its shape must equal the output's).", commands: [.grad, .check]),
        OptionSpec(names: ["--retain-grad"], value: "name", help: "Also report the gradient of the intermediate binding <name> (repeatable).", commands: [.grad]),
        OptionSpec(names: ["--expect"], value: "name=expr", help: "The hand-derived derivative with respect to input <name> (repeatable).", commands: [.check]),
        OptionSpec(names: ["--eps"], value: "x", help: "Finite-difference step (default 1e-6).", commands: [.check]),
        OptionSpec(names: ["--rtol"], value: "x", help: "Relative tolerance (default 1e-3 for gradcheck, 1e-7 for --expect).", commands: [.check]),
        OptionSpec(names: ["--atol"], value: "x", help: "Absolute tolerance (default 1e-5 for gradcheck, 1e-9 for --expect).", commands: [.check]),
        OptionSpec(names: ["--equal-nan"], value: nil, help: "With --expect, a NaN matches a NaN at the same place (otherwise NaN never passes).", commands: [.check]),
        OptionSpec(names: ["--seed"], value: "n", help: "torch.manual_seed(n) for rand, randn and the other random factories (default 0).", commands: expressionCommands),
        OptionSpec(names: ["--dtype"], value: "float64|float32", help: "The default dtype of inputs, Python floats and factories (default float64).", commands: expressionCommands),
        OptionSpec(names: ["--json"], value: nil, help: "Print one JSON object (schema 1) instead of text.", commands: expressionCommands),
        OptionSpec(names: ["--format"], value: "text|torch", help: "Text layout: gradcli's own (default) or as PyTorch prints tensors.", commands: expressionCommands),
        OptionSpec(names: ["--precision"], value: "n", help: "Significant digits in text output (default 6).", commands: expressionCommands),
        OptionSpec(names: ["--exact"], value: nil, help: "Print numbers in text output in full (shortest round-trip form).", commands: expressionCommands),
        OptionSpec(names: ["--dot"], value: nil, help: "Print the graph as Graphviz DOT.", commands: [.graph]),
        OptionSpec(names: ["--dump-ast"], value: nil, help: "Print the parsed program as an S-expression and exit.", commands: expressionCommands),
        OptionSpec(names: ["-j", "--jobs"], value: "n", help: "Run requests on <n> worker processes (default: one per CPU, at most 8); the output is the same.", commands: [.batch]),
        OptionSpec(names: ["--tap"], value: nil, help: "Write a TAP version 14 report of the requests to stdout instead of JSON Lines.", commands: [.batch]),
        OptionSpec(names: ["--junit"], value: "file", help: "Also write a JUnit XML report of the requests to <file>.", commands: [.batch]),
        OptionSpec(names: ["--allow-files"], value: "dir", help: "Let requests read '@path' input files, but only regular files under <dir> (without it, none).", commands: [.batch]),
        OptionSpec(names: ["--max-memory"], value: "bytes", help: "The memory budget, e.g. 512M or 4G (default: 3/4 of physical memory or of the address-space limit, the smaller).", commands: expressionCommands.union([.batch])),
        OptionSpec(names: ["--max-flops"], value: "n", help: "The work budget per request in floating-point operations, e.g. 1e9 (default 1e11); checked before each operation runs.", commands: expressionCommands.union([.batch])),
        OptionSpec(names: ["--timeout"], value: "seconds", help: "The time limit per request, checked between operations (default: none).", commands: expressionCommands.union([.batch])),
        OptionSpec(names: ["-h", "--help"], value: nil, help: "Show help information.", commands: all),
        OptionSpec(names: ["--version"], value: nil, help: "Show the version.", commands: all),
    ]

    static func lookup(_ name: String) -> OptionSpec? { table.first { $0.names.contains(name) } }
}

/// A usage error: bad arguments. Exit code 64.
struct UsageError: Error {
    let message: String
    let command: Command
}

/// Everything the command line asked for.
struct Invocation {
    var command: Command = .grad
    var commandWasGiven = false
    var positionals: [String] = []
    /// Option values by canonical name (the long spelling), in order given.
    var options: [(name: String, value: String?)] = []

    func flag(_ name: String) -> Bool { options.contains { $0.name == name } }
    func value(_ name: String) -> String? { options.last { $0.name == name }?.value ?? nil }
    func values(_ name: String) -> [String] { options.filter { $0.name == name }.compactMap(\.value) }

    /// Parses arguments as swift-argument-parser does: `--x v` and `--x=v`, `--` ends options,
    /// and an argument that starts with `-` but reads as a number or an expression is a value.
    static func parse(_ arguments: [String]) throws -> Invocation {
        var invocation = Invocation()
        var rest = arguments[...]
        if let first = rest.first, let command = Command(rawValue: first) {
            invocation.command = command
            invocation.commandWasGiven = true
            rest = rest.dropFirst()
        }
        var optionsEnded = false
        while let argument = rest.popFirst() {
            if optionsEnded || !looksLikeOption(argument) {
                invocation.positionals.append(argument)
                continue
            }
            if argument == "--" { optionsEnded = true; continue }
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                name = String(argument[..<eq])
                inlineValue = String(argument[argument.index(after: eq)...])
            }
            guard let spec = OptionSpec.lookup(name) else {
                throw UsageError(message: "Unknown option '\(name)'", command: invocation.command)
            }
            let canonical = spec.names.first { $0.hasPrefix("--") } ?? spec.names[0]
            if canonical == "--help" || canonical == "--version" {
                invocation.options.append((canonical, nil))
                continue
            }
            guard spec.commands.contains(invocation.command) else {
                throw UsageError(message: "The option '\(name)' does not apply to '\(invocation.command.rawValue)'", command: invocation.command)
            }
            if spec.value == nil {
                if inlineValue != nil { throw UsageError(message: "The flag '\(name)' does not take a value", command: invocation.command) }
                invocation.options.append((canonical, nil))
            } else if let value = inlineValue ?? rest.popFirst() {
                invocation.options.append((canonical, value))
            } else {
                throw UsageError(message: "Missing value for '\(name) <\(spec.value!)>'", command: invocation.command)
            }
        }
        return invocation
    }

    /// `-x` and `--name` are options; `-`, `-3`, `-.5`, `-x^2` and `a=-1` are values.
    static func looksLikeOption(_ argument: String) -> Bool {
        guard argument.hasPrefix("-"), argument.count > 1 else { return false }
        if argument == "--" { return true }
        let body = argument.drop { $0 == "-" }
        guard let first = body.first, first.isLetter else { return false }
        if argument.hasPrefix("--") { return true }
        // A short option is one of the known letters; anything else (`-x`, `-x^2`) is an expression.
        return argument.count == 2 && OptionSpec.lookup(argument) != nil
    }
}
