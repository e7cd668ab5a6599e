import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `gradcli batch`: one output line per request, in order, with ids and line numbers.
@Suite struct BatchTests {
    /// 10,000 requests of which one in ten is malformed.
    static let requests: String = (1...10_000).map { i -> String in
        if i % 10 == 0 { return "{\"id\": \(i), \"expr\": " } // truncated JSON
        return "{\"id\": \(i), \"expr\": \"x^3*sin(x) + mean(y*x)\", \"inputs\": {\"x\": \(Double(i) / 1000), \"y\": [1, 2, 3]}}"
    }.joined(separator: "\n") + "\n"

    @Test func tenThousandRequestsInOrder() throws {
        let result = try CLI.run(["batch"], stdin: Self.requests)
        #expect(result.exitCode == 65, "a malformed line makes the run exit 65")
        let lines = result.stdout.split(separator: "\n")
        try #require(lines.count == 10_000)
        for (index, line) in lines.enumerated() {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["line"] as? Int == index + 1)
            if (index + 1) % 10 == 0 {
                #expect((object["error"] as? [String: Any])?["code"] as? String == "parse_error")
            } else {
                #expect(object["id"] as? Int == index + 1)
                #expect(object["grad"] is [String: Any])
            }
        }
        #expect(result.stderr.contains("10000 requests: 9000 ran, 1000 failed to run"))
    }

    @Test func parallelOutputIsByteIdentical() throws {
        let serial = try CLI.run(["batch", "-", "--jobs", "1"], stdin: Self.requests)
        let parallel = try CLI.run(["batch", "--jobs", "2"], stdin: Self.requests)
        let byDefault = try CLI.run(["batch"], stdin: Self.requests)
        #expect(serial.stdout == parallel.stdout)
        #expect(serial.stdout == byDefault.stdout)
        #expect(serial.exitCode == parallel.exitCode)
    }

    /// Checks, failures and malformed lines from a file (large pieces, so worker processes run
    /// them): records, TAP and JUnit are the same bytes whatever the number of workers.
    @Test func workerProcessesReportLikeASerialRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-workers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let checks = try String(contentsOfFile: "samples/checks.jsonl", encoding: .utf8)
        let input = dir.appendingPathComponent("requests.jsonl")
        try (String(repeating: checks + "{\"id\": \"bad\", \"expr\": \n", count: 20)).write(to: input, atomically: true, encoding: .utf8)
        func run(_ jobs: String) throws -> (CLIResult, String) {
            let junit = dir.appendingPathComponent("report-\(jobs).xml")
            let result = try CLI.run(["batch", input.path, "--tap", "--junit", junit.path, "--jobs", jobs])
            return (result, try String(contentsOf: junit, encoding: .utf8))
        }
        let (serial, serialJUnit) = try run("1")
        let (parallel, parallelJUnit) = try run("3")
        #expect(serial.exitCode == 65)
        #expect(parallel.exitCode == serial.exitCode)
        #expect(parallel.stdout == serial.stdout)
        #expect(parallel.stderr == serial.stderr)
        #expect(parallelJUnit == serialJUnit)
        #expect(serial.stdout.contains("not ok 16 - line 16 (id \"wrong-product-rule\")"))
        #expect(serial.stderr.contains("340 requests: 320 ran, 20 failed to run; checks: 300 passed, 20 failed"))
    }

    /// A request that kills its worker process (here by exhausting memory) costs only its own
    /// line: the rest of the worker's block runs again, and the run exits 70.
    @Test func aDyingWorkerLosesOnlyItsRequest() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("requests.jsonl")
        let lines = (0..<100).map { i in
            "{\"id\": \(i), \"command\": \"eval\", \"expr\": \"\(i == 50 ? "sum(ones(100000000))" : "x*2")\", \"inputs\": {\"x\": \(i)}}"
        }
        try (lines.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        // The budget would refuse the request cleanly; lifting it lets the allocation kill the worker.
        let result = try CLI.run(["batch", input.path, "--jobs", "2", "--max-memory", "100G"], memoryLimitKB: 700_000)
        #expect(result.exitCode == 70, "\(result.stderr)")
        let records = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        try #require(records.count == 100)
        let failed = records.filter { $0["error"] != nil }
        #expect(failed.map { $0["id"] as? Int } == [50])
        #expect((failed.first?["error"] as? [String: Any])?["code"] as? String == "internal_error")
        #expect(records[99]["value"] as? Double == 198)
    }

    /// Lone and mismatched UTF-16 surrogates in JSON strings become U+FFFD (a high one followed
    /// by another high one used to trap).
    @Test func unpairedSurrogatesAreReplacementCharacters() throws {
        let line = #"{"id": "\uDADD\uDADD|\ud83d\ude00|\uDC00", "expr": "x", "inputs": {"x": 1}}"# + "\n"
        let result = try CLI.run(["batch"], stdin: line)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "\u{FFFD}\u{FFFD}|\u{1F600}|\u{FFFD}")
    }

    @Test func checksSuitePinsItsOutcome() throws {
        let result = try CLI.run(["batch", "samples/checks.jsonl"])
        #expect(result.exitCode == 1, "the suite holds one deliberately wrong derivation")
        let records = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let failed = records.filter { ($0["check"] as? [String: Any])?["passed"] as? Bool == false }.map { $0["id"] as? String }
        #expect(failed == ["wrong-product-rule"])
        #expect(records.allSatisfy { $0["error"] == nil }, "\(result.stdout)")
        #expect(result.stderr.contains("checks: 15 passed, 1 failed") || result.stderr.contains("passed, 1 failed"))
    }

    @Test func tapAndJUnitAreWellFormed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-junit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let junit = dir.appendingPathComponent("report.xml")
        let result = try CLI.run(["batch", "samples/checks.jsonl", "--tap", "--junit", junit.path])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "TAP version 14")
        // The plan comes last (TAP 14 allows it), so test points stream as requests finish.
        let plan = try #require(lines.last)
        #expect(plan.hasPrefix("1.."))
        let count = Int(plan.dropFirst(3)) ?? -1
        let points = lines.filter { $0.hasPrefix("ok ") || $0.hasPrefix("not ok ") }
        #expect(points.count == count)
        #expect(points.filter { $0.hasPrefix("not ok") }.count == 1)
        #expect(points.first { $0.hasPrefix("not ok") }?.contains("wrong-product-rule") == true)
        let document = try XMLDocument(contentsOf: junit)
        let cases = try document.nodes(forXPath: "//testcase")
        #expect(cases.count == count)
        #expect(try document.nodes(forXPath: "//failure").count == 1)
    }

    @Test func emptyAndBlankLines() throws {
        let result = try CLI.run(["batch"], stdin: "\n{\"expr\": \"x\", \"inputs\": {\"x\": 1}, \"command\": \"eval\"}\n\n")
        #expect(result.exitCode == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["line"] as? Int == 2)
        #expect(object["id"] is NSNull)
    }
}

extension BatchTests {
    @Test func jobsMustBeAPositiveCount() throws {
        for bad in ["0", "-1", "many"] {
            let result = try CLI.run(["batch", "--jobs", bad], stdin: "")
            #expect(result.exitCode == 64, "--jobs \(bad)")
            #expect(result.stderr.contains("'--jobs <n>'"))
        }
        let short = try CLI.run(["batch", "-j", "2"], stdin: "{\"expr\": \"x\", \"inputs\": {\"x\": 1}}\n")
        #expect(short.exitCode == 0)
    }
}

extension BatchTests {
    @Test func answersStreamAndSurviveALaterFailure() throws {
        // A request that hits the size limit fails alone; the others keep their results.
        let input = "{\"id\": 1, \"expr\": \"x^2\", \"inputs\": {\"x\": 3}}\n{\"id\": 2, \"expr\": \"sum(ones(100000000000))\"}\n"
        let result = try CLI.run(["batch"], stdin: input)
        #expect(result.exitCode == 65)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.contains("\"code\":\"limit_error\"") == true)
    }

    @Test func unwritableJUnitFailsBeforeAnyWork() throws {
        let result = try CLI.run(["batch", "samples/checks.jsonl", "--junit", "/nonexistent/dir/report.xml"])
        #expect(result.exitCode == 66)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot write '/nonexistent/dir/report.xml'"))
    }

    @Test func unknownRequestFieldsAreReportedAsWarnings() throws {
        let result = try CLI.run(["batch"], stdin: "{\"expr\": \"x\", \"inputs\": {\"x\": 1}, \"rtoll\": 1}\n")
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("unknown request field `rtoll`"))
    }
}

extension BatchTests {
    @Test func junitMayNameTheInputFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-self-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try String(contentsOf: CLI.packageRoot.appendingPathComponent("samples/checks.jsonl"), encoding: .utf8)
            .write(to: url, atomically: true, encoding: .utf8)
        let result = try CLI.run(["batch", url.path, "--junit", url.path])
        #expect(result.exitCode == 1, "the input is read before the report replaces it")
        #expect(result.stdout.split(separator: "\n").count == 16)
        #expect(try String(contentsOf: url, encoding: .utf8).hasPrefix("<?xml"))
    }

    @Test func aLongLineIsReadInPieces() throws {
        // One request whose input is a 2-million-element JSON list: many reads make up one line.
        let values = Array(repeating: "1.5", count: 2_000_000).joined(separator: ",")
        let result = try CLI.run(["batch"], stdin: "{\"command\": \"eval\", \"expr\": \"sum(x)\", \"inputs\": {\"x\": [\(values)]}}\n")
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"value\":3000000.0"))
    }
}

extension BatchTests {
    /// Workers that cannot write their records (here: a file size limit of 0, as with a full
    /// /tmp) must not pass for workers that died: the requests run in the main process, and
    /// the run reports exactly what a serial run does.
    @Test func workersThatCannotWriteTheirRecordsLeaveTheWorkToTheMainProcess() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-nospace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("requests.jsonl")
        let lines = (0..<100).map { "{\"id\": \($0), \"command\": \"eval\", \"expr\": \"x*2\", \"inputs\": {\"x\": \($0)}}" }
        try (lines.joined(separator: "\n") + "\n{\"id\": \"bad\"\n").write(to: input, atomically: true, encoding: .utf8)
        let serial = try CLI.run(["batch", input.path, "--jobs", "1"])
        // Under `ulimit -f 0` no regular file can grow, so stdout and stderr go through a pipe;
        // the exit code follows them.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "trap '' XFSZ; (ulimit -f 0; \"$0\" batch \"$1\" --jobs 2 2>&1; echo \"exit $?\") | cat",
                             CLI.binary.path, input.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let limited = String(decoding: data, as: UTF8.self)
        #expect(serial.exitCode == 65)
        #expect(limited == serial.stdout + serial.stderr + "exit 65\n")
    }
}
