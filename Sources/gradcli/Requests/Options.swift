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
        case .batch: return "gradcli batch [<file>] [--jobs <n>] [--tap] [--junit <file>] [--quiet] [--allow-files <dir>]"
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

/// Every option and request field by name: a misspelt key is a compile error, not a nil.
enum OptionKey: CaseIterable {
    case file, set, inputs, wrt, gradOutput, retainGrad, expect, eps, rtol, atol, equalNaN, seed, dtype
    case json, format, precision, exact, dot, dumpAST, jobs, tap, quiet, junit, allowFiles, maxMemory, maxFlops, timeout
    case help, version, color, command, points, svg, width, height, traceBackward, row
}

/// What an option's value is, and so how it is read and checked (`OptionValues`).
enum ValueKind: Equatable {
    /// No value: present or not (`true`/`false` in a batch request).
    case flag
    /// Any text: a path, an expression, a name.
    case text
    /// One of a few words, listed in the option's placeholder (`text|torch`).
    case choice
    /// A finite number greater than zero.
    case positiveNumber
    /// An integer in a range.
    case integer(ClosedRange<Int>)
    /// torch.manual_seed's range: -2^63 ... 2^64 - 1, negative seeds wrapping to 64 bits.
    case seed
    /// A floating default dtype, by PyTorch's names.
    case dtype
    /// Input names: comma-separated on the command line, an array of strings in a batch request.
    case names
    /// `NAME=VALUE` on the command line, an object of name -> value in a batch request.
    case assignment
    /// A size in bytes, such as 512M or 4G.
    case bytes
}

/// One option of the command line, and where it is also a field of a batch request, that
/// field: its spellings, its value, its default, its help and the commands it applies to.
/// Help, the manual page, the completions, the command-line parser and the batch request
/// reader are all built from `OptionSpec.table`.
struct OptionSpec {
    let key: OptionKey
    let names: [String]
    /// The value's placeholder in help (`file`, `text|torch`); nil for a flag.
    let value: String?
    let kind: ValueKind
    /// The value when none is given, shown in help as "(default ...)".
    var defaultValue: String? = nil
    let help: String
    /// The commands that take the option. An array, not a set: a set of an enum is made at
    /// run time by a search of the binary's conformances for the enum's Hashable, which every
    /// start would pay for a handful of elements.
    let commands: [Command]
    /// The name of the same field in a batch request, when it is one.
    var field: String? = nil
    /// What the field holds in a batch request, when its kind does not say (`--inputs` is a
    /// file on the command line, an object in a request).
    var fieldForm: String? = nil

    /// The JSON value a batch request gives for the field, for help and the manual.
    var jsonForm: String {
        if let fieldForm { return fieldForm }
        switch kind {
        case .flag: return "true or false"
        case .names: return "an array of names"
        case .assignment: return "an object of name -> expression"
        case .positiveNumber: return "a positive number"
        case .integer, .seed: return "an integer"
        case .dtype: return "\"float64\" or \"float32\""
        case .text, .choice, .bytes: return "a string"
        }
    }

    static let expressionCommands: [Command] = [.grad, .eval, .jacobian, .hessian, .check, .graph]
    static let all = Array(Command.allCases)

    /// The help line: the text and the default.
    var helpText: String { help + (defaultValue.map { " (default \($0))" } ?? "") + "." }

    /// The long spelling, as messages name the option.
    var longName: String { names.first { $0.hasPrefix("--") } ?? names[0] }

    /// The option as usage shows it: `--rtol <x>`.
    var synopsis: String { longName + (value.map { " <\($0)>" } ?? "") }

    /// Every option, in the order help lists them. A row with `field` is also read from batch
    /// requests (`Request.fromJSON`) and applied by `OptionValues.apply`.
    static let table: [OptionSpec] = [
        OptionSpec(key: .file, names: ["-f", "--file"], value: "file", kind: .text, help: "Read the program from <file> ('-' for stdin) instead of <expr>", commands: expressionCommands),
        OptionSpec(key: .set, names: ["--set"], value: "name=value", kind: .assignment, help: "Set an input (same as a <name=value> argument)", commands: expressionCommands),
        OptionSpec(key: .inputs, names: ["--inputs"], value: "file", kind: .text, help: "Read inputs from a JSON object of name -> value ('-' for stdin)", commands: expressionCommands,
                   field: "inputs", fieldForm: "an object of name -> value (a tensor, or a string as for <name=value>)"),
        OptionSpec(key: .wrt, names: ["--wrt"], value: "names", kind: .names, help: "Differentiate only with respect to these inputs (comma-separated); the rest are constants", commands: [.grad, .jacobian, .hessian, .check, .graph], field: "wrt"),
        OptionSpec(key: .gradOutput, names: ["-g", "--grad-output"], value: "value", kind: .text, help: "The gradient vector for a non-scalar output (its shape must equal the output's)", commands: [.grad, .check],
                   field: "grad_output", fieldForm: "a tensor or an expression string"),
        OptionSpec(key: .retainGrad, names: ["--retain-grad"], value: "name", kind: .names, help: "Also report the gradient of the intermediate binding <name> (repeatable)", commands: [.grad], field: "retain_grad"),
        OptionSpec(key: .expect, names: ["--expect"], value: "name=expr", kind: .assignment, help: "The hand-derived derivative with respect to input <name> (repeatable)", commands: [.check], field: "expect"),
        OptionSpec(key: .eps, names: ["--eps"], value: "x", kind: .positiveNumber, defaultValue: "1e-6", help: "Finite-difference step", commands: [.check], field: "eps"),
        OptionSpec(key: .rtol, names: ["--rtol"], value: "x", kind: .positiveNumber, help: "Relative tolerance (default 1e-3 for gradcheck, 1e-7 for --expect)", commands: [.check], field: "rtol"),
        OptionSpec(key: .atol, names: ["--atol"], value: "x", kind: .positiveNumber, help: "Absolute tolerance (default 1e-5 for gradcheck, 1e-9 for --expect)", commands: [.check], field: "atol"),
        OptionSpec(key: .equalNaN, names: ["--equal-nan"], value: nil, kind: .flag, help: "A NaN matches a NaN at the same place (otherwise NaN never passes)", commands: [.check], field: "equal_nan"),
        OptionSpec(key: .seed, names: ["--seed"], value: "n", kind: .seed, defaultValue: "0", help: "torch.manual_seed(n) for rand, randn and the other random factories", commands: expressionCommands, field: "seed"),
        OptionSpec(key: .dtype, names: ["--dtype"], value: "float64|float32", kind: .dtype, defaultValue: "float64", help: "The default dtype of inputs, Python floats and factories", commands: expressionCommands, field: "dtype"),
        OptionSpec(key: .json, names: ["--json"], value: nil, kind: .flag, help: "Print one JSON object (schema 1) instead of text", commands: expressionCommands),
        OptionSpec(key: .format, names: ["--format"], value: "text|torch", kind: .choice, help: "Text layout: gradcli's own (default) or as PyTorch prints tensors", commands: expressionCommands),
        OptionSpec(key: .precision, names: ["--precision"], value: "n", kind: .integer(1...17), defaultValue: "6", help: "Significant digits in text output", commands: expressionCommands),
        OptionSpec(key: .exact, names: ["--exact"], value: nil, kind: .flag, help: "Print numbers in text output in full (shortest round-trip form)", commands: expressionCommands),
        OptionSpec(key: .dot, names: ["--dot"], value: nil, kind: .flag, help: "Print the graph as Graphviz DOT", commands: [.graph]),
        OptionSpec(key: .dumpAST, names: ["--dump-ast"], value: nil, kind: .flag, help: "Print the parsed program as an S-expression and exit", commands: expressionCommands),
        OptionSpec(key: .jobs, names: ["-j", "--jobs"], value: "n", kind: .integer(1...256), help: "Run requests on <n> worker processes (default: one per CPU, at most 8); the output is the same", commands: [.batch]),
        OptionSpec(key: .tap, names: ["--tap"], value: nil, kind: .flag, help: "Write a TAP version 14 report of the requests to stdout instead of JSON Lines", commands: [.batch]),
        OptionSpec(key: .junit, names: ["--junit"], value: "file", kind: .text, help: "Also write a JUnit XML report of the requests to <file>", commands: [.batch]),
        OptionSpec(key: .quiet, names: ["-q", "--quiet"], value: nil, kind: .flag, help: "Write no JSON Lines and no summary: only the --tap report, the --junit file and the exit status", commands: [.batch]),
        OptionSpec(key: .allowFiles, names: ["--allow-files"], value: "dir", kind: .text, help: "Let requests read '@path' input files, but only regular files under <dir> (without it, none)", commands: [.batch]),
        OptionSpec(key: .maxMemory, names: ["--max-memory"], value: "bytes", kind: .bytes, help: "The memory budget, e.g. 512M or 4G (default: 3/4 of physical memory or of the address-space limit, the smaller)", commands: expressionCommands + [.batch]),
        OptionSpec(key: .maxFlops, names: ["--max-flops"], value: "n", kind: .text, help: "The work budget per request in floating-point operations, e.g. 1e9 (default 1e11); checked before each operation runs", commands: expressionCommands + [.batch]),
        OptionSpec(key: .timeout, names: ["--timeout"], value: "seconds", kind: .text, help: "The time limit per request, checked between operations (default: none)", commands: expressionCommands + [.batch]),
        OptionSpec(key: .help, names: ["-h", "--help"], value: nil, kind: .flag, help: "Show help information", commands: all),
        OptionSpec(key: .version, names: ["--version"], value: nil, kind: .flag, help: "Show the version", commands: all),
        // Options of the commands outside `Command`; `CommandCatalog` lists which take them.
        OptionSpec(key: .color, names: ["--color"], value: "auto|always|never", kind: .choice,
                   help: "Colour diagnostics and plots: on a terminal (auto, the default; off when NO_COLOR is non-empty or TERM=dumb), always or never", commands: []),
        OptionSpec(key: .command, names: ["--command"], value: "grad|eval", kind: .choice, help: "What each line computes: the value and gradients (grad, the default) or the value only", commands: []),
        OptionSpec(key: .points, names: ["--points"], value: "n", kind: .integer(2...CommandCatalog.pointsLimit), help: "Sample points, 2 to \(CommandCatalog.pointsLimit) (default: two per character column)", commands: []),
        OptionSpec(key: .traceBackward, names: ["--trace-backward"], value: nil, kind: .flag, help: "Trace every .backward() call on stderr, as `gradcli trace` shows it (stdout stays what PyTorch prints)", commands: []),
        OptionSpec(key: .row, names: ["--row"], value: "n", kind: .text, help: "Trace row <n> of the Jacobian: the backward pass of output element <n> (row-major)", commands: []),
        OptionSpec(key: .svg, names: ["--svg"], value: "file", kind: .text, help: "Write a standalone SVG plot to <file> instead of drawing on the terminal", commands: []),
        OptionSpec(key: .width, names: ["--width"], value: "columns", kind: .integer(8...400), defaultValue: "60", help: "Plot width in characters, 8 to 400", commands: []),
        OptionSpec(key: .height, names: ["--height"], value: "rows", kind: .integer(2...100), defaultValue: "10", help: "Height of each panel in characters, 2 to 100", commands: []),
    ]

    static func lookup(_ name: String) -> OptionSpec? { table.first { $0.names.contains(name) } }

    /// An option of the built-in commands (the others belong to `CommandCatalog.added`).
    static func builtIn(_ name: String) -> OptionSpec? { table.first { !$0.commands.isEmpty && $0.names.contains(name) } }

    /// The row of `key`; every key has one.
    static func spec(_ key: OptionKey) -> OptionSpec { table.first { $0.key == key }! }

    /// The rows that are also batch request fields.
    static let requestFields = table.filter { $0.field != nil }
    /// `requestFields` in the order a request reads them: the seed and the dtype first, as the
    /// others' values depend on them. Built once: each batch request reads every field.
    static let requestFieldsInReadingOrder: [OptionSpec] = {
        let first: [OptionKey] = [.seed, .dtype]
        return requestFields.filter { first.contains($0.key) } + requestFields.filter { !first.contains($0.key) }
    }()
}

/// Everything the command line asked for.
struct Invocation {
    var command: Command = .grad
    var commandWasGiven = false
    var positionals: [String] = []
    /// Option values by key, in the order given.
    var options: [(key: OptionKey, value: String?)] = []

    func flag(_ key: OptionKey) -> Bool { options.contains { $0.key == key } }
    func value(_ key: OptionKey) -> String? { options.last { $0.key == key }?.value ?? nil }
    func values(_ key: OptionKey) -> [String] { options.filter { $0.key == key }.compactMap(\.value) }

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
            let command = invocation.command
            guard let spec = OptionSpec.builtIn(name) else {
                throw GradcliError.usage("Unknown option '\(name)'", of: command)
            }
            if spec.key == .help || spec.key == .version {
                invocation.options.append((spec.key, nil))
                continue
            }
            guard spec.commands.contains(command) else {
                throw GradcliError.usage("The option '\(name)' does not apply to '\(command.rawValue)'", of: command)
            }
            if spec.value == nil {
                if inlineValue != nil { throw GradcliError.usage("The flag '\(name)' does not take a value", of: command) }
                invocation.options.append((spec.key, nil))
            } else if let value = inlineValue ?? rest.popFirst() {
                // `--wrt --json`: the value is missing, rather than `--json`.
                if inlineValue == nil, looksLikeOption(value), OptionSpec.lookup(String(value.prefix { $0 != "=" })) != nil {
                    throw GradcliError.usage("Missing value for '\(name) <\(spec.value!)>' ('\(value)' is an option)", of: command)
                }
                invocation.options.append((spec.key, value))
            } else {
                throw GradcliError.usage("Missing value for '\(name) <\(spec.value!)>'", of: command)
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
        return argument.count == 2 && OptionSpec.builtIn(argument) != nil
    }
}
