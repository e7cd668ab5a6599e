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
    return try CLI.capture(process, stdin: stdin)
}

/// Results that cannot be written are an error (exit 74) with the
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
    /// records.
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

    /// Row 10: SIGTERM or SIGINT to the batch parent ends the run with 143 or 130, its workers
    /// die with it, and stdout holds only whole records.
    @Test(arguments: [("TERM", 143), ("INT", 130)])
    func aSignalStopsTheWholeBatch(signal: String, status: Int) throws {
        let requests = (0..<1000).map { "{\"id\": \($0), \"command\": \"eval\", \"expr\": \"sum(exp(ones(300000) * \($0 % 5)))\"}" }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-signal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.jsonl"), output = dir.appendingPathComponent("out.jsonl")
        try (requests.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        // A background job's SIGINT is ignored by default in a non-interactive shell; `set -m`
        // gives it a process group of its own, where it is not. The requests come through a
        // FIFO held open, so the run cannot end before the signal however fast it goes.
        let fifo = dir.appendingPathComponent("fifo").path
        let script = """
            set -m
            mkfifo '\(fifo)'
            "$G" batch --jobs 2 < '\(fifo)' > '\(output.path)' 2>/dev/null & P=$!
            exec 3>'\(fifo)'
            cat '\(input.path)' >&3
            while [ -z "$(ps -o pid= --ppid $P)" ]; do sleep 0.01; done
            C=$(ps -o pid= --ppid $P)
            kill -\(signal) $P; wait $P; echo "exit $?"
            exec 3>&-
            sleep 0.3
            for c in $C; do ps -o stat= -p $c; done
            """
        let result = try shell(script)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "exit \(status)", "\(result.stdout) \(result.stderr)")
        // Each worker is gone: no such process, or a zombie waiting for its new parent.
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("Z") }, "\(lines)")
        let written = try String(contentsOf: output, encoding: .utf8)
        #expect(written.isEmpty || written.hasSuffix("\n"))
        for line in written.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "a partial record: \(line.prefix(100))")
        }
    }

    /// Row 11: under `ulimit -f 64` the workers cannot write their records to temporary files;
    /// every record still arrives (the parent runs the requests itself), none an internal_error.
    @Test func aFileSizeLimitLosesNoRecord() throws {
        let requests = (0..<3000).map { "{\"id\": \($0), \"expr\": \"x*\($0)\", \"inputs\": {\"x\": 1}}" }.joined(separator: "\n") + "\n"
        let result = try shell(#"(ulimit -f 64; exec "$G" batch --jobs 2) | cat"#, stdin: requests)
        #expect(result.stderr == "3000 requests: 3000 ran, 0 failed to run\n", "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 3000)
        #expect(!result.stdout.contains("internal_error"))
        #expect(lines[2999].contains("\"id\":2999"))
        // Writing the results themselves past the limit is a write error, not a SIGXFSZ death.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-fsize-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let limited = try shell(#"ulimit -f 64; "$G" batch --jobs 1 > '"# + dir.appendingPathComponent("out").path + #"'; echo "exit $?" >&2"#,
                                stdin: requests)
        #expect(limited.stderr.hasSuffix("error: cannot write to stdout: File too large\nexit 74\n"), "\(limited.stderr)")
    }
}
