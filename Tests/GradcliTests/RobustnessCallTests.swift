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
                // `linalg.norm` is written `torch.linalg.norm`, as pasted.
                let function = name.contains(".") ? "torch." + name : name
                let request: [String: Any] = ["id": lines.count, "command": "eval", "expr": "\(function)(\(arguments))", "inputs": Self.inputs]
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

    /// The same calls in a `gradcli run` program, as `torch.NAME(...)` and as methods, each inside
    /// try/except: every one gives a value or an exception, and the program runs to its end.
    @Test func everyFunctionAnswersOrRaisesInPrograms() throws {
        let help = try CLI.run(["help", "functions"]).stdout
        let names = Set(help.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let open = line.firstIndex(of: "(") else { return nil }
            let name = line[line.index(line.startIndex, offsetBy: 2)..<open]
            return !name.isEmpty && name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) ? String(name) : nil
        }).sorted()
        var program = """
        import torch
        s = torch.tensor(1.5)
        v = torch.tensor([1.0, -2.0, 3.0])
        m = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
        e = torch.ones(0)
        z = torch.ones(2, 0)
        t = torch.ones(2, 2, 2)
        n = 0

        """
        var calls = 0
        for name in names {
            var forms = Self.argumentShapes.map { "torch.\(name)(\($0))" }
            // As methods of a 0-d, a 2-D and an empty tensor (`self` is the first argument).
            if !name.contains(".") {
                forms += ["s", "m", "e"].flatMap { receiver in ["", "1", "0, 1", "-1, True", "m", "e", "dim=5"].map { "\(receiver).\(name)(\($0))" } }
            }
            for call in forms {
                program += "try:\n    \(call)\nexcept Exception as error:\n    pass\nn += 1\n"
            }
            calls += forms.count
        }
        program += "print(n)\n"
        let result = try CLI.run(["run", "-"], stdin: program)
        #expect(result.exitCode == 0, "exit \(result.exitCode): \(result.stderr.suffix(800))")
        #expect(result.stdout == "\(calls)\n", "\(result.stdout.suffix(200))")
    }
}
