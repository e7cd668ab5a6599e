import Foundation
import Testing

/// `gradcli repl` through the binary: values echoed as Python's REPL echoes them, errors shown
/// without ending the session, `exit()`; prompts on a pseudo-terminal. Expected values are
/// PyTorch 2.13's reprs of the same expressions.
@Suite struct RunREPLTests {
    @Test func echoesValuesAndSurvivesErrors() throws {
        let session = """
        import torch
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        x * 2
        None
        for i in range(2):
            print(i)

        y = (x ** 2).sum()
        y.backward()
        y.backward()
        x.grad
        exit()
        print("not reached")

        """
        let r = try CLI.run(["repl"], stdin: session)
        #expect(r.stdout == "tensor([2., 4.], grad_fn=<MulBackward0>)\n0\n1\ntensor([2., 4.])\n")
        #expect(r.stderr.contains("RuntimeError: Trying to backward through the graph a second time"))
        #expect(r.exitCode == 0)
    }

    @Test func promptsOnATerminal() throws {
        // script(1) runs the binary on a pseudo-terminal, so stdin is a terminal.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let r = try CLI.runShell("printf '1 + 2\\nexit()\\n' | /usr/bin/script -qec \"\(CLI.binary.path) repl\" /dev/null")
        // The line editor redraws the prompt as keys arrive, so check the pieces: a prompt, and
        // the value 3 on a line of its own (after a prompt or an echo).
        let text = r.stdout.replacingOccurrences(of: "\r", with: "")
        #expect(text.contains(">>> "), "stdout: \(text)")
        #expect(text.contains("\n3\n") || text.contains(">>> 3\n"), "stdout: \(text)")
        #expect(r.exitCode == 0)
    }

    /// The line editor on a pseudo-terminal: each line is typed with editing keys, and the
    /// values echoed prove what the edited line was.
    @Test func editsLinesAndRecallsHistoryOnATerminal() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let keys = [
            "1 + 2\\r",                                  // 3
            "\\033[A\\r",                                // up: 1 + 2 again
            "12\\033[D+\\r",                             // left, insert: 1+2
            "+2\\001\\061\\r",                           // Ctrl-A, insert: 1+2
            "1+3\\177\\062\\r",                          // backspace: 1+2
            "garbage\\025\\064\\r",                      // Ctrl-U clears: 4
            "5+9\\001\\033[C\\033[C\\013\\060\\r",      // right twice, Ctrl-K: 5+0
            "junk\\003\\066\\r",                         // Ctrl-C clears: 6
            "7\\033[H8\\033[F9\\r",                      // Home, End: 879
            "\\033[A\\033[A\\033[B\\r",                    // up, up, down: 879
            "\\014\\061\\060\\r",                           // Ctrl-L: 10
            "\\004",                                     // Ctrl-D on an empty line: the end
        ].joined()
        // Octal escapes are never followed by a digit, which printf would read as part of them.
        // The pause lets the editor switch the terminal to raw mode before the keys arrive.
        let r = try CLI.runShell("(sleep 0.5; printf '\(keys)') | /usr/bin/script -qec \"\(CLI.binary.path) repl\" /dev/null")
        let values = r.stdout.replacingOccurrences(of: "\r", with: "").split(separator: "\n")
            .filter { !$0.contains(">>> ") && !$0.isEmpty }.map(String.init)
        #expect(values == ["3", "3", "3", "3", "3", "4", "5", "6", "879", "879", "10"], "stdout: \(r.stdout.debugDescription)")
        #expect(r.exitCode == 0)
    }
}

extension CLI {
    /// Runs a shell command line (for tests that need a pseudo-terminal).
    static func runShell(_ command: String) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(stdout: String(decoding: data, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self),
                         exitCode: process.terminationStatus)
    }
}
