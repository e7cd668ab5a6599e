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
        // The terminal echoes the typed lines wherever they arrive, so check the pieces:
        // two prompts, and the value 3 on a line of its own (after a prompt or an echo).
        let text = r.stdout.replacingOccurrences(of: "\r", with: "")
        #expect(text.components(separatedBy: ">>> ").count - 1 == 2, "stdout: \(text)")
        #expect(text.contains("\n3\n") || text.contains(">>> 3\n"), "stdout: \(text)")
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
