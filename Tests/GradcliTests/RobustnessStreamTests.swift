import Foundation
import Testing

/// Runs `script` with /bin/sh, `$G` naming the built binary, so a test can redirect or close
/// the standard streams as a user's shell would.
func shell(_ script: String, stdin: String = "") throws -> CLIResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env["G"] = CLI.binary.path
    process.environment = env
    process.currentDirectoryURL = CLI.packageRoot
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-sh-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    let urls = ["out", "err", "in"].map { tmp.appendingPathComponent($0) }
    for (url, contents) in zip(urls, [Data(), Data(), Data(stdin.utf8)]) { FileManager.default.createFile(atPath: url.path, contents: contents) }
    let out = try FileHandle(forWritingTo: urls[0]), err = try FileHandle(forWritingTo: urls[1])
    let input = try FileHandle(forReadingFrom: urls[2])
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    process.waitUntilExit()
    try out.close(); try err.close(); try input.close()
    return CLIResult(stdout: try String(contentsOf: urls[0], encoding: .utf8), stderr: try String(contentsOf: urls[1], encoding: .utf8),
                     exitCode: process.terminationStatus)
}

/// Issue 14, rows 3 and 16: results that cannot be written are an error (exit 74) with the
/// reason; a closed or unreadable stdin is an io_error (exit 66), not empty input.
@Suite struct RobustnessStreamTests {
    @Test func aFullStdoutIsExit74() throws {
        for command in [#""$G" eval 1 >/dev/full"#, #""$G" eval 1 --json >/dev/full"#, #""$G" 'x^2' x=3 >/dev/full"#] {
            let result = try shell(command + "; echo \"exit $?\"")
            #expect(result.stdout == "exit 74\n", "\(command)")
            #expect(result.stderr == "error: cannot write to stdout: No space left on device\n", "\(command)")
        }
    }

    @Test func aClosedStdoutIsExit74() throws {
        let result = try shell(#""$G" eval 1 >&-; echo "exit $?" >&2"#)
        #expect(result.stderr == "error: cannot write to stdout: Bad file descriptor\nexit 74\n")
    }

    @Test func batchToAFullStdoutIsExit74() throws {
        let requests = (1...2_000).map { "{\"expr\": \"x*\($0)\", \"inputs\": {\"x\": 1}}" }.joined(separator: "\n") + "\n"
        for jobs in ["1", "2"] {
            let result = try shell(#""$G" batch --jobs "# + jobs + #" >/dev/full; echo "exit $?" >&2"#, stdin: requests)
            #expect(result.stderr.hasSuffix("error: cannot write to stdout: No space left on device\nexit 74\n"), "\(result.stderr)")
        }
    }

    /// With stdout closed, the JUnit report must not take its file descriptor and receive the
    /// records (issue 14, row 13).
    @Test func aClosedStdoutDoesNotLeakIntoTheJUnitFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("r.xml").path
        let result = try shell(#""$G" batch --junit '"# + report + #"' >&-; echo "exit $?" >&2"#, stdin: "{\"expr\": \"1\"}\n")
        #expect(result.stderr.hasSuffix("exit 74\n"), "\(result.stderr)")
        let xml = try String(contentsOfFile: report, encoding: .utf8)
        #expect(xml.hasPrefix("<?xml"), "\(xml)")
        #expect(!xml.contains("\"schema\""))
    }

    @Test func aClosedOrDirectoryStdinIsAnIOError() throws {
        let cases = [
            (#""$G" - <&-"#, "error: cannot read standard input: it is closed"),
            (#""$G" - </"#, "error: cannot read standard input: it is a directory"),
            (#""$G" x --inputs - </"#, "error: cannot read standard input: it is a directory"),
            (#""$G" x --inputs - <&-"#, "error: cannot read standard input: it is closed"),
            (#""$G" batch - <&-"#, "error: cannot read the requests: standard input is closed"),
            (#""$G" batch </"#, "error: cannot read standard input: it is a directory"),
        ]
        for (command, message) in cases {
            let result = try shell(command + "; echo \"exit $?\"")
            #expect(result.stdout == "exit 66\n", "\(command): \(result.stdout)")
            #expect(result.stderr.hasPrefix(message), "\(command): \(result.stderr)")
        }
    }
}
