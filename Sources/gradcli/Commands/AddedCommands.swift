import Autograd
import ExprParser

/// The dispatch for the commands of `CommandCatalog.added`, tried before the built-in parser.
enum AddedCommands {
    /// The exit status when `arguments` name an added command (or its help), nil otherwise.
    static func run(_ arguments: [String], color: Bool) throws -> Int32? {
        guard let first = arguments.first else { return nil }
        guard CommandCatalog.addedNames.contains(first == "help" && arguments.count > 1 ? arguments[1] : first) else { return nil }
        if first == "help", arguments.count > 1, let entry = CommandCatalog.added.first(where: { $0.name == arguments[1] }) {
            Output.out(Help.text(entry: entry))
            return 0
        }
        guard let entry = CommandCatalog.added.first(where: { $0.name == first }) else { return nil }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            Output.out(Help.text(entry: entry))
            return 0
        }
        do {
            switch entry.name {
            case "completions": return try completions(rest)
            case "manual":
                guard rest.isEmpty else { throw GradcliError.usage("'manual' takes no arguments, got '\(rest[0])'", of: "manual") }
                Output.out(Manual.page())
                return 0
            case "lines": return try LineMode.run(rest, color: color)
            case "plot": return try PlotCommand.run(rest, color: color)
            default: return nil
            }
        } catch let error as GradcliError where error.usageOf == entry.name {
            Output.err(error.text(color: false))
            return 64
        }
    }

    private static func completions(_ rest: [String]) throws -> Int32 {
        guard rest.count == 1 else { throw GradcliError.usage(rest.isEmpty ? "Missing expected argument '<shell>'" : "Unexpected argument '\(rest[1])'", of: "completions") }
        switch rest[0] {
        case "bash": Output.out(Completions.bash())
        case "zsh": Output.out(Completions.zsh())
        case "fish": Output.out(Completions.fish())
        default:
            let hint = Suggestions.closest(to: rest[0], among: ["bash", "zsh", "fish"]).map { ". Did you mean '\($0)'?" } ?? " (expected bash, zsh or fish)"
            throw GradcliError.usage("Unknown shell '\(rest[0])'" + hint, of: "completions")
        }
        return 0
    }
}
