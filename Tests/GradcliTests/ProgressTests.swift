import Foundation
import Testing

/// Progress bars: on stderr, only when it is a terminal and the work has run for a second.
@Suite struct ProgressTests {
    static let script = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")
    /// Requests that arrive over 1.5 seconds: the batch runs longer than a second.
    static let slowBatch = #"(echo '{"expr": "1"}'; sleep 1.5; echo '{"expr": "2"}'; sleep 0.3; echo '{"expr": "3"}') | "$G" batch >/dev/null"#

    @Test(.enabled(if: script, "skipped: util-linux script (a terminal for the test) is not installed"))
    func aLongBatchShowsProgressOnATerminal() throws {
        // script(1) gives the batch a terminal for stderr; its output is what the terminal shows.
        let result = try shell("script -qec '\(Self.slowBatch.replacingOccurrences(of: "'", with: "'\\''"))' /dev/null")
        #expect(result.exitCode == 0, "\(result.stderr)")
        // From a pipe the total is unknown: the bar is a count, erased before the summary.
        #expect(result.stdout.contains("\r2 requests"), "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains("\r" + String(repeating: " ", count: 60) + "\r3 requests: 3 ran"), "\(result.stdout.debugDescription)")
    }

    @Test func noProgressOffATerminal() throws {
        let result = try shell(Self.slowBatch)
        #expect(result.exitCode == 0)
        #expect(result.stderr == "3 requests: 3 ran, 0 failed to run\n", "\(result.stderr)")
    }
}
