import Foundation
import Testing

/// One request model: a request given on the command line and the same request as a batch
/// line are read by the same code, so they fail with the same error code, and the command
/// line's exit status is the one documented for that code.
@Suite struct RequestModelTests {
    /// The exit statuses of the README's table, by error code.
    static let documentedStatus = ["usage_error": 64, "value_error": 65, "parse_error": 65, "name_error": 65,
                                   "shape_error": 65, "limit_error": 65, "io_error": 66]

    /// The error code of the one batch record for `line`.
    static func batchCode(_ line: String) throws -> String? {
        let result = try CLI.run(["batch"], stdin: line + "\n")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        return (record["error"] as? [String: Any])?["code"] as? String
    }

    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-request-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: [
        // A malformed request is a usage error on both paths (the command line said
        // value_error for a bad name in --inputs, batch usage_error).
        (["x", "--inputs", "@{\"1x\": 2}"], #"{"expr": "x", "inputs": {"1x": 2}}"#, "usage_error"),
        (["x", "--inputs", "@{\"x\": 1, \"x\": 2}"], #"{"expr": "x", "inputs": {"x": 1, "x": 2}}"#, "usage_error"),
        (["x", "--inputs", "@[1, 2]"], #"{"expr": "x", "inputs": [1, 2]}"#, "usage_error"),
        (["check", "x^2", "x=1", "--rtol", "-1"], #"{"command": "check", "expr": "x^2", "inputs": {"x": 1}, "rtol": -1}"#, "usage_error"),
        (["check", "x^2", "x=1", "--eps", "0"], #"{"command": "check", "expr": "x^2", "inputs": {"x": 1}, "eps": 0}"#, "usage_error"),
        (["x", "x=1", "--seed", "1.5"], #"{"expr": "x", "inputs": {"x": 1}, "seed": 1.5}"#, "usage_error"),
        (["x", "x=1", "--wrt", ","], #"{"expr": "x", "inputs": {"x": 1}, "wrt": []}"#, "usage_error"),
        (["x", "x=1", "--wrt", "y"], #"{"expr": "x", "inputs": {"x": 1}, "wrt": ["y"]}"#, "usage_error"),
        (["check", "x^2", "x=1", "--expect", "y=2"], #"{"command": "check", "expr": "x^2", "inputs": {"x": 1}, "expect": {"y": "2"}}"#, "usage_error"),
        // Bad data is a value error on both paths (batch refused seeds past 10^15 as not integers).
        (["x", "x=1", "--seed", "18446744073709551616"], #"{"expr": "x", "inputs": {"x": 1}, "seed": 18446744073709551616}"#, "value_error"),
        (["x", "x=1", "--dtype", "int64"], #"{"expr": "x", "inputs": {"x": 1}, "dtype": "int64"}"#, "value_error"),
        (["x", "--inputs", "@{\"x\": [[1], [2, 3]]}"], #"{"expr": "x", "inputs": {"x": [[1], [2, 3]]}}"#, "value_error"),
        (["x +", "x=1"], #"{"expr": "x +", "inputs": {"x": 1}}"#, "parse_error"),
        (["y", "x=1"], #"{"expr": "y", "inputs": {"x": 1}}"#, "name_error"),
    ])
    func sameRequestSameError(arguments: [String], line: String, code: String) throws {
        var arguments = arguments
        var file: String?
        if let i = arguments.firstIndex(where: { $0.hasPrefix("@") }) {
            file = try Self.temporaryFile(String(arguments[i].dropFirst()))
            arguments[i] = file!
        }
        defer { if let file { try? FileManager.default.removeItem(atPath: file) } }
        let (result, object) = try CLI.json(arguments + ["--json"])
        let cliCode = (object["error"] as? [String: Any])?["code"] as? String
        #expect(cliCode == code, "\(arguments): \(result.stdout)")
        #expect(try Self.batchCode(line) == code, "\(line)")
        #expect(Int(result.exitCode) == Self.documentedStatus[code], "\(arguments) exited \(result.exitCode)")
    }

    /// A seed past 10^15 seeds the same stream on both paths (batch refused it).
    @Test func aLargeSeedIsTheSameSeedInBatch() throws {
        // torch.manual_seed(10**16); torch.rand(2, dtype=torch.float64); compared as text,
        // since Foundation's JSON reader may round the last digit.
        let expected = #""value":[0.22940233669946142,0.8747692054417404]"#
        let seed = "10000000000000000"
        let cli = try CLI.run(["eval", "rand(2)", "--seed", seed, "--json"])
        #expect(cli.stdout.contains(expected), "\(cli.stdout)")
        let batch = try CLI.run(["batch"], stdin: "{\"command\": \"eval\", \"expr\": \"rand(2)\", \"seed\": \(seed)}\n")
        #expect(batch.stdout.contains(expected), "\(batch.stdout)")
    }

    /// An option's value that is itself an option is a missing value, named.
    @Test func aValueThatIsAnOptionIsAMissingValue() throws {
        let result = try CLI.run(["x^2", "x=1", "--wrt", "--json"])
        #expect(result.exitCode == 64)
        #expect(result.stderr.contains("Missing value for '--wrt <names>' ('--json' is an option)"), "\(result.stderr)")
        // An option of another command is named as not applying to the command given.
        for option in ["--dot", "--tap", "--rtol"] {
            let lines = try CLI.run(["lines", option], stdin: "")
            #expect(lines.exitCode == 64)
            #expect(lines.stderr.hasPrefix("Error: The option '\(option)' does not apply to 'lines'\n"), "\(lines.stderr)")
        }
        // A negative number is still a value.
        let negative = try CLI.run(["eval", "rand(1)", "--seed", "-3"])
        #expect(negative.exitCode == 0)
    }

    /// One NaN policy for both kinds of check: a NaN passes only against a NaN, and only
    /// with --equal-nan (torch.allclose's equal_nan); gradcheck has no NaN exception of its own.
    @Test func nanPassesOnlyAgainstNaNWithEqualNaN() throws {
        // sqrt'(-1): autograd NaN, finite differences NaN.
        for extra in [[], ["--expect", "x=0.5/sqrt(x)"]] {
            let plain = try CLI.run(["check", "sqrt(x)", "x=-1"] + extra)
            #expect(plain.exitCode == 1, "\(extra): \(plain.stdout)")
            let equal = try CLI.run(["check", "sqrt(x)", "x=-1", "--equal-nan"] + extra)
            #expect(equal.exitCode == 0, "\(extra): \(equal.stdout)")
            #expect(equal.stdout.hasPrefix("PASS  d/dx  \(extra.isEmpty ? "gradcheck" : "expect")  max abs error 0, max rel error 0\n"))
        }
        // NaN against a number fails even with --equal-nan, in gradcheck too: the NaN of
        // sqrt(x[0]) moved by x[1] is no derivative 0.
        let mixed = try CLI.run(["check", "sqrt(x)", "x=-1,4", "--equal-nan"])
        #expect(mixed.exitCode == 1, "\(mixed.stdout)")
        let batch = try CLI.run(["batch"], stdin: #"{"command": "check", "expr": "sqrt(x)", "inputs": {"x": -1}, "equal_nan": true}"# + "\n")
        #expect(batch.exitCode == 0, "\(batch.stdout)")
    }
}

/// The batch fields that help and the manual list are the ones batch reads.
@Suite struct RequestFieldDocsTests {
    /// A valid value for every field of a check request.
    static let values: [String: String] = [
        "expr": #""x^2""#, "command": #""check""#, "id": "7", "inputs": #"{"x": 3}"#, "wrt": #"["x"]"#,
        "grad_output": "1", "retain_grad": "[]", "expect": #"{"x": "2*x"}"#, "eps": "1e-6", "rtol": "1e-7",
        "atol": "1e-9", "equal_nan": "true", "seed": "0", "dtype": #""float64""#,
    ]

    @Test func helpListsExactlyTheFieldsBatchReads() throws {
        let help = try CLI.run(["help", "batch"]).stdout
        let section = try #require(help.components(separatedBy: "REQUEST FIELDS:\n").last?.components(separatedBy: "\n\n").first)
        let listed = section.split(separator: "\n").compactMap { line -> String? in
            let word = line.trimmingCharacters(in: .whitespaces)
            guard word.hasPrefix("\"") else { return nil }
            return String(word.dropFirst().prefix { $0 != "\"" })
        }
        #expect(Set(listed) == Set(Self.values.keys), "\(listed)")
        // Every listed field is read: a request with all of them runs with no warning.
        let request = "{" + listed.map { "\"\($0)\": \(Self.values[$0] ?? "null")" }.joined(separator: ", ") + "}\n"
        let result = try CLI.run(["batch"], stdin: request)
        #expect(result.exitCode == 0, "\(result.stdout)")
        #expect(result.stdout.contains(#""warnings":[]"#), "\(result.stdout)")
        let manual = try CLI.run(["manual"]).stdout
        for field in listed { #expect(manual.contains(".B \"\(field)\"\n"), "\(field)") }
    }
}
