import ExprParser

/// "Did you mean" for the command line: misspelled options and subcommands, and arguments in
/// the wrong order, found from the command table by `Suggestions`' edit distance.
enum Hints {
    /// `error` with a suggestion added when it names an unknown option or command.
    static func improved(_ error: GradcliError) -> GradcliError {
        guard let command = error.usageOf else { return error }
        if let name = quoted(after: "Unknown option '", in: error.message),
           let match = Suggestions.closest(to: name, among: CommandCatalog.longOptions(for: command))
                ?? Suggestions.closest(to: name, among: CommandCatalog.longOptions(for: nil)) {
            return .usage(error.message + ". Did you mean '\(match)'?", of: command)
        }
        if let name = quoted(after: "Unknown command '", in: error.message),
           let match = Suggestions.closest(to: name, among: CommandCatalog.allNames) {
            return .usage(error.message + ". Did you mean '\(match)'?", of: command)
        }
        return error
    }

    /// The text between `prefix` and the next `'` when `message` starts with `prefix`.
    private static func quoted(after prefix: String, in message: String) -> String? {
        guard message.hasPrefix(prefix) else { return nil }
        let rest = message.dropFirst(prefix.count)
        return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
    }

    /// Mistakes the parser accepts but the user did not mean: a misspelled subcommand read as
    /// the expression (`gradcli jacobain ...`), or the inputs given before the expression.
    static func check(_ invocation: Invocation) throws {
        let expressionCommand = OptionSpec.expressionCommands.contains(invocation.command)
        guard expressionCommand, invocation.value(.file) == nil, let first = invocation.positionals.first else { return }
        let assigned = Set((invocation.positionals.dropFirst() + invocation.values(.set)).compactMap { argument in
            argument.firstIndex(of: "=").map { String(argument[..<$0]) }
        })
        if !invocation.commandWasGiven, Inputs.isIdentifier(first), !assigned.contains(first),
           Suggestions.closest(to: first, among: CommandCatalog.allNames) != nil {
            // `improved` adds the suggestion, as for `gradcli help jacobain`.
            throw GradcliError.usage("Unknown command '\(first)'", of: invocation.command)
        }
        if isAssignment(first), let expr = invocation.positionals.dropFirst().first(where: { !isAssignment($0) }) {
            let inputs = invocation.positionals.filter(isAssignment)
            let fixed = (invocation.commandWasGiven ? [invocation.command.rawValue] : []) + [expr] + inputs
            throw GradcliError.usage("The expression must come before the inputs: '\(first)' is an input and '\(expr)' looks like the expression. Try: gradcli \(fixed.map(shellQuoted).joined(separator: " "))",
                                     of: invocation.command)
        }
    }

    /// `name=value` with a valid input name (`x==2` is a comparison, not an assignment).
    static func isAssignment(_ argument: String) -> Bool {
        guard let eq = argument.firstIndex(of: "=") else { return false }
        let after = argument[argument.index(after: eq)...]
        return Inputs.isIdentifier(String(argument[..<eq])) && !after.hasPrefix("=")
    }

    /// `text` as a POSIX shell word.
    static func shellQuoted(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789=,._-:/@".unicodeScalars.contains($0)) }
        return plain ? text : "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
