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
            if let text = c.record["refuse"] as? String, !text.isEmpty {
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

/// README's function list and `gradcli help functions` name the same functions, so neither
/// can drift from the registry (help is generated from it).
@Suite struct FunctionListTests {
    /// The names `gradcli help functions` lists, one `name(params)` row each.
    static func helpNames() throws -> Set<String> {
        let help = try CLI.run(["help", "functions"]).stdout
        return Set(help.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("  "), let open = line.firstIndex(of: "(") else { return nil }
            let name = line[line.startIndex..<open].trimmingCharacters(in: .whitespaces)
            return name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) && !name.isEmpty ? name : nil
        })
    }

    /// The names in README's "- Functions" list: every word in backticks in its sub-bullets,
    /// before the parenthesised notes.
    static func readmeNames() throws -> Set<String> {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("- Functions (PyTorch names") }) else { return [] }
        var names: Set<String> = []
        var item = ""
        func take() {
            // Only the list before the first "(" note or ", with" text of a family.
            let head = item.components(separatedBy: "` (").first ?? item
            for (i, part) in head.components(separatedBy: "`").enumerated() where i % 2 == 1 {
                for word in part.split(separator: " ") where word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                    names.insert(String(word))
                }
            }
        }
        let body = lines[(start + 1)...].drop { !$0.hasPrefix("  - ") }
        for line in body {
            if line.hasPrefix("  - ") { take(); item = String(line.drop { $0 == " " || $0 == "-" }.split(separator: ":", maxSplits: 1).last ?? "") }
            else if line.hasPrefix("    ") { item += " " + line.trimmingCharacters(in: .whitespaces) }
            else { break }
        }
        take()
        return names
    }

    @Test func readmeListsExactlyTheFunctionsHelpLists() throws {
        let help = try Self.helpNames(), readme = try Self.readmeNames()
        #expect(help.count > 150)
        #expect(help.subtracting(readme).sorted() == [], "in help but not in README")
        #expect(readme.subtracting(help).sorted() == [], "in README but not in help")
    }

    /// Functions this issue added, each listed by help with its parameters.
    @Test(arguments: ["sort", "topk", "kthvalue", "median", "mode", "argmax", "argmin", "gather", "index_select",
                      "cumsum", "flip", "roll", "tril", "triu", "repeat", "narrow", "hardtanh", "relu6", "selu", "celu",
                      "mish", "hardswish", "hardsigmoid", "softsign", "logaddexp", "hypot", "xlogy", "clamp_min",
                      "clamp_max", "chunk", "split", "unbind", "aminmax", "std_mean", "var_mean", "size", "clone"])
    func helpListsNewFunction(name: String) throws {
        #expect(try Self.helpNames().contains(name))
    }
}
