import Foundation
import Testing

/// Each kind of bad input gets its exit code, a message on stderr pointing at the place,
/// and with --json the error object on stdout.
@Suite struct ErrorTests {
    @Test func unknownOptionIsAUsageError() throws {
        let result = try CLI.run(["x", "x=1", "--frobnicate"])
        #expect(result.exitCode == 64)
        #expect(result.stderr.hasPrefix("Error: Unknown option '--frobnicate'\nUsage: gradcli [grad] <expr>"))
        #expect(result.stderr.contains("See 'gradcli help' for more information."))
        let jacobian = try CLI.run(["jacobian", "x", "--retain-grad", "b"])
        #expect(jacobian.exitCode == 64)
        #expect(jacobian.stderr.contains("See 'gradcli help jacobian' for more information."))
    }

    @Test func missingExpressionAndValues() throws {
        #expect(try CLI.run([]).exitCode == 64)
        let missing = try CLI.run(["x", "x=1", "--wrt"])
        #expect(missing.exitCode == 64)
        #expect(missing.stderr.contains("Missing value for '--wrt <names>'"))
        let notAnInput = try CLI.run(["x", "x=1", "--wrt", "y"])
        #expect(notAnInput.exitCode == 64)
        #expect(notAnInput.stderr.contains("`y`, which is not an input"))
        let bad = try CLI.run(["x", "1x=1"])
        #expect(bad.exitCode == 64)
    }

    @Test func parseErrorHasACaret() throws {
        let (result, json) = try CLI.json(["mean(3*(a+3)^2", "a=2,3", "--json"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains(" --> 1:"))
        #expect(result.stderr.contains("1 | mean(3*(a+3)^2"))
        #expect(result.stderr.contains("^"))
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["code"] as? String == "parse_error")
        #expect(error["line"] as? Int == 1)
        #expect(error["column"] is Int)
    }

    @Test func unknownFunctionSuggestsTheClosest() throws {
        let (result, json) = try CLI.json(["sqr(x)", "x=4", "--json"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("^^^"))
        #expect(result.stderr.contains("did you mean `sqrt`?"))
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["code"] as? String == "name_error")
        #expect(error["column"] as? Int == 1)
        #expect(error["end_column"] as? Int == 4)
        let variable = try CLI.run(["alph * 2", "alpha=1"])
        #expect(variable.exitCode == 65)
        #expect(variable.stderr.contains("did you mean `alpha`?"))
    }

    @Test func shapeErrorUnderlinesTheOperator() throws {
        let (result, json) = try CLI.json(["ones(2,3) @ ones(2,3)", "--json"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("2x3 and 2x3"))
        #expect(result.stderr.contains("          ^"))
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["code"] as? String == "shape_error")
        #expect(error["column"] as? Int == 11)
    }

    @Test func badInputValuePointsIntoTheValue() throws {
        let result = try CLI.run(["x", "x=[1, 2"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("the value of input `x`"))
        #expect(result.stderr.contains("1 | [1, 2"))
    }

    @Test func unreadableFileIsAnIOError() throws {
        let (result, json) = try CLI.json(["x", "x=@/nonexistent/x.json", "--json"])
        #expect(result.exitCode == 66)
        #expect(result.stderr.contains("cannot read '/nonexistent/x.json'"))
        #expect((json["error"] as? [String: Any])?["code"] as? String == "io_error")
        #expect(try CLI.run(["-f", "/nonexistent/prog.txt"]).exitCode == 66)
    }

    @Test func nestingPastTheLimitIsALimitError() throws {
        let deep = String(repeating: "(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)
        let (result, json) = try CLI.json(["-", "x=1", "--json"], stdin: deep)
        #expect(result.exitCode == 65)
        #expect((json["error"] as? [String: Any])?["code"] as? String == "limit_error")
    }

    @Test func dimensionsPastTheLimitAreALimitError() throws {
        // A million dimensions of size 1 pass the element limit; the rank limit stops them.
        for expr in ["ones(ones(1000000))", "ones(ones(64)).unsqueeze(0)"] {
            let (result, json) = try CLI.json(["eval", expr, "--json"])
            #expect(result.exitCode == 65, "\(expr): \(result.stderr)")
            #expect((json["error"] as? [String: Any])?["code"] as? String == "limit_error")
            #expect(result.stderr.contains("beyond the limit of 64 dimensions"))
        }
        #expect(try CLI.run(["eval", "ones(ones(64)).sum()"]).exitCode == 0)
        let deep = String(repeating: "[", count: 65) + "1" + String(repeating: "]", count: 65)
        let (fromJSON, _) = try CLI.json(["eval", "x", "--inputs", "-", "--json"], stdin: "{\"x\": \(deep)}")
        #expect(fromJSON.exitCode == 65)
        #expect(fromJSON.stderr.contains("input `x`: a tensor with 65 dimensions"))
    }

    @Test func longFlatChainRuns() throws {
        let chain = Array(repeating: "x", count: 100_000).joined(separator: "+")
        let (result, json) = try CLI.json(["-", "x=1", "--json"], stdin: chain)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(json["value"] as? Double == 100_000)
        #expect((json["grad"] as? [String: Any])?["x"] as? Double == 100_000)
    }
}

extension ErrorTests {
    @Test(arguments: ["ones(100000000000)", "ones(3037000500, 3037000500)", "x.reshape(4294967297,4294967295)",
                      "ones(100000,1) @ ones(1,100000)", "diag(ones(100000))", "arange(1e300)"])
    func hugeSizesAreErrorsNotCrashes(_ expr: String) throws {
        let (result, json) = try CLI.json(["eval", expr, "x=1,2,3,4", "--json"])
        #expect([65].contains(result.exitCode), "\(result.stderr)")
        let code = (json["error"] as? [String: Any])?["code"] as? String
        #expect(code == "limit_error" || code == "shape_error")
    }

    @Test func optionsAreCheckedBeforeAnyWorkInEveryMode() throws {
        #expect(try CLI.run(["x", "x=1", "--json", "--precision", "abc"]).exitCode == 64)
        #expect(try CLI.run(["x", "x=1", "--json", "--format", "yaml"]).exitCode == 64)
        #expect(try CLI.run(["x", "x=1", "--exact", "--precision", "3"]).exitCode == 64)
        #expect(try CLI.run(["x", "x=1", "--wrt", ""]).exitCode == 64)
        #expect(try CLI.run(["check", "ones(2)"]).exitCode == 64)
        let stdinTwice = try CLI.run(["-", "--inputs", "-"], stdin: "x")
        #expect(stdinTwice.exitCode == 64)
        #expect(stdinTwice.stderr.contains("Standard input can be read only once"))
    }

    @Test func retainGradOnAConstantIsAnError() throws {
        let result = try CLI.run(["b = ones(2); sum(b*x)", "x=1,2", "--retain-grad", "b"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("can't retain_grad on Tensor that has requires_grad=False"))
    }

    @Test func aLoneNegatedNameIsAnExpression() throws {
        let (result, json) = try CLI.json(["-x", "x=3", "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(json["value"] as? Double == -3)
    }

    @Test func manyStatementsRun() throws {
        // 50,000 statements: linear work (a copy per statement once made this take minutes).
        let program = Array(repeating: "x = sin(x)", count: 50_000).joined(separator: "\n")
        let (result, json) = try CLI.json(["-", "x=1", "--json"], stdin: program)
        #expect(result.exitCode == 0)
        #expect(json["value"] is Double)
    }
}

extension ErrorTests {
    @Test func npyShapesAreCheckedAgainstTheLimit() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-npy-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, shape) in [("huge", "(2305843009213693952,)"), ("wrapping", "(4294967296, 4294967296)"),
                              ("empty", "(0, 4294967296, 4294967296)")] {
            var header = "{'descr': '<f8', 'fortran_order': False, 'shape': \(shape), }"
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
            header += "\n"
            let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
                + Array(header.utf8)
            let url = dir.appendingPathComponent("\(name).npy")
            try Data(bytes).write(to: url)
            let (result, json) = try CLI.json(["eval", "x", "x=@\(url.path)", "--json"])
            #expect(result.exitCode == 65, "\(name): \(result.stderr)")
            #expect((json["error"] as? [String: Any])?["code"] as? String == "limit_error", "\(name)")
        }
    }

    @Test func csvValuesMustBeFiniteNumbers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in [("gap", "1,,2\n"), ("inf", "a,b\n1,inf\n"), ("hex", "0x10,1\n")] {
            let url = dir.appendingPathComponent("\(name).csv")
            try text.write(to: url, atomically: true, encoding: .utf8)
            let result = try CLI.run(["eval", "x", "x=@\(url.path)"])
            #expect(result.exitCode == 65, "\(name)")
            #expect(result.stderr.contains("is not a finite number"), "\(name): \(result.stderr)")
        }
    }

    @Test func gradOutputOfTheWrongShapeIsAnErrorInCheckToo() throws {
        let result = try CLI.run(["check", "sum(x)", "x=1,2", "-g", "ones(3,3)"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("Mismatch in shape: grad_output[0] has a shape of torch.Size([3, 3]) and output[0] has a shape of torch.Size([])."))
        let input = try CLI.run(["x*2", "x=1", "y=2", "--wrt", "x", "--retain-grad", "y"])
        #expect(input.exitCode == 65)
    }
}
