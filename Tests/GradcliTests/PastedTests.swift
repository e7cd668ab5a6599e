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

    /// Every line of the file is a case (a line that is not valid JSON would be skipped silently).
    @Test func theTableHasAtLeast300CasesAndEveryLineParses() throws {
        let url = CLI.packageRoot.appendingPathComponent("samples/pasted.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
        #expect(Self.cases.count >= 300)
        #expect(Self.cases.count == lines)
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

/// Disagreements with PyTorch float64 found in pasted code, each fixed; the expected
/// numbers are PyTorch 2.13's, with the snippet beside each.
@Suite struct PyTorchAgreementTests {
    /// The `grad` (or `hessian`) field of a JSON run, as doubles, flattened.
    static func numbers(_ value: Any?) -> [Double] {
        if let list = value as? [Any] { return list.flatMap(numbers) }
        if let n = value as? NSNumber { return [n.doubleValue] }
        if let s = value as? String { return [s == "Infinity" ? .infinity : s == "-Infinity" ? -.infinity : .nan] }
        return []
    }

    /// Equal within 1e-12 relative (the last bits of exp and division may differ).
    static func approx(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || Swift.abs($0 - $1) <= 1e-12 * Swift.abs($1) }
    }

    static func grad(_ arguments: [String], _ name: String = "x") throws -> [Double] {
        let (_, json) = try CLI.json(arguments + ["--json"])
        return numbers((json["grad"] as? [String: Any])?[name])
    }

    static func hessian(_ expr: String, _ input: String) throws -> [Double] {
        let (_, json) = try CLI.json(["hessian", expr, input, "--json"])
        return numbers(((json["hessian"] as? [String: Any])?["x"] as? [String: Any])?["x"])
    }

    @Test func eluGradientAtInfinityIsOne() throws {
        // x = torch.tensor([inf, 0., -1.], dtype=torch.float64, requires_grad=True)
        // F.elu(x).backward(torch.ones(3)); x.grad -> [1., 1., 0.36787944117144233]
        let g = try Self.grad(["elu(x)", "x=[inf, 0, -1]", "--grad-output", "ones(3)"])
        #expect(Self.approx(g, [1, 1, 0.36787944117144233]), "\(g)")
    }

    @Test func secondDerivativesAtTheKinksArePyTorchs() throws {
        // torch.autograd.functional.hessian(lambda x: (x**0).sum(), torch.tensor([0.])) -> [[0.]]
        #expect(try Self.hessian("x^0", "x=0") == [0])
        // hessian(lambda x: F.elu(x).sum(), torch.tensor([0.])) -> [[0.]]
        #expect(try Self.hessian("elu(x)", "x=0") == [0])
        // hessian(lambda x: F.huber_loss(x, torch.zeros(1), delta=1.0), torch.tensor([1.])) -> [[0.]]
        #expect(try Self.hessian("huber_loss(x, 0*x)", "x=1") == [0])
        // hessian(lambda x: F.smooth_l1_loss(x, torch.zeros(1), beta=1.0), torch.tensor([1.])) -> [[0.]]
        #expect(try Self.hessian("smooth_l1_loss(x, 0*x)", "x=1") == [0])
    }

    @Test func quotientGradientDoesNotOverflow() throws {
        // x = torch.tensor(1e150, requires_grad=True); y = torch.tensor(1e155, requires_grad=True)
        // (x / y).backward(); y.grad -> -1e-160
        let g = try Self.grad(["x/y", "x=1e150", "y=1e155"], "y")
        #expect(Self.approx(g, [-1e-160]), "\(g)")
    }

    @Test func normBelowOneMasksZeros() throws {
        // x = torch.tensor([0., 2., -1.], requires_grad=True); torch.norm(x, p=0.5).backward()
        // x.grad -> [0.0, 1.7071067811865472, -2.414213562373095]
        let g = try Self.grad(["norm(x, p=0.5)", "x=0,2,-1"])
        #expect(g.count == 3 && g[0] == 0 && Swift.abs(g[1] - 1.7071067811865472) < 1e-12 && Swift.abs(g[2] + 2.414213562373095) < 1e-12)
    }

    @Test func vectorNormTakesOrd() throws {
        // torch.linalg.vector_norm(torch.tensor([1., -2.]), ord=1) -> 3.
        let (_, json) = try CLI.json(["torch.linalg.vector_norm(x, ord=1)", "x=1,-2", "--json"])
        #expect((json["value"] as? NSNumber)?.doubleValue == 3)
    }

    @Test func huberLossTakesReductionBeforeDelta() throws {
        // F.huber_loss(torch.tensor([[1., 2.], [3., 4.]]), torch.zeros(2, 2), 'sum', 0.5) -> 4.5
        let (_, json) = try CLI.json(["huber_loss(x, y, 'sum', 0.5)", "x=[[1,2],[3,4]]", "y=0", "--wrt", "x", "--json"])
        #expect((json["value"] as? NSNumber)?.doubleValue == 4.5)
    }

    @Test(arguments: [
        // (torch code, PyTorch 2.13's grad_fn name for it)
        ("x.sum_to_size(1, 2)", "SumBackward1"),      // torch.ones(2, 2, requires_grad=True).sum_to_size(1, 2).grad_fn
        ("2.5 - x", "RsubBackward1"),                 // (2.5 - x).grad_fn
        ("x - 2.5", "SubBackward0"),
        ("1 / x", "MulBackward0"),                    // (1 / x).grad_fn: reciprocal(x) * 1
        ("x / x.shape[0]", "DivBackward0"),
        ("x[1, :]", "SelectBackward0"),               // x[1, :].grad_fn
        ("x.sum(1)", "SumBackward1"),
        ("x.sum()", "SumBackward0"),
        ("x[:, :]", "AliasBackward0"),
    ])
    func gradFnNamesArePyTorchs(code: String, name: String) throws {
        let (_, graded) = try CLI.json(["graph", code, "x=[[1,2],[3,4]]", "--json"])
        let graph = graded["graph"] as? String ?? ""
        #expect(graph.hasPrefix(name + " "), "`\(code)`: \(graph)")
    }

    @Test func anomalyWarningNamesTheNodeItself() throws {
        // (torch.tensor(0., requires_grad=True) ** torch.tensor(-1., requires_grad=True)).grad_fn -> PowBackward1
        let result = try CLI.run(["x^y", "x=0", "y=-1"])
        #expect(result.stderr.contains("gradient computed by PowBackward1"), "\(result.stderr)")
    }
}

/// A tuple as the program's output: `eval` prints each element (text) or arrays (JSON); the
/// commands that differentiate need one tensor and say how to pick it.
@Suite struct TupleOutputTests {
    // torch.tensor([[1., -2., 3.], [0.5, 4., -1.5]]).max(dim=1)
    //   -> torch.return_types.max(values=tensor([3., 4.]), indices=tensor([2, 1]))
    static let x = "x=[[1,-2,3],[0.5,4,-1.5]]"

    @Test func evalPrintsEachElement() throws {
        let result = try CLI.run(["eval", "x.max(dim=1)", Self.x])
        #expect(result.exitCode == 0)
        #expect(result.stdout == "value[0] = [3, 4]   (shape [2])\nvalue[1] = [2, 1]   (shape [2], dtype=int64)\n", "\(result.stdout)")
    }

    @Test func jsonGivesArraysPerElement() throws {
        let (_, json) = try CLI.json(["eval", "x.max(dim=1)", Self.x, "--json"])
        let values = try #require(json["value"] as? [[Double]])
        #expect(values == [[3, 4], [2, 1]])
        #expect((json["shape"] as? [[Int]]) == [[2], [2]])
        #expect((json["dtype"] as? [String]) == ["float64", "int64"])
    }

    @Test func gradRefusesATupleClearly() throws {
        let result = try CLI.run(["x.max(dim=1)", Self.x])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("error: the output is a tuple of 2 tensors (from `max`), not a tensor"))
        #expect(result.stderr.contains("pick one: `[0]`, or a field such as `.values`"))
        #expect(result.stderr.contains("^^^^^^^^^^^^"))
    }
}

/// Bad pasted input through the binary: PyTorch's message where it has one, the caret under
/// the place, exit 65.
@Suite struct PastedBadInputTests {
    @Test(arguments: [
        // (code, message, caret line); PyTorch: torch.zeros(4)[5] -> "index 5 is out of bounds for dimension 0 with size 4"
        ("x[5]", "error: index 5 is out of bounds for dimension 0 with size 4", "  |   ^"),
        // torch.zeros(4)[torch.ones(2) > 0] -> "The shape of the mask [2] at index 0 does not match ..."
        ("x[y > 0]", "error: The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [4] at index 0", "  |   ^^^^^"),
        ("sin(x, x)", "error: `sin` takes 1 positional argument but 2 were given", "  |        ^"),
        ("sum(x, keepdm=True)", "error: `sum` has no argument named `keepdm`", "  |        ^^^^^^"),
        ("max(x, dim=0) + 1", "error: expected a tensor, found a tuple of 2 (from `max`)", "  | ^^^^^^^^^^^^^"),
        ("x[::-1]", "error: step must be greater than zero", "  |   ^^^^"),
        ("torch.fft.fft(x)", "error: `torch.fft.fft` is not supported by gradcli", "  | ^^^^^^^^^^^^^"),
        ("x.max(dim=0).value", "error: the result of `max` has no attribute `value`", "  |              ^^^^^"),
    ])
    func refusedWithThePlace(code: String, message: String, caret: String) throws {
        let result = try CLI.run([code, "x=1,2,3,4", "y=1,2", "--wrt", "x"])
        #expect(result.exitCode == 65, "\(code): \(result.stderr)")
        #expect(result.stderr.hasPrefix(message), "\(code): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").contains { $0 == caret }, "\(code): \(result.stderr)")
    }
}
