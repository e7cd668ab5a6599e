import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Hostile text in requests (control characters, huge names, duplicate keys).
@Suite struct RobustnessTextTests {
    static func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0.prefix(200))")
        }
    }

    /// Row 7: control characters are shown escaped in every message, never written raw.
    @Test func controlCharactersAreEscapedOnTheTerminal() throws {
        let cases: [[String]] = [
            ["eval", "\u{1b}]0;pwned\u{07}\u{1b}[2Jx+", "x=1"],
            ["eval", "x + \"\u{1b}[2J\"", "x=1"],                  // in a string
            ["eval", "x + # \u{1b}[2J", "x=1"],                 // in a comment
            ["eval", "x", "x=@/tmp/\u{1b}[2J.csv"],              // in a file name
            ["grad", "x", "x=1", "--wrt", "\u{1b}[2J"],          // in --wrt
            ["eval", "\u{9b}2Jx+", "x=1"],                       // the one-character CSI
            ["eval", "x\u{202e}+", "x=1"],                       // a bidi override
        ]
        for arguments in cases {
            let result = try CLI.run(arguments)
            #expect(result.exitCode != 0)
            let raw = result.stderr.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202e}" }
            #expect(raw.isEmpty, "\(arguments): \(result.stderr.debugDescription)")
            #expect(result.stderr.contains("\\u{"), "\(arguments): \(result.stderr)")
        }
        let title = try CLI.run(["eval", "\u{1b}]0;pwned\u{07}x+", "x=1"])
        #expect(title.stderr.contains("\\u{1b}]0;pwned\\u{7}x+"), "\(title.stderr)")
    }

    /// Row 12: a CR LF in a request's expression cannot forge a TAP test point.
    @Test func tapEscapesLineBreaks() throws {
        let result = try CLI.run(["batch", "-", "--tap"], stdin: #"{"expr":"1\r\nok 7 - injected"}"# + "\n")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.hasPrefix("ok") }, "\(result.stdout)")
        #expect(result.stdout.contains("not ok 1 - line 1: 1\\u{d}\\u{a}ok 7 - injected\n"), "\(result.stdout)")
        #expect(!result.stdout.contains("\r"))
    }

    /// Row 13: the JUnit report is valid XML whatever the expressions hold (U+FFFE, controls).
    @Test func junitIsValidXML() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-xml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = dir.appendingPathComponent("r.xml")
        let stdin = #"{"expr":"x\uFFFE+1"}"# + "\n" + #"{"expr":"x\u0001\u001b"}"# + "\n" + #"{"expr":"1"}"# + "\n"
        let result = try CLI.run(["batch", "--junit", report.path], stdin: stdin)
        #expect(result.exitCode == 65)
        let data = try Data(contentsOf: report)
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "\(String(decoding: data, as: UTF8.self)) \(String(describing: parser.parserError))")
        #expect(String(decoding: data, as: UTF8.self).contains("x\\u{fffe}+1"))
    }

    /// Row 14: the parse cache is keyed by exact bytes, not canonical equivalence.
    @Test func parseCacheKeysOnBytes() throws {
        // `e` + U+0301 and U+00E9 are canonically equal Strings but differ by a scalar, so a
        // reused parse would put the graph's source snippets one character off.
        let stdin = ##"{"command":"graph","expr":"# e\u0301\nx*2","inputs":{"x":1}}"## + "\n"
            + ##"{"command":"graph","expr":"# \u00e9\nx*2","inputs":{"x":1}}"## + "\n"
        let result = try CLI.run(["batch", "--jobs", "1"], stdin: stdin)
        let records = try Self.records(result.stdout)
        try #require(records.count == 2)
        for record in records {
            #expect((record["graph"] as? String)?.hasPrefix("MulBackward0  []  x*2\n") == true, "\(record)")
        }
    }

    /// Row 15: a key given twice is a usage_error for that record.
    @Test func duplicateKeysAreUsageErrors() throws {
        let stdin = [#"{"expr":"1","expr":"2"}"#, #"{"expr":"x","inputs":{"x":1,"x":2}}"#,
                     #"{"command":"check","expr":"x^2","inputs":{"x":1},"expect":{"x":"2*x","x":"3"}}"#, #"{"expr":"5"}"#]
        let result = try CLI.run(["batch"], stdin: stdin.joined(separator: "\n") + "\n")
        let records = try Self.records(result.stdout)
        try #require(records.count == 4)
        let messages = records.prefix(3).map { ($0["error"] as? [String: Any])?["message"] as? String }
        #expect(messages == ["the request has the key \"expr\" more than once", "\"inputs\" has the key \"x\" more than once",
                             "\"expect\" has the key \"x\" more than once"])
        #expect(records.prefix(3).allSatisfy { ($0["error"] as? [String: Any])?["code"] as? String == "usage_error" })
        #expect(records[3]["value"] as? Double == 5)
    }

    /// Rows 5 and 6: a huge unknown name gets no suggestion search, and a request with
    /// 150,000 inputs runs; both were quadratic (25 s and over 10 s in a release build).
    @Test func hugeNamesAndManyInputsStayLinear() throws {
        let name = String(repeating: "q", count: 300_000)
        let start = Date()
        // The issue's 60,000 characters (an argument may hold at most 128 KiB).
        let single = try CLI.run(["eval", String(name.prefix(60_000)) + "b"])
        #expect(single.exitCode == 65)
        #expect(single.stderr.contains("unknown variable"))
        let batch = try CLI.run(["batch"], stdin: "{\"expr\": \"\(name)b\", \"inputs\": {\"\(name)\": 1}}\n")
        #expect(batch.stdout.contains("name_error"))
        let inputs = (0..<150_000).map { "\"v\($0)\": \($0)" }.joined(separator: ",")
        let many = try CLI.run(["batch"], stdin: "{\"command\": \"eval\", \"expr\": \"v1 + v149999\", \"inputs\": {\(inputs)}}\n")
        let records = try Self.records(many.stdout)
        #expect(records.first?["value"] as? Double == 150_000)
        // Generous for a debug build on a busy machine; the quadratic versions took minutes here.
        #expect(Date().timeIntervalSince(start) < 60)
    }
}
