import ExprParser

/// The arguments of a command added outside `Command` (`plot`, `run`): its positionals and the
/// values of its options from the one option table, `--name value` or `--name=value`; a flag
/// takes no value, and `--set` may be given more than once.
struct AddedArguments {
    var positionals: [String] = []
    var values: [OptionKey: String] = [:]
    var sets: [String] = []
    var flags: Set<OptionKey> = []

    init(_ arguments: [String], options keys: [OptionKey], command: String) throws {
        let specs = keys.map(OptionSpec.spec)
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--") else { positionals.append(argument); continue }
            var name = argument, value: String?
            if let eq = argument.firstIndex(of: "=") { name = String(argument[..<eq]); value = String(argument[argument.index(after: eq)...]) }
            guard let spec = specs.first(where: { $0.names.contains(name) }) else {
                let hint = Suggestions.closest(to: name, among: specs.map(\.longName)).map { ". Did you mean '\($0)'?" } ?? ""
                throw GradcliError.usage("Unknown option '\(name)'" + hint, of: command)
            }
            if spec.kind == .flag { flags.insert(spec.key); continue }
            guard let given = value ?? rest.popFirst() else { throw GradcliError.usage("Missing value for '\(name)'", of: command) }
            if spec.key == .set { sets.append(given) } else { values[spec.key] = given }
        }
    }
}
