import Autograd
import ExprParser

/// Help text, laid out as swift-argument-parser lays it out.
enum Help {
    static let overview = "A command-line gradient calculator with PyTorch's autograd semantics."

    /// Pads `left` to a column so descriptions line up, wrapping them at 100 columns.
    static func row(_ left: String, _ right: String) -> String {
        let column = 26, width = 100
        let indent = String(repeating: " ", count: column)
        var lines: [String] = []
        var line = ""
        for word in right.split(separator: " ") {
            if !line.isEmpty && column + line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        let label = "  " + left
        let first = label.count < column ? label + String(repeating: " ", count: column - label.count) + lines[0]
                                         : label + "\n" + indent + lines[0]
        return ([first] + lines.dropFirst().map { indent + $0 }).joined(separator: "\n")
    }

    private static func optionsSection(for command: Command) -> [String] {
        (OptionSpec.table.filter { $0.commands.contains(command) } + CommandCatalog.globalOptions).map { spec in
            row(spec.names.joined(separator: ", ") + (spec.value.map { " <\($0)>" } ?? ""), spec.helpText)
        }
    }

    private static func argumentsSection(for command: Command) -> [String] {
        switch command {
        case .batch: return [row("<file>", "JSON Lines requests, one per line ('-' or omitted: stdin).")]
        case .help: return [row("<command>", "The command to describe; 'functions' for the function list, 'ops' for the coverage table of every op, 'conventions' for the values used at kinks and ties.")]
        default:
            return [row("<expr>", "The program, e.g. 'mean(3*(a+3)^2)' ('-' reads it from stdin)."),
                    row("<name=value>", "An input: a number, a tensor literal '[[1,2],[3,4]]', a factory 'randn(3)', the shorthand 2,3 for a vector, or @file (.json, .npy, .csv).")]
        }
    }

    /// The help of `command`, or the top-level help when nil.
    static func text(for command: Command?) -> String {
        let shown = command ?? .grad
        var lines = ["OVERVIEW: " + (command?.abstract ?? overview), ""]
        if command == nil {
            lines += ["USAGE: " + Command.grad.usage, "       gradcli <subcommand>", ""]
        } else {
            lines += ["USAGE: " + shown.usage, ""]
        }
        lines += ["ARGUMENTS:"] + argumentsSection(for: shown) + [""]
        lines += ["OPTIONS:"] + optionsSection(for: shown) + [""]
        if command == nil {
            lines += ["SUBCOMMANDS:"]
            lines += CommandCatalog.all.map { row($0.name == "grad" ? "grad (default)" : $0.name, $0.abstract) }
            lines += [""]
        }
        if command == .batch { lines += ["REQUEST FIELDS:"] + requestFields.map { row($0.0, $0.1) } + [""] }
        lines += ["EXAMPLES:"] + shown.examples.map { "  " + $0 } + [""]
        if command == nil {
            lines += ["  See 'gradcli help <subcommand>' for detailed help, 'gradcli help functions' for the functions,", "  'gradcli help ops' for the coverage table of every op and 'gradcli help conventions' for the values at kinks."]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fields of a batch request, from the option table: each is read as its option is.
    static var requestFields: [(String, String)] {
        [("\"expr\"", "The program (required)."),
         ("\"command\"", "grad (the default), eval, jacobian, hessian, check or graph."),
         ("\"id\"", "Any JSON value, echoed in the result.")]
            + OptionSpec.requestFields.map { spec in
                let form = spec.jsonForm.prefix(1).uppercased() + spec.jsonForm.dropFirst()
                let meaning = spec.fieldForm != nil ? "what \(spec.longName) gives." : "as \(spec.longName): " + spec.helpText.prefix(1).lowercased() + spec.helpText.dropFirst()
                return ("\"\(spec.field!)\"", form + "; " + meaning)
            }
    }

    /// Every function of the expression language, from the op registry.
    static var functions: String {
        var lines = ["FUNCTIONS (PyTorch names; a torch., torch.nn.functional. or F. prefix is accepted):", ""]
        for spec in Registry.all + Language.functions {
            let params = spec.params.map { p -> String in
                guard let d = p.defaultValue else { return p.name }
                return "\(p.name)=\(d)"
            }.joined(separator: ", ")
            var summary = spec.summary
            if !spec.aliases.isEmpty { summary += " (also " + spec.aliases.joined(separator: ", ") + ")" }
            lines.append(row("\(spec.name)(\(params))", summary))
        }
        lines += ["", "Operators, loosest first: comparisons < <= > >= == !=; + -; * / @; unary - +; ^ and ** (right-assoc).",
                  "Constants: pi e inf nan true false True False None. Postfix: f(x), x.f(), x.T, x.mT, x.shape, x[i], x[i, j], x[a:b], x[None], x[..., 0], x[idx], x[mask].",
                  "Tuples: max/min(x, dim), sort, topk, kthvalue, median(x, dim), mode, aminmax, std_mean, var_mean, chunk, split, unbind; t[0], t.values, t.indices."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// A usage error as swift-argument-parser prints it.
    static func usageError(_ message: String, of command: String) -> String {
        let usage = CommandCatalog.entry(named: command)?.usage ?? Command.grad.usage
        return "Error: \(message)\nUsage: \(usage)\n  See 'gradcli help\(command == "grad" ? "" : " " + command)' for more information.\n"
    }

    /// The help of a command of the table that `Command` does not list.
    static func text(entry: CommandEntry) -> String {
        var lines = ["OVERVIEW: " + entry.abstract, "", "USAGE: " + entry.usage, ""]
        if !entry.arguments.isEmpty { lines += ["ARGUMENTS:"] + entry.arguments.map { row($0.0, $0.1) } + [""] }
        let options = entry.options + CommandCatalog.globalOptions + [.spec(.help)]
        lines += ["OPTIONS:"] + options.map { row($0.names.joined(separator: ", ") + ($0.value.map { " <\($0)>" } ?? ""), $0.helpText) } + [""]
        lines += ["EXAMPLES:"] + entry.examples.map { "  " + $0 } + [""]
        return lines.joined(separator: "\n") + "\n"
    }
}
