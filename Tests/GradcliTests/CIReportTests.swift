import Foundation
import Testing

/// Batch reports for CI: request warnings reach TAP (YAML diagnostics) and JUnit
/// (`<system-err>`), and `--quiet` leaves only the reports.
@Suite struct CIReportTests {
    static let requests = """
        {"id": 1, "expr": "x^2", "inputs": {"x": 1, "y": 2}}
        {"id": 2, "expr": "x^2", "inputs": {"x": 3}, "rtoll": 1}
        {"id": 3, "expr": "x +"}

        """

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-ci-\(UUID().uuidString)-\(name)").path
    }

    @Test func warningsAreTAPDiagnostics() throws {
        let result = try CLI.run(["batch", "--tap"], stdin: Self.requests)
        #expect(result.stdout == """
            TAP version 14
            ok 1 - line 1 (id 1): x^2
              ---
              warnings:
                - "input `y` does not reach the output; its gradient is zero"
              ...
            ok 2 - line 2 (id 2): x^2
              ---
              warnings:
                - "unknown request field `rtoll` ignored (did you mean `rtol`?)"
              ...
            not ok 3 - line 3 (id 3): x +
              ---
              code: parse_error
              message: "expected an expression, found end of input"
              ...
            1..3

            """)
    }

    @Test func warningsAreJUnitSystemErr() throws {
        let path = Self.temporaryPath("junit.xml")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // --quiet: no JSON Lines and no summary; the report is the output.
        let result = try CLI.run(["batch", "--junit", path, "--quiet"], stdin: Self.requests)
        #expect(result.exitCode == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.isEmpty)
        let xml = try String(contentsOfFile: path, encoding: .utf8)
        #expect(xml.contains("""
                <testcase classname="gradcli.batch" name="line 1 (id 1): x^2">
                  <system-err>warning: input `y` does not reach the output; its gradient is zero</system-err>
                </testcase>
            """))
        #expect(xml.contains("<system-err>warning: unknown request field `rtoll` ignored (did you mean `rtol`?)</system-err>"))
        // One <system-err> per warned request, and none for the request that did not run.
        #expect(xml.components(separatedBy: "<system-err>").count - 1 == 2)
    }

    @Test func tapCombinesWithQuiet() throws {
        let result = try CLI.run(["batch", "--tap", "--quiet"], stdin: Self.requests)
        #expect(result.stdout.hasPrefix("TAP version 14\nok 1 - line 1 (id 1): x^2\n"))
        #expect(result.stdout.hasSuffix("1..3\n"))
        #expect(result.stderr.isEmpty)
    }

    /// Warnings cross from worker processes to the report intact.
    @Test func warningsSurviveWorkers() throws {
        let lines = (0..<80).map { #"{"id": \#($0), "expr": "x", "inputs": {"x": 1, "unused": 2}}"# }.joined(separator: "\n") + "\n"
        let result = try CLI.run(["batch", "--tap", "--jobs", "2"], stdin: lines)
        #expect(result.exitCode == 0)
        let warned = result.stdout.components(separatedBy: "    - \"input `unused` does not reach the output; its gradient is zero\"\n").count - 1
        #expect(warned == 80)
    }
}
