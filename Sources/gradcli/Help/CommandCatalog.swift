/// The one table of every subcommand and option, built-in (`Command`, `OptionSpec.table`) and
/// added (`completions`, `manual`, `lines`, `plot`, `--color`). Help, the manual page, the shell
/// completions and the "did you mean" suggestions are all generated from it.
struct CommandEntry {
    let name: String
    let abstract: String
    let usage: String
    let arguments: [(String, String)]
    let options: [OptionSpec]
    let examples: [String]
}

enum CommandCatalog {
    /// Options every command takes.
    static let globalOptions: [OptionSpec] = [.spec(.color)]

    static let pointsLimit = 100_000

    static let plotOptions: [OptionKey] = [.points, .svg, .width, .height, .set, .dtype, .maxMemory, .maxFlops, .timeout]

    /// The expression options `lines` passes on to each line's request.
    static let lineOptions: [OptionKey] = [.set, .wrt, .seed, .dtype, .json, .precision, .exact, .maxMemory, .maxFlops, .timeout]

    /// The options of `gradcli run`: the trace, and the budgets of the whole program.
    static let runOptions: [OptionKey] = [.traceBackward, .maxMemory, .maxFlops, .timeout]

    /// The names of `added`, in order, so that a first argument that names none of them (an
    /// expression) is told apart without building that table (tested to match it).
    static let addedNames = ["lines", "plot", "run", "trace", "repl", "completions", "manual"]

    /// The commands added outside `Command`, each with its own options.
    static let added: [CommandEntry] = [
        CommandEntry(name: "lines", abstract: "Evaluate one expression per input line and print one result line each, as it arrives (like bc).",
                     usage: "gradcli lines [<file>] [--set <name=value> ...] [<options>]",
                     arguments: [("<file>", "Expressions, one per line ('-' or omitted: stdin). 'EXPR @ x=3 y=1,2' sets inputs on the line; blank lines and '#' comments are skipped.")],
                     options: (lineOptions + [.command]).map(OptionSpec.spec),
                     examples: ["printf 'x^2 @ x=3\\nsin(x) @ x=0\\n' | gradcli lines", "gradcli lines exprs.txt --set x=2"]),
        CommandEntry(name: "plot", abstract: "Plot EXPR and its derivative over a range, on the terminal or as SVG.",
                     usage: "gradcli plot <expr> <name=lo:hi> [--points <n>] [--svg <file>] [<options>]",
                     arguments: [("<expr>", "A scalar expression of one input."), ("<name=lo:hi>", "The input and its range, lo < hi, e.g. x=-3:3.")],
                     options: plotOptions.map(OptionSpec.spec),
                     examples: ["gradcli plot 'relu(x) - x^2/4' x=-3:3", "gradcli plot 'tanh(x)' x=-4:4 --svg tanh.svg"]),
        CommandEntry(name: "run", abstract: "Run a PyTorch autograd program and print what PyTorch prints.",
                     usage: "gradcli run [--trace-backward] [--max-memory <bytes>] [--max-flops <n>] [--timeout <seconds>] <file.py>",
                     arguments: [("<file.py>", "The program ('-': stdin; omitted on a terminal: the interactive session).")], options: runOptions.map(OptionSpec.spec),
                     examples: ["gradcli run train.py", "gradcli run - < train.py", "gradcli run --trace-backward train.py"]),
        CommandEntry(name: "trace", abstract: "Show the backward pass of EXPR step by step.",
                     usage: "gradcli trace <expr> [<name=value> ...] [--grad-output <value> | --row <n>] [--json]",
                     arguments: [("<expr>", "The program, as for grad.")], options: [.spec(.row)],
                     examples: ["gradcli trace 'mean(3*(a+3)^2)' a=2,3"]),
        CommandEntry(name: "repl", abstract: "An interactive session of the PyTorch language of `gradcli run`.",
                     usage: "gradcli repl", arguments: [], options: [],
                     examples: ["gradcli repl"]),
        CommandEntry(name: "completions", abstract: "Print a completion script for bash, zsh or fish.",
                     usage: "gradcli completions bash|zsh|fish",
                     arguments: [("<shell>", "bash, zsh or fish.")], options: [],
                     examples: ["source <(gradcli completions bash)", "gradcli completions fish > ~/.config/fish/completions/gradcli.fish"]),
        CommandEntry(name: "manual", abstract: "Print the manual page (roff).",
                     usage: "gradcli manual", arguments: [], options: [],
                     examples: ["gradcli manual | man -l -"]),
    ]

    /// Every command of the table, built-in first.
    static var all: [CommandEntry] {
        Command.allCases.map(entry) + added
    }

    static var allNames: [String] { all.map(\.name) }

    static func entry(named name: String) -> CommandEntry? { all.first { $0.name == name } }

    /// A built-in command as an entry of the table.
    static func entry(_ command: Command) -> CommandEntry {
        let arguments: [(String, String)]
        switch command {
        case .batch: arguments = [("<file>", "JSON Lines requests, one per line ('-' or omitted: stdin).")]
        case .help: arguments = [("<command>", "The command to describe; 'functions' for the function list, 'ops' for the coverage table of every op, 'conventions' for the values used at kinks and ties.")]
        default: arguments = [("<expr>", "The program ('-' reads it from stdin)."), ("<name=value>", "An input.")]
        }
        return CommandEntry(name: command.rawValue, abstract: command.abstract, usage: command.usage, arguments: arguments,
                            options: OptionSpec.table.filter { $0.commands.contains(command) } + globalOptions,
                            examples: command.examples)
    }

    /// Every long option any command takes, for suggestions.
    static func longOptions(for command: String?) -> [String] {
        let entries = command.flatMap(entry(named:)).map { [$0] } ?? all
        var names: [String] = []
        for entry in entries { for option in entry.options { for name in option.names where !names.contains(name) { names.append(name) } } }
        return names
    }
}
