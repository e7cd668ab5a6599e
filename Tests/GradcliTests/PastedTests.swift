import Foundation
import Testing

/// The pasted PyTorch one-liners of `samples/pasted.jsonl`, run through the binary (one
/// `gradcli batch` of all of them) and compared with what PyTorch 2.13 gave in float64: the
/// value, its shape, the output's `grad_fn`, and the gradient of every float input (after
/// backward with the recorded `grad_output` when the output is not a scalar). Cases PyTorch
/// or gradcli refuses must be refused, with the recorded message where the case names one.
///
/// The file is written by `scripts/gen_pasted.py` from `scripts/pasted_cases.py`, where each
/// case is the PyTorch code exactly as pasted; the test never runs PyTorch.
@Suite struct PastedTests {
    struct Case: @unchecked Sendable {
        let line: Int
        let record: [String: Any]
        var code: String { record["torch"] as? String ?? "" }
    }

    static let cases: [Case] = {
        let url = CLI.packageRoot.appendingPathComponent("samples/pasted.jsonl")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").enumerated().compactMap { i, line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).map { Case(line: i + 1, record: $0) }
        }
    }()

    /// The batch request that pastes the case's code.
    static func request(_ c: Case) throws -> String {
        var request: [String: Any] = ["id": c.line, "expr": c.code, "inputs": c.record["inputs"] ?? [:]]
        if let wrt = c.record["wrt"] {
            request["command"] = "grad"
            request["wrt"] = wrt
            if let g = c.record["grad_output"] { request["grad_output"] = g }
        } else {
            request["command"] = "eval"
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)
    }

    /// Every record gradcli gives, by line of the table.
    static let answers: [Int: [String: Any]] = {
        guard let input = try? cases.map(request).joined(separator: "\n"),
              let result = try? CLI.run(["batch", "-", "--jobs", "1"], stdin: input + "\n") else { return [:] }
        var answers: [Int: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["id"] as? Int else { continue }
            answers[id] = object
        }
        return answers
    }()

    /// Nested numbers (or "NaN"/"Infinity" strings) equal within 1e-9 relative and absolute.
    static func close(_ a: Any?, _ b: Any?) -> Bool {
        if let a = a as? [Any], let b = b as? [Any] { return a.count == b.count && zip(a, b).allSatisfy { close($0, $1) } }
        if let a = a as? String, let b = b as? String { return a == b }
        guard let x = (a as? NSNumber)?.doubleValue, let y = (b as? NSNumber)?.doubleValue, !(a is [Any]), !(b is [Any]) else { return false }
        return Swift.abs(x - y) <= 1e-9 + 1e-9 * Swift.abs(y)
    }

    @Test func theTableHasAtLeast300Cases() {
        #expect(Self.cases.count >= 300)
    }

    @Test(arguments: cases.map(\.line))
    func pastedCodeAgreesWithPyTorch(line: Int) throws {
        let c = Self.cases[line - 1]
        let answer = try #require(Self.answers[line], "no answer for `\(c.code)`")
        if c.record["error"] != nil || c.record["refuse"] != nil {
            let error = try #require(answer["error"] as? [String: Any], "`\(c.code)` should be refused; gave \(answer)")
            if let text = c.record["refuse"] as? String {
                #expect((error["message"] as? String ?? "").contains(text), "`\(c.code)`: \(error)")
            }
            return
        }
        #expect(answer["error"] == nil, "`\(c.code)`: \(answer["error"] ?? "")")
        #expect(Self.close(answer["value"], c.record["value"]), "`\(c.code)` value \(answer["value"] ?? "nil"), PyTorch \(c.record["value"] ?? "")")
        #expect((answer["shape"] as? [Int]) == (c.record["shape"] as? [Int]), "`\(c.code)` shape")
        guard let grads = c.record["grad"] as? [String: Any] else { return }
        #expect((answer["grad_fn"] as? String) == (c.record["grad_fn"] as? String),
                "`\(c.code)` grad_fn \(answer["grad_fn"] ?? "nil"), PyTorch \(c.record["grad_fn"] ?? "nil")")
        let given = answer["grad"] as? [String: Any] ?? [:]
        for (name, expected) in grads {
            #expect(Self.close(given[name], expected), "`\(c.code)` grad \(name) \(given[name] ?? "nil"), PyTorch \(expected)")
        }
    }
}
