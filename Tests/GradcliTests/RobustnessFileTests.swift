import Foundation
import Testing

/// Batch requests read no files unless `--allow-files DIR` allows
/// them, and then only regular files under DIR; no error quotes a file's content; `@file` on
/// the command line checks the extension and the file type before reading.
@Suite struct RobustnessFileTests {
    /// A scratch directory holding `data/v.csv`, a secret outside `data/`, a symlink from
    /// inside `data/` to the secret, and a FIFO named `.csv` and `.txt`.
    final class Scratch {
        let root: URL
        var data: URL { root.appendingPathComponent("data") }
        var secret: URL { root.appendingPathComponent("secret.csv") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-files-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("data"), withIntermediateDirectories: true)
            try "1,2,3\n".write(to: data.appendingPathComponent("v.csv"), atomically: true, encoding: .utf8)
            try "name,passwd\n1,SECRET-TOKEN-123\n".write(to: data.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
            try "[1, \"SECRET-TOKEN-123\"]".write(to: data.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
            try "7\n".write(to: secret, atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(at: data.appendingPathComponent("link.csv"), withDestinationURL: secret)
            #expect(mkfifo(data.appendingPathComponent("pipe.csv").path, 0o600) == 0)
            #expect(mkfifo(data.appendingPathComponent("pipe.txt").path, 0o600) == 0)
        }

        deinit { try? FileManager.default.removeItem(at: root) }
    }

    /// The records of a batch run, parsed.
    static func records(_ result: CLIResult) throws -> [[String: Any]] {
        try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
    }

    static func request(_ path: String) -> String {
        let escaped = path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\0", with: "\\u0000")
        return "{\"command\": \"eval\", \"expr\": \"sum(x)\", \"inputs\": {\"x\": \"@\(escaped)\"}}"
    }

    @Test func batchReadsNoFileWithoutAllowFiles() throws {
        let scratch = try Scratch()
        let paths = [scratch.data.appendingPathComponent("v.csv").path, "data/v.csv", "/etc/passwd", "/etc/passwd\0.csv",
                     "/dev/zero\0.npy", "../etc/passwd.csv"]
        let result = try CLI.run(["batch", "--jobs", "1"], stdin: paths.map(Self.request).joined(separator: "\n") + "\n",
                                 directory: scratch.root)
        let records = try Self.records(result)
        try #require(records.count == paths.count)
        for record in records {
            let error = try #require(record["error"] as? [String: Any], "\(record)")
            #expect(error["code"] as? String == "usage_error" || error["code"] as? String == "io_error")
            #expect(record["value"] == nil)
        }
        let first = try #require(records[0]["error"] as? [String: Any])
        #expect((first["message"] as? String)?.contains("batch requests may not read files") == true)
        #expect((first["hint"] as? String)?.contains("--allow-files") == true)
        #expect(!result.stdout.contains("root:"))
        #expect(result.exitCode == 65)
    }

    @Test func allowFilesReadsOnlyRegularFilesUnderTheDirectory() throws {
        let scratch = try Scratch()
        let inside = scratch.data.appendingPathComponent("v.csv").path
        let cases: [(path: String, expectValue: Double?, code: String?)] = [
            (inside, 6, nil),                        // absolute, inside
            ("v.csv", 6, nil),                       // relative to DIR
            ("./v.csv", 6, nil),
            ("../secret.csv", nil, "usage_error"),    // a `..` component
            (scratch.data.path + "/../secret.csv", nil, "usage_error"),
            (scratch.secret.path, nil, "usage_error"),   // outside
            ("link.csv", nil, "usage_error"),         // a symlink that escapes
            ("v.csv\0.csv", nil, "usage_error"),      // a NUL byte
            ("pipe.csv", nil, "io_error"),            // a FIFO: refused, not waited on
            ("/dev/zero", nil, "usage_error"),        // no known extension
            ("missing.csv", nil, "io_error"),
        ]
        let stdin = cases.map { Self.request($0.path) }.joined(separator: "\n") + "\n"
        let result = try CLI.run(["batch", "--jobs", "1", "--allow-files", scratch.data.path], stdin: stdin, directory: scratch.root)
        let records = try Self.records(result)
        try #require(records.count == cases.count, "\(result.stdout)\(result.stderr)")
        for (record, expected) in zip(records, cases) {
            if let value = expected.expectValue {
                #expect(record["value"] as? Double == value, "\(expected.path): \(record)")
            } else {
                #expect((record["error"] as? [String: Any])?["code"] as? String == expected.code, "\(expected.path): \(record)")
            }
        }
        #expect(!result.stdout.contains("\"value\":7"), "the secret's value never appears")
    }

    @Test func batchErrorsQuoteNoFileContent() throws {
        let scratch = try Scratch()
        let stdin = [Self.request("bad.csv"), Self.request("bad.json")].joined(separator: "\n") + "\n"
        let result = try CLI.run(["batch", "--allow-files", scratch.data.path], stdin: stdin, directory: scratch.root)
        let records = try Self.records(result)
        try #require(records.count == 2)
        for record in records {
            #expect((record["error"] as? [String: Any])?["code"] as? String == "value_error", "\(record)")
        }
        #expect(!result.stdout.contains("SECRET"), "\(result.stdout)")
        #expect(!result.stderr.contains("SECRET"))
        #expect(result.stdout.contains("bad.csv:2: value 2 is not a finite number\""), "the place is still named: \(result.stdout)")
    }

    @Test func allowFilesMustNameADirectory() throws {
        let result = try CLI.run(["batch", "--allow-files", "/no/such/dir"], stdin: "{\"expr\": \"1\"}\n")
        #expect(result.exitCode == 66)
        #expect(result.stderr.contains("--allow-files: cannot use '/no/such/dir'"))
        #expect(result.stdout.isEmpty)
    }

    /// Row 17: the command line reads only regular files, and checks the extension first.
    @Test func commandLineFilesAreRegularFilesWithAKnownExtension() throws {
        let scratch = try Scratch()
        let zero = try CLI.run(["eval", "x", "x=@/dev/zero"])
        #expect(zero.exitCode == 64)
        #expect(zero.stderr.contains("cannot tell the format of '/dev/zero'"))
        // A FIFO named .txt is refused by its extension without being opened (no writer: it would block).
        let txt = try CLI.run(["eval", "x", "x=@" + scratch.data.appendingPathComponent("pipe.txt").path])
        #expect(txt.exitCode == 64)
        let fifo = try CLI.run(["eval", "x", "x=@" + scratch.data.appendingPathComponent("pipe.csv").path])
        #expect(fifo.exitCode == 66)
        #expect(fifo.stderr.contains("it is a FIFO (named pipe), not a regular file"), "\(fifo.stderr)")
        let directory = try CLI.run(["eval", "x", "x=@" + scratch.root.path + "/data.csv"])
        #expect(directory.exitCode == 66)
        try FileManager.default.createDirectory(at: scratch.root.appendingPathComponent("d.csv"), withIntermediateDirectories: true)
        let dir = try CLI.run(["eval", "x", "x=@" + scratch.root.appendingPathComponent("d.csv").path])
        #expect(dir.exitCode == 66)
        #expect(dir.stderr.contains("it is a directory"))
        // The command line may still read any regular file the user names, and quotes its errors.
        let ok = try CLI.run(["eval", "sum(x)", "x=@" + scratch.secret.path])
        #expect(ok.exitCode == 0)
        #expect(ok.stdout.hasPrefix("value = 7"))
        let bad = try CLI.run(["eval", "x", "x=@" + scratch.data.appendingPathComponent("bad.csv").path])
        #expect(bad.exitCode == 65)
        #expect(bad.stderr.contains("'SECRET-TOKEN-123'"), "the user's own file is quoted to the user")
    }

    /// A NUL byte in a path from an `--inputs` file cannot smuggle a device past the checks.
    @Test func inputsFileWithNulInAPath() throws {
        let scratch = try Scratch()
        let inputs = scratch.root.appendingPathComponent("inputs.json")
        try #"{"x": "@/dev/zero\u0000.npy"}"#.write(to: inputs, atomically: true, encoding: .utf8)
        let result = try CLI.run(["eval", "x", "--inputs", inputs.path])
        #expect(result.exitCode == 64 || result.exitCode == 66, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
