import Foundation
import Testing

/// Every function `gradcli help functions` lists, called with argument shapes it may not expect
/// (none, a 0-d tensor, an empty one, several tensors, stray integers), either answers or refuses
/// with a message: no call crashes. All calls run in one `gradcli batch --jobs 1`, so a single
/// crash loses the run and every record after it.
@Suite struct RobustnessCallTests {
    static let argumentShapes = ["", "s", "v", "m", "e", "z", "t", "v, v", "m, m", "m, 1", "m, 0, 1", "t, 1, 2", "v, 2",
                                 "m, m, m", "e, e", "m, -1", "s, s", "v, 0.5", "m, v", "v, 'x'", "m, dim=5"]
    static let inputs: [String: Any] = ["s": 1.5, "v": [1, -2, 3], "m": [[1, 2], [3, 4]], "e": [] as [Double],
                                        "z": [[], []] as [[Double]], "t": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]]

    @Test func everyFunctionAnswersOrRefusesOddArguments() throws {
        let help = try CLI.run(["help", "functions"]).stdout
        let names = Set(help.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let open = line.firstIndex(of: "(") else { return nil }
            let name = line[line.index(line.startIndex, offsetBy: 2)..<open]
            return name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) && !name.isEmpty ? String(name) : nil
        }).sorted()
        #expect(names.count > 200, "\(names.count) functions in help")
        var lines: [String] = []
        for name in names {
            for arguments in Self.argumentShapes {
                let request: [String: Any] = ["id": lines.count, "command": "eval", "expr": "\(name)(\(arguments))", "inputs": Self.inputs]
                lines.append(String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
            }
        }
        let result = try CLI.run(["batch", "-", "--jobs", "1"], stdin: lines.joined(separator: "\n") + "\n")
        let records = result.stdout.split(separator: "\n")
        #expect(records.count == lines.count, "\(records.count) of \(lines.count) records; stderr: \(result.stderr.suffix(500))")
        #expect(result.exitCode == 0 || result.exitCode == 65, "exit \(result.exitCode): \(result.stderr.suffix(500))")
        if records.count < lines.count {
            Issue.record("the run stopped after \(lines[records.count])")
        }
    }
}
