import Autograd
import ExprParser
import Glibc

/// `gradcli lines`: one expression per input line, one result line each, written as soon as
/// the line is read (like bc), so another program can talk to it line by line.
enum LineMode {
    static func run(_ arguments: [String], color: Bool) throws -> Int32 {
        var rest = arguments
        var command = Command.grad
        if let i = rest.firstIndex(where: { $0 == "--command" || $0.hasPrefix("--command=") }) {
            let value: String
            if rest[i] == "--command" {
                guard i + 1 < rest.count else { throw AddedUsageError(message: "Missing value for '--command <grad|eval>'") }
                value = rest[i + 1]
                rest.removeSubrange(i...(i + 1))
            } else {
                value = String(rest[i].dropFirst("--command=".count))
                rest.remove(at: i)
            }
            guard value == "grad" || value == "eval" else { throw AddedUsageError(message: "The value '\(value)' is invalid for '--command <grad|eval>'") }
            command = value == "eval" ? .eval : .grad
        }
        var base: Invocation
        do { base = try Invocation.parse(["grad"] + rest) } catch let error as UsageError {
            throw AddedUsageError(message: Hints.improved(error).message)
        }
        if let other = base.options.first(where: { !CommandCatalog.lineOptionNames.contains($0.name) }) {
            throw AddedUsageError(message: "The option '\(other.name)' does not apply to 'lines'")
        }
        guard base.positionals.count <= 1 else { throw AddedUsageError(message: "Unexpected argument '\(base.positionals[1])'") }
        let path = base.positionals.first ?? "-"
        base.command = command
        base.commandWasGiven = true
        base.positionals = []
        let style = NumberStyle(precision: base.flag("--exact") ? nil : Int(base.value("--precision") ?? "6") ?? 6)
        if let p = base.value("--precision"), !(Int(p).map { (1...17).contains($0) } ?? false) {
            throw AddedUsageError(message: "The value '\(p)' is invalid for '--precision <n>' (expected 1 to 17)")
        }
        MemoryBudget.limit = MemoryBudget.defaultLimit
        if let text = base.value("--max-memory") {
            guard let bytes = MemoryBudget.parseBytes(text) else { throw AddedUsageError(message: "The value '\(text)' is invalid for '--max-memory <bytes>'") }
            MemoryBudget.limit = bytes
        }
        try GradCLI.setWorkBudget(base.value("--max-flops"), base.value("--timeout")) { AddedUsageError(message: $0) }

        let file: UnsafeMutablePointer<FILE>
        if path == "-" {
            guard !Output.stdinWasClosed else { throw CLIError.io("cannot read the expressions: standard input is closed") }
            Terminal.hintIfReadingTerminal("lines", what: "one expression per line")
            file = stdin
        } else {
            guard let opened = fopen(path, "r") else { throw CLIError.io("cannot read '\(path)': \(String(cString: strerror(errno)))") }
            file = opened
        }
        defer { if path != "-" { fclose(file) } }

        var failures = 0
        var number = 0
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        while getline(&buffer, &capacity, file) >= 0 {
            number += 1
            var line = String(cString: buffer!)
            if line.hasSuffix("\n") { line.removeLast() }
            line = line.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !answer(line, number: number, base: base, style: style, color: color) { failures += 1 }
            guard Output.flush() else { break }
        }
        return failures > 0 ? 65 : 0
    }

    /// Splits `EXPR @ x=3 y=1,2` at the last ` @ ` followed only by `name=value` words, so that
    /// `a @ b` (a matrix product) stays one expression.
    static func split(_ line: String) -> (expr: String, inputs: [String]) {
        let characters = Array(line)
        var at = characters.count - 3
        while at >= 0 {
            if characters[at] == " " && characters[at + 1] == "@" && characters[at + 2] == " " {
                let words = String(characters[(at + 3)...]).split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                if !words.isEmpty && words.allSatisfy(Hints.isAssignment) { return (String(characters[..<at]).trimmingSpaces, words) }
            }
            at -= 1
        }
        return (line, [])
    }

    /// Runs one line and writes its result line (or an error line); true when it succeeded.
    private static func answer(_ line: String, number: Int, base: Invocation, style: NumberStyle, color: Bool) -> Bool {
        WorkBudget.startRequest()  // per line, its inputs included
        let (expr, inputs) = split(line)
        var invocation = base
        invocation.positionals = [expr] + inputs
        let json = base.flag("--json")
        do {
            let request = try GradCLI.makeRequest(invocation, color: false)
            let report = try request.run()
            try GradCLI.reserveOutput(of: report)
            if json {
                Output.out(report.json.serialized + "\n")
            } else {
                let printer = TensorText(style: style)
                var parts = [oneLine(printer.render(report.value ?? Tensor.zeros([])))]
                for (name, g) in report.grads { parts.append("grad \(name) = " + oneLine(printer.render(g))) }
                Output.out(parts.joined(separator: "; ") + "\n")
                for warning in report.warnings { Output.err("line \(number): " + warning.text(source: request.source, color: color)) }
            }
            return true
        } catch {
            let failure: CLIError
            if let usage = error as? UsageError { failure = CLIError.usage(usage.message) } else { failure = GradCLI.cliError(error) }
            if json {
                Output.out(failure.json.serialized + "\n")
            } else {
                Output.out("error: line \(number): \(failure.message)\n")
                Output.err("line \(number): " + failure.text)
            }
            return false
        }
    }

    /// A tensor rendering on one line, without the column padding.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
    }
}
