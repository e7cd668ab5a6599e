import Foundation
import Testing

/// Suggestions, colour, --version, completions, the manual page and line mode, through the binary.
@Suite struct CommandLineMannersTests {
    /// Runs the binary on a pseudo-terminal with util-linux `script`, or nil when it is missing.
    static func onTerminal(_ command: String, environment: [String: String]) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "'\(CLI.binary.path)' \(command)", "/dev/null"]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func unknownOptionsAndCommandsGetSuggestions() throws {
        let tap = try CLI.run(["batch", "--tapp"])
        #expect(tap.exitCode == 64)
        #expect(tap.stderr.contains("Unknown option '--tapp'. Did you mean '--tap'?"))
        let jacobian = try CLI.run(["jacobain", "x^2", "x=1"])
        #expect(jacobian.exitCode == 64)
        #expect(jacobian.stderr.contains("Unknown command 'jacobain'. Did you mean 'jacobian'?"))
        let help = try CLI.run(["help", "hesian"])
        #expect(help.exitCode == 64)
        #expect(help.stderr.contains("Did you mean 'hessian'?"))
        // A misspelled word that is also an input is a program, not a command.
        let input = try CLI.run(["eva", "eva=2"])
        #expect(input.exitCode == 0)
        let shell = try CLI.run(["completions", "bsh"])
        #expect(shell.exitCode == 64)
        #expect(shell.stderr.contains("Unknown shell 'bsh'. Did you mean 'bash'?"))
    }

    @Test func swappedOrderAndMissingValuesAreExplained() throws {
        let swapped = try CLI.run(["x=2", "x^2"])
        #expect(swapped.exitCode == 64)
        #expect(swapped.stderr.contains("The expression must come before the inputs: 'x=2' is an input and 'x^2' looks like the expression. Try: gradcli 'x^2' x=2"))
        let missing = try CLI.run(["x", "x=1", "--wrt"])
        #expect(missing.exitCode == 64)
        #expect(missing.stderr.contains("Missing value for '--wrt <names>'"))
        let color = try CLI.run(["x", "x=1", "--color"])
        #expect(color.exitCode == 64)
        #expect(color.stderr.contains("Missing value for '--color <auto|always|never>'"))
    }

    @Test func colorFollowsTheOptionAndTheEnvironment() throws {
        let escape = "\u{1b}["
        #expect(try CLI.run(["sin("]).stderr.contains(escape) == false)
        #expect(try CLI.run(["sin(", "--color", "always"]).stderr.contains(escape))
        #expect(try CLI.run(["sin(", "--color=never"]).stderr.contains(escape) == false)
        let bad = try CLI.run(["x", "--color", "sometimes"])
        #expect(bad.exitCode == 64)
        #expect(bad.stderr.contains("'sometimes' is invalid for '--color <auto|always|never>'"))
        guard let emptyNoColor = try Self.onTerminal("'sin('", environment: ["NO_COLOR": "", "TERM": "xterm"]) else { return }
        #expect(emptyNoColor.contains(escape))
        #expect(try Self.onTerminal("'sin('", environment: ["NO_COLOR": "1", "TERM": "xterm"])?.contains(escape) == false)
        #expect(try Self.onTerminal("'sin('", environment: ["NO_COLOR": "", "TERM": "dumb"])?.contains(escape) == false)
        #expect(try Self.onTerminal("--color never 'sin('", environment: ["NO_COLOR": "", "TERM": "xterm"])?.contains(escape) == false)
    }

    @Test func batchOnATerminalPrintsAHint() throws {
        let piped = try CLI.run(["batch"], stdin: "")
        #expect(!piped.stderr.contains("from the terminal"))
        guard let terminal = try Self.onTerminal("batch", environment: [:]) else { return }
        #expect(terminal.contains("gradcli batch: reading JSON Lines requests from the terminal; end with Ctrl-D"))
    }

    @Test func versionNamesTheCommitAndBuild() throws {
        let result = try CLI.run(["--version"])
        #expect(result.exitCode == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "gradcli 0.1.0")
        // Built by SwiftPM, not by make: no build-info file, so the commit is not claimed.
        #expect(lines.contains("commit: unknown (not built with make)"))
        #expect(lines.contains { $0.hasPrefix("build: debug, ") || $0.hasPrefix("build: release, ") })
    }

    @Test func helpListsTheAddedCommandsAndColor() throws {
        let help = try CLI.run(["help"]).stdout
        for name in ["lines", "completions", "manual", "--color <auto|always|never>"] { #expect(help.contains(name)) }
        let lines = try CLI.run(["help", "lines"])
        #expect(lines.exitCode == 0)
        #expect(lines.stdout.contains("USAGE: gradcli lines [<file>]"))
        #expect(try CLI.run(["lines", "--help"]).stdout == lines.stdout)
    }
}

/// The bash completion script, sourced in a real bash and asked as bash's completion would ask.
@Suite struct CompletionTests {
    /// Sources the script and prints COMPREPLY for the words, the last one being completed.
    static func complete(_ words: [String], line: String) throws -> [String] {
        let script = try CLI.run(["completions", "bash"]).stdout
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("gradcli.bash")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "source \"$0\"; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE=\"$1\"; _gradcli; printf '%s\\n' \"${COMPREPLY[@]}\"", file.path, line]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func bashScriptParses() throws {
        let script = try CLI.run(["completions", "bash"]).stdout
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n"]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(script.contains("complete -F _gradcli gradcli"))
    }

    @Test func bashCompletesCommandsOptionsFunctionsAndInputs() throws {
        #expect(try Self.complete(["gradcli", "jac"], line: "gradcli jac") == ["jacobian"])
        #expect(try Self.complete(["gradcli", "l"], line: "gradcli l") == ["lines"])
        #expect(try Self.complete(["gradcli", "batch", "--ta"], line: "gradcli batch --ta") == ["--tap"])
        // --tap belongs to batch only.
        #expect(try Self.complete(["gradcli", "eval", "--ta"], line: "gradcli eval --ta") == [])
        #expect(try Self.complete(["gradcli", "torch.sinh"], line: "gradcli torch.sinh") == ["torch.sinh"])
        #expect(try Self.complete(["gradcli", "torch.lo"], line: "gradcli torch.lo").contains("torch.logsumexp"))
        #expect(try Self.complete(["gradcli", "--dtype", "f"], line: "gradcli --dtype f") == ["float64", "float32"])
        // bash splits name=value at '=', as it does on a real command line.
        let words = ["gradcli", "x*y+z", "x", "=", "1", "y", "=", "2", "--set", "z", "=", "3", "--wrt"]
        #expect(try Self.complete(words + [""], line: "gradcli x*y+z x=1 y=2 --set z=3 --wrt ") == ["x", "y", "z"])
        #expect(try Self.complete(words + ["x,"], line: "gradcli x*y+z x=1 y=2 --set z=3 --wrt x,") == ["x,x", "x,y", "x,z"])
    }

    @Test func zshAndFishScriptsCarryTheTable() throws {
        let zsh = try CLI.run(["completions", "zsh"])
        #expect(zsh.exitCode == 0)
        #expect(zsh.stdout.hasPrefix("#compdef gradcli\n"))
        #expect(zsh.stdout.contains("'jacobian:Print the full Jacobian"))
        let fish = try CLI.run(["completions", "fish"])
        #expect(fish.exitCode == 0)
        #expect(fish.stdout.contains("complete -c gradcli -n '__fish_seen_subcommand_from batch' -l tap"))
        #expect(fish.stdout.contains("-l wrt -r -a '(__gradcli_inputs)'"))
    }

    @Test func manualPageRendersWithMan() throws {
        let page = try CLI.run(["manual"])
        #expect(page.exitCode == 0)
        #expect(page.stdout.hasPrefix(".TH GRADCLI 1 "))
        for section in [".SH NAME", ".SH SYNOPSIS", ".SH COMMANDS", ".SH FUNCTIONS", ".SH EXIT STATUS"] { #expect(page.stdout.contains("\n" + section + "\n")) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/man") else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-man-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("gradcli.1")
        try page.stdout.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/man")
        process.arguments = ["-l", file.path]
        process.environment = ["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "80", "PATH": "/usr/bin:/bin"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let warnings = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(warnings.isEmpty, "man warned: \(warnings)")
        #expect(text.contains("gradcli completions bash|zsh|fish"))
        #expect(text.contains("--tap"))
    }
}

/// `gradcli lines`: one expression per line, answered as each line arrives.
@Suite struct LineModeTests {
    @Test func eachLineGetsOneResultLine() throws {
        let input = "x^2 @ x=3\n\n# a comment\nsin(y)\nx @ w @ x=1,2 w=3,4\nx*y\n"
        let result = try CLI.run(["lines", "--set", "y=0.5"], stdin: input)
        // 9 and 6 = d(x^2)/dx at 3; sin(0.5) = 0.479426, cos(0.5) = 0.877583 (6 digits); x@w = 1*3 + 2*4 = 11.
        #expect(result.stdout == "9; grad x = 6; grad y = 0\n0.479426; grad y = 0.877583\n11; grad x = [3, 4]; grad w = [1, 2]; grad y = 0\nerror: line 6: unknown variable `x`\n")
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("line 6: error: unknown variable `x`"))
    }

    @Test func evalAndJSONModes() throws {
        let eval = try CLI.run(["lines", "--command", "eval"], stdin: "[x, 2*x] @ x=1.5\n")
        #expect(eval.exitCode == 0)
        #expect(eval.stdout == "[1.5, 3]\n")
        let json = try CLI.run(["lines", "--json"], stdin: "x*y @ x=3 y=2\n")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(object?["value"] as? Double == 6)
        #expect((object?["grad"] as? [String: Any])?["x"] as? Double == 2)
        let bad = try CLI.run(["lines", "--retain-grad", "b"], stdin: "")
        #expect(bad.exitCode == 64)
        #expect(bad.stderr.contains("The option '--retain-grad' does not apply to 'lines'"))
        let missing = try CLI.run(["lines", "/nonexistent/exprs.txt"])
        #expect(missing.exitCode == 66)
    }

    /// Writes one line, waits for its answer, then writes the next: the answers stream.
    @Test func answersStreamLineByLine() throws {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["lines"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        func answer(to line: String) -> String {
            input.fileHandleForWriting.write(Data((line + "\n").utf8))
            var bytes = Data()
            while !bytes.hasSuffix("\n") {
                let byte = reader.readData(ofLength: 1)
                if byte.isEmpty { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(answer(to: "x^3 @ x=2") == "8; grad x = 12\n")
        #expect(answer(to: "log(") .hasPrefix("error: line 2: "))
        #expect(answer(to: "exp(x) @ x=0") == "1; grad x = 1\n")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 65)
    }
}

private extension Data {
    func hasSuffix(_ text: String) -> Bool { last == text.utf8.last }
}
