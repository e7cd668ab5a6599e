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
                guard i + 1 < rest.count else { throw GradcliError.usage("Missing value for '--command <grad|eval>'", of: "lines") }
                value = rest[i + 1]
                rest.removeSubrange(i...(i + 1))
            } else {
                value = String(rest[i].dropFirst("--command=".count))
                rest.remove(at: i)
            }
            command = try OptionValues(spec: .spec(.command), command: "lines").choice(.word(value)) == "eval" ? .eval : .grad
        }
        // An option of another command is named as not applying here, before the parser
        // (which reads the rest as `grad` would) names `grad`.
        for argument in rest where Invocation.looksLikeOption(argument) {
            let name = String(argument.prefix { $0 != "=" })
            if let spec = OptionSpec.lookup(name), !CommandCatalog.lineOptions.contains(spec.key), spec.key != .help, spec.key != .version {
                throw GradcliError.usage("The option '\(name)' does not apply to 'lines'", of: "lines")
            }
        }
        var base: Invocation
        do { base = try Invocation.parse(["grad"] + rest) } catch let error as GradcliError where error.usageOf != nil {
            throw GradcliError.usage(Hints.improved(error).message, of: "lines")
        }
        if let other = base.options.first(where: { !CommandCatalog.lineOptions.contains($0.key) }) {
            throw GradcliError.usage("The option '\(OptionSpec.spec(other.key).longName)' does not apply to 'lines'", of: "lines")
        }
        guard base.positionals.count <= 1 else { throw GradcliError.usage("Unexpected argument '\(base.positionals[1])'", of: "lines") }
        let path = base.positionals.first ?? "-"
        base.command = command
        base.commandWasGiven = true
        base.positionals = []
        let style: NumberStyle
        let budget: Int
        do {
            style = try GradCLI.numberStyle(base)
            budget = try GradCLI.memoryBudget(base)
        } catch let error as GradcliError where error.usageOf != nil {
            throw GradcliError.usage(error.message, of: "lines")
        }
        MemoryBudget.limit = budget
        try GradCLI.setWorkBudget(base.value(.maxFlops), base.value(.timeout)) { GradcliError.usage($0, of: "lines") }

        let file: UnsafeMutablePointer<FILE>
        if path == "-" {
            guard !Output.stdinWasClosed else { throw GradcliError.io("cannot read the expressions: standard input is closed") }
            Terminal.hintIfReadingTerminal("lines", what: "one expression per line")
            file = stdin
        } else {
            guard let opened = fopen(path, "r") else { throw GradcliError.io("cannot read '\(path)': \(String(cString: strerror(errno)))") }
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
        let json = base.flag(.json)
        do {
            let request = try GradCLI.makeRequest(invocation)
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
            var failure = GradcliError.from(error)
            failure.usageOf = nil  // one line's mistake: the message only
            if json {
                Output.out(failure.json.serialized + "\n")
            } else {
                Output.out("error: line \(number): \(failure.message)\n")
                Output.err("line \(number): " + failure.text(color: false))
            }
            return false
        }
    }

    /// A tensor rendering on one line, without the column padding.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\n" || $0 == " " }).joined(separator: " ")
    }
}
