import Foundation
import Testing

/// Batch input that cannot stop the run or lose a record.
@Suite struct RobustnessBatchTests {
    static func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0.prefix(200))")
        }
    }

    /// Row 4: a 300 MB line between two good lines is an error record for that line; the
    /// line after it still runs, from a file and from a pipe alike.
    @Test func anOverlongLineIsOneErrorRecord() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-long-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("long.jsonl")
        FileManager.default.createFile(atPath: path.path, contents: nil)
        let file = try FileHandle(forWritingTo: path)
        file.write(Data("{\"id\": 1, \"expr\": \"1\"}\n{\"id\": 2, \"expr\": \"".utf8))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<300 { file.write(block) }
        file.write(Data("\"}\n{\"id\": 3, \"expr\": \"3\"}\n".utf8))
        try file.close()
        for script in [#""$G" batch "$F""#, #"cat "$F" | "$G" batch -"#, #""$G" batch --jobs 2 < "$F""#] {
            let result = try shell("F='\(path.path)'; " + script)
            #expect(result.stderr == "3 requests: 2 ran, 1 failed to run\n", "\(script): \(result.stderr)")
            let records = try Self.records(result.stdout)
            try #require(records.count == 3)
            #expect(records[0]["value"] as? Double == 1)
            let error = try #require(records[1]["error"] as? [String: Any])
            #expect(error["code"] as? String == "limit_error")
            #expect(error["message"] as? String == "line 2 is longer than 256 MiB, the longest request line gradcli reads")
            #expect(records[1]["line"] as? Int == 2)
            #expect(records[2]["value"] as? Double == 3)
            #expect(records[2]["line"] as? Int == 3)
        }
    }

    /// Row 20: NaN never passes a check unless both are NaN at the same place and
    /// `--equal-nan` (batch: `"equal_nan": true`) is given.
    @Test func nanNeverPassesUnlessEqualNaN() throws {
        let plain = try CLI.run(["check", "x^2", "x=nan", "--expect", "x=3*x"])
        #expect(plain.exitCode == 1)
        #expect(plain.stdout.hasPrefix("FAIL  d/dx  expect"), "\(plain.stdout)")
        let equal = try CLI.run(["check", "x^2", "x=nan", "--expect", "x=3*x", "--equal-nan"])
        #expect(equal.exitCode == 0)
        #expect(equal.stdout.hasPrefix("PASS"))
        // NaN against a number fails even with --equal-nan.
        let mixed = try CLI.run(["check", "x^2", "x=nan", "--expect", "x=3", "--equal-nan"])
        #expect(mixed.exitCode == 1)
        let batch = try CLI.run(["batch"], stdin: """
            {"command": "check", "expr": "x^2", "inputs": {"x": "NaN"}, "expect": {"x": "3*x"}}
            {"command": "check", "expr": "x^2", "inputs": {"x": "NaN"}, "expect": {"x": "3*x"}, "equal_nan": true}
            {"command": "check", "expr": "x^2", "inputs": {"x": 1}, "expect": {"x": "2*x"}, "equal_nan": 1}

            """)
        let records = try Self.records(batch.stdout)
        try #require(records.count == 3)
        #expect((records[0]["check"] as? [String: Any])?["passed"] as? Bool == false)
        #expect((records[1]["check"] as? [String: Any])?["passed"] as? Bool == true)
        #expect((records[2]["error"] as? [String: Any])?["message"] as? String == "\"equal_nan\" must be true or false")
    }

    /// Row 21: reshaping to more than 64 dimensions is a limit_error, not a shape error.
    @Test func reshapePastTheRankLimitIsALimitError() throws {
        let ones = Array(repeating: "1", count: 65).joined(separator: ",")
        for expr in ["reshape(ones(1), [\(ones)])", "ones(1).view(\(ones))"] {
            let result = try CLI.run(["eval", expr, "--json"])
            #expect(result.exitCode == 65)
            #expect(result.stdout.contains("\"code\":\"limit_error\""), "\(result.stdout)")
            #expect(result.stdout.contains("a tensor with 65 dimensions is beyond the limit of 64 dimensions"))
        }
    }
}
