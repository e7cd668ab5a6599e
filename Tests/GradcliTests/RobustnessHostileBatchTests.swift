import Foundation
import Testing

/// Hostile batch input: 10,000 requests of which one in ten is hostile (files, huge
/// lines, huge names, allocation bombs, control characters) give 10,000 records in order,
/// none an internal_error, and no file content in any record.
@Suite struct RobustnessHostileBatchTests {
    @Test func tenThousandRequestsWithHostileOnes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("secret.csv")
        try "4242.5,SECRET-CONTENT\n".write(to: secret, atomically: true, encoding: .utf8)
        let hugeName = String(repeating: "n", count: 20_000)
        let padding = String(repeating: "p", count: 50_000)
        func hostile(_ i: Int) -> String {
            switch (i / 10) % 9 {
            case 0: return #"{"id": \#(i), "expr": "x", "inputs": {"x": "@/etc/passwd"}}"#
            case 1: return #"{"id": \#(i), "expr": "x", "inputs": {"x": "@\#(secret.path)"}}"#
            case 2: return #"{"id": \#(i), "expr": "x", "inputs": {"x": "@/dev/zero\u0000.npy"}}"#
            case 3: return #"{"id": \#(i), "expr": "\#(hugeName) + 1"}"#
            case 4: return #"{"id": \#(i), "command": "eval", "expr": "a=ones(134217728); b=a+1; sum(b)"}"#
            case 5: return #"{"id": \#(i), "expr": "\u001b]0;pwned\u0007\u009b2Jx+", "inputs": {"x": 1}}"#
            case 6: return #"{"id": \#(i), "expr": "1", "pad": "\#(padding)"}"#
            case 7: return #"{"id": \#(i), "expr": "1", "expr": "x", "inputs": {"x": "@\#(secret.path)"}}"#
            default: return #"{"id": \#(i), "command": "jacobian", "expr": "x*2", "inputs": {"x": "ones(100000)"}}"#
            }
        }
        let lines = (0..<10_000).map { i in
            i % 10 == 0 ? hostile(i) : #"{"id": \#(i), "expr": "x^2*sin(x)", "inputs": {"x": \#(Double(i) / 100)}}"#
        }
        let result = try CLI.run(["batch", "--max-memory", "512M"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(result.exitCode == 65, "\(result.stderr.prefix(500))")
        #expect(result.stderr.hasSuffix("10000 requests: 9111 ran, 889 failed to run\n"), "\(result.stderr.suffix(300))")
        let records = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0.prefix(300))")
        }
        try #require(records.count == 10_000)
        var codes: [String: Int] = [:]
        for (i, record) in records.enumerated() {
            #expect(record["id"] as? Int == i)
            #expect(record["line"] as? Int == i + 1)
            if let code = (record["error"] as? [String: Any])?["code"] as? String { codes[code, default: 0] += 1 }
            if i % 10 != 0 { #expect(record["grad"] != nil, "\(record)") }
        }
        #expect(codes["internal_error"] == nil)
        // Of the 1000 hostile requests, kind 0 comes 112 times and the others 111 times:
        // usage_error for the three file kinds and the duplicate key (112 + 3 * 111), limit_error
        // for the bomb (the budget) and the Jacobian (the element limit), name_error for the
        // huge name, parse_error for the control characters; the padded request runs.
        #expect(codes == ["usage_error": 445, "limit_error": 222, "name_error": 111, "parse_error": 111], "\(codes)")
        #expect(!result.stdout.contains("SECRET"))
        #expect(!result.stdout.contains("4242.5"))
        #expect(!result.stdout.contains("root:"))
        #expect(!result.stdout.contains("\u{1b}") && !result.stderr.contains("\u{1b}"))
    }
}
