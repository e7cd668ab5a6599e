import Foundation
import Testing

/// One command of a sample transcript with the output it must produce.
struct TranscriptCase: CustomTestStringConvertible, Sendable {
    let file: String
    let line: Int
    let arguments: [String]
    let stdout: String
    let stderrContains: [String]
    let exitCode: Int32

    var testDescription: String { "\(file):\(line)" }
}

/// Reads `samples/*.txt` transcripts: `$ gradcli ARGS` lines, each followed by its exact
/// stdout; `! TEXT` lines must appear in stderr; `? N` is the exit code (default 0);
/// `#` lines are comments and end the expected output, as does a blank line before `$`.
enum Transcripts {
    static let directory = CLI.packageRoot.appendingPathComponent("samples")

    static func load() -> [TranscriptCase] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
        return files.flatMap { parse(file: $0, text: (try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)) ?? "") }
    }

    static func parse(file: String, text: String) -> [TranscriptCase] {
        var cases: [TranscriptCase] = []
        var current: (line: Int, args: [String])?
        var stdout: [String] = [], stderr: [String] = [], exitCode: Int32 = 0
        func finish() {
            guard let c = current else { return }
            while stdout.last == "" { stdout.removeLast() }
            cases.append(TranscriptCase(file: file, line: c.line, arguments: c.args,
                                        stdout: stdout.isEmpty ? "" : stdout.joined(separator: "\n") + "\n",
                                        stderrContains: stderr, exitCode: exitCode))
            current = nil; stdout = []; stderr = []; exitCode = 0
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).enumerated() {
            if line.hasPrefix("$ gradcli") {
                finish()
                current = (index + 1, Array(shellWords(String(line.dropFirst(2))).dropFirst()))
            } else if line.hasPrefix("#") {
                finish()
            } else if current != nil {
                if line.hasPrefix("! ") { stderr.append(String(line.dropFirst(2))) }
                else if line.hasPrefix("? "), let code = Int32(line.dropFirst(2)) { exitCode = code }
                else { stdout.append(line) }
            }
        }
        finish()
        return cases
    }
}

@Suite struct SamplesTests {
    @Test func samplesExist() {
        #expect(Transcripts.load().count >= 13, "every worked example has a sample")
    }

    @Test(arguments: Transcripts.load())
    func sample(_ c: TranscriptCase) throws {
        let result = try CLI.run(c.arguments)
        #expect(result.stdout == c.stdout, "stderr: \(result.stderr)")
        #expect(result.exitCode == c.exitCode, "stderr: \(result.stderr)")
        for text in c.stderrContains { #expect(result.stderr.contains(text), "stderr: \(result.stderr)") }
    }
}
