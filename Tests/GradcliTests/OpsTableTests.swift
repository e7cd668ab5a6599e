import Foundation
import Testing

/// docs/ops.md is the output of `gradcli help ops`; regenerate it with
/// `gradcli help ops > docs/ops.md` after adding or changing an op.
@Suite struct OpsTableTests {
    @Test func docsOpsMarkdownIsUpToDate() throws {
        let result = try CLI.run(["help", "ops"])
        #expect(result.exitCode == 0)
        let file = try String(contentsOf: CLI.packageRoot.appendingPathComponent("docs/ops.md"), encoding: .utf8)
        #expect(file == result.stdout, "docs/ops.md is out of date: run `gradcli help ops > docs/ops.md`")
    }

    @Test func everyRowHasTheColumnsTheHeaderNames() throws {
        let result = try CLI.run(["help", "ops"])
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count > 150)
        for row in rows {
            // Eight cells: the separators are the bars not escaped with a backslash.
            var bars = 0, previous: Character = " "
            for c in row {
                if c == "|" && previous != "\\" { bars += 1 }
                previous = c
            }
            #expect(bars == 9, "\(row)")
        }
        #expect(rows.contains { $0.hasPrefix("| `relu` |") && $0.contains("ReluBackward0") && $0.contains("relu'(0) = 0") })
        #expect(rows.contains { $0.hasPrefix("| `eq` |") && $0.contains("| no |") && $0.contains("result bool") })
    }
}
