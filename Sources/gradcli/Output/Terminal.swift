import Glibc

/// Terminal manners: when to colour, and the hint for a command left waiting on a terminal.
/// `--color` is read here, before the rest of the command line, because it applies to every
/// command (error messages are coloured before any command runs).
enum Terminal {
    /// The `--color` choice of this run.
    enum ColorChoice: String, CaseIterable {
        case auto, always, never
    }

    static var colorChoice: ColorChoice = .auto

    /// Removes `--color WHEN` / `--color=WHEN` (before any `--`) from `arguments` and records it.
    static func takeColorOption(_ arguments: [String]) throws -> [String] {
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { rest += arguments[index...]; break }
            var value: String?
            if argument == "--color" {
                guard index + 1 < arguments.count else {
                    throw GradcliError.usage("Missing value for '--color <auto|always|never>'")
                }
                value = arguments[index + 1]
                index += 2
            } else if argument.hasPrefix("--color=") {
                value = String(argument.dropFirst("--color=".count))
                index += 1
            } else {
                rest.append(argument)
                index += 1
                continue
            }
            guard let choice = ColorChoice(rawValue: value!) else {
                throw GradcliError.usage("The value '\(value!)' is invalid for '--color <auto|always|never>'")
            }
            colorChoice = choice
        }
        return rest
    }

    /// Whether to colour what goes to `fd`: `--color always|never` decide; `auto` colours a
    /// terminal unless NO_COLOR is set to a non-empty value (no-color.org) or TERM is `dumb`.
    static func wantsColor(_ fd: Int32) -> Bool {
        switch colorChoice {
        case .always: return true
        case .never: return false
        case .auto:
            guard isatty(fd) != 0 else { return false }
            if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
            if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
            return true
        }
    }

    /// A one-line hint on stderr when `command` is about to read standard input from a terminal,
    /// where a silent wait looks like a hang.
    static func hintIfReadingTerminal(_ command: String, what: String) {
        guard isatty(0) != 0 else { return }
        Output.err("gradcli \(command): reading \(what) from the terminal; end with Ctrl-D (see 'gradcli help \(command)')\n")
    }
}
