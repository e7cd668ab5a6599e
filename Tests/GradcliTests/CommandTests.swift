import Foundation
import Testing

/// Each command and flag through the built binary: stdout, stderr and exit code.
@Suite struct CommandTests {
    @Test func gradIsTheDefaultCommand() throws {
        let plain = try CLI.run(["mean(3*(a+3)^2)", "a=2,3"])
        let named = try CLI.run(["grad", "mean(3*(a+3)^2)", "a=2,3"])
        #expect(plain.exitCode == 0)
        #expect(plain.stdout == named.stdout)
        #expect(plain.stdout.contains("value = 91.5"))
        #expect(plain.stdout.contains("grad a = [15, 18]"))
    }

    @Test func gradJSONFollowsTheSchema() throws {
        let (result, json) = try CLI.json(["mean(3*(a+3)^2)", "a=2,3", "--json"])
        #expect(result.exitCode == 0)
        #expect(json["schema"] as? Int == 1)
        #expect(json["command"] as? String == "grad")
        #expect(json["expr"] as? String == "mean(3*(a+3)^2)")
        #expect(json["value"] as? Double == 91.5)
        #expect(json["shape"] as? [Int] == [])
        #expect(json["grad_fn"] as? String == "MeanBackward0")
        #expect((json["grad"] as? [String: Any])?["a"] as? [Double] == [15, 18])
        #expect((json["warnings"] as? [Any])?.isEmpty == true)
    }

    @Test func evalRecordsNoGraph() throws {
        let (result, json) = try CLI.json(["eval", "softmax(x, dim=0)", "x=1,2,3", "--json"])
        #expect(result.exitCode == 0)
        #expect(json["grad_fn"] is NSNull)
        #expect(json["grad"] == nil)
        let value = try #require(json["value"] as? [Double])
        #expect(abs(value.reduce(0, +) - 1) < 1e-12)
    }

    @Test func jacobianRowsAreOutputs() throws {
        let (result, json) = try CLI.json(["jacobian", "[m[0]^2 + 3*m[1], m[1]^2 + 2*m[0]]", "m=2,3", "--json"])
        #expect(result.exitCode == 0)
        #expect((json["jacobian"] as? [String: Any])?["m"] as? [[Double]] == [[4, 3], [2, 6]])
        let text = try CLI.run(["jacobian", "[m[0]^2 + 3*m[1], m[1]^2 + 2*m[0]]", "m=2,3"])
        #expect(text.stdout.contains("rows = output [2], columns = m [2]"))
        #expect(text.stdout.contains("out[0]     4     3"))
    }

    @Test func hessianOfAScalar() throws {
        let (result, json) = try CLI.json(["hessian", "x[0]^2 * x[1] + y^3", "x=1,2", "y=2", "--json"])
        #expect(result.exitCode == 0)
        let hessian = try #require(json["hessian"] as? [String: [String: Any]])
        #expect(hessian["x"]?["x"] as? [[Double]] == [[4, 2], [2, 0]])
        #expect(hessian["y"]?["y"] as? Double == 12)
        #expect(hessian["x"]?["y"] as? [Double] == [0, 0])
    }

    @Test func hessianOfAVectorIsAnError() throws {
        let result = try CLI.run(["hessian", "x*2", "x=1,2"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("hessian needs a scalar output"))
    }

    @Test func nonScalarOutputNeedsGradOutput() throws {
        let result = try CLI.run(["x*2", "x=1,2"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("grad can be implicitly created only for scalar outputs"))
        #expect(result.stderr.contains("--grad-output"))
        let (ok, json) = try CLI.json(["x*2", "x=1,2", "-g", "1,1", "--json"])
        #expect(ok.exitCode == 0)
        #expect((json["grad"] as? [String: Any])?["x"] as? [Double] == [2, 2])
    }

    @Test func gradOutputShapeMismatch() throws {
        let result = try CLI.run(["x*2", "x=1,2", "--grad-output=1,1,1"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2])."))
    }

    @Test func wrtMakesOtherInputsConstants() throws {
        let (_, json) = try CLI.json(["mse_loss(x*w + b, y)", "x=5", "y=0", "w=1", "b=3", "--wrt", "w,b", "--json"])
        let grad = try #require(json["grad"] as? [String: Any])
        #expect(grad["w"] as? Double == 80)
        #expect(grad["b"] as? Double == 16)
        #expect(grad["x"] == nil)
    }

    /// Empty tensors keep their nesting in JSON, as `tolist()` gives it (a zero dimension after
    /// the first used to trap).
    @Test func emptyTensorsInJSON() throws {
        for (expr, expected) in [("zeros(3, 0)", "[[],[],[]]"), ("zeros(2, 0, 3)", "[[],[]]"), ("zeros(0, 3)", "[]")] {
            let result = try CLI.run(["eval", expr, "--json"])
            #expect(result.exitCode == 0, "\(expr): \(result.stderr)")
            #expect(result.stdout.contains("\"value\":\(expected),"), "\(expr): \(result.stdout)")
        }
    }

    @Test func unusedInputGetsZeroAndAWarning() throws {
        let (result, json) = try CLI.json(["x^2", "x=3", "z=1,2", "--json"])
        #expect(result.exitCode == 0)
        #expect((json["grad"] as? [String: Any])?["z"] as? [Double] == [0, 0])
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["message"] as? String)?.contains("`z` does not reach the output") == true })
    }

    @Test func classIndicesGetZeroAndSayWhy() throws {
        let (result, json) = try CLI.json(["cross_entropy(x, t)", "x=[[1,2,3]]", "t=[2]", "--json"])
        #expect(result.exitCode == 0)
        #expect((json["grad"] as? [String: Any])?["t"] as? [Double] == [0])
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["message"] as? String)?.contains("`t` reaches the output only as an argument that is not differentiated") == true })
    }

    @Test func retainGradReportsAnIntermediate() throws {
        let (_, json) = try CLI.json(["b = a + 3; c = b*b*3; c.mean()", "a=2,3", "--retain-grad", "b", "--json"])
        #expect((json["retained"] as? [String: Any])?["b"] as? [Double] == [15, 18])
    }

    @Test func inputsFromFilesAndStdin() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "[[1, 2], [3, 4]]".write(to: dir.appendingPathComponent("m.json"), atomically: true, encoding: .utf8)
        try "1,2\n3,4\n".write(to: dir.appendingPathComponent("m.csv"), atomically: true, encoding: .utf8)
        try "{\"a\": [2, 3], \"k\": \"2*pi\"}".write(to: dir.appendingPathComponent("in.json"), atomically: true, encoding: .utf8)
        for file in ["m.json", "m.csv"] {
            let (result, json) = try CLI.json(["sum(m)", "m=@\(dir.path)/\(file)", "--json"])
            #expect(result.exitCode == 0, "\(file): \(result.stderr)")
            #expect(json["value"] as? Double == 10)
        }
        let (fromFile, json) = try CLI.json(["sum(a)*k", "--inputs", dir.appendingPathComponent("in.json").path, "--json"])
        #expect(fromFile.exitCode == 0, "\(fromFile.stderr)")
        #expect(abs((json["value"] as? Double ?? 0) - 10 * Double.pi) < 1e-12)
        let (fromStdin, json2) = try CLI.json(["sum(a)", "--inputs", "-", "--json"], stdin: "{\"a\": [1, 2, 3]}")
        #expect(fromStdin.exitCode == 0)
        #expect(json2["value"] as? Double == 6)
        let (program, json3) = try CLI.json(["-", "a=2", "--json"], stdin: "b = a^2\nb + 1  # comment\n")
        #expect(program.exitCode == 0)
        #expect(json3["value"] as? Double == 5)
    }

    @Test func npyInputsOfSeveralDtypes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func npy(_ descr: String, _ payload: [UInt8]) -> Data {
            var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (2, 2), }"
            while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
            header += "\n"
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
            bytes += Array(header.utf8) + payload
            return Data(bytes)
        }
        let values: [Double] = [1, 2, 3, 4]
        let f8 = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let f4 = values.flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }
        let i8 = values.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) }
        for (name, data) in [("f8", npy("<f8", f8)), ("f4", npy("<f4", f4)), ("i8", npy("<i8", i8))] {
            let url = dir.appendingPathComponent("\(name).npy")
            try data.write(to: url)
            let (result, json) = try CLI.json(["eval", "m @ m", "m=@\(url.path)", "--json"])
            #expect(result.exitCode == 0, "\(name): \(result.stderr)")
            #expect(json["value"] as? [[Double]] == [[7, 10], [15, 22]], "\(name)")
        }
    }

    @Test func graphTreeAndDot() throws {
        let tree = try CLI.run(["graph", "b = a + 3; c = b*b*3; c.mean()", "a=2,3"])
        #expect(tree.exitCode == 0)
        let lines = tree.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("MeanBackward0  []  c.mean()") == true)
        #expect(tree.stdout.contains("AddBackward0  [2]  a + 3"))
        #expect(tree.stdout.contains("a  [2]  leaf, requires grad"))
        let dot = try CLI.run(["graph", "tanh(x @ w)", "x=1,2", "w=ones(2,2)", "--dot"])
        #expect(dot.stdout.hasPrefix("digraph gradcli {"))
        #expect(dot.stdout.contains("fillcolor=lightblue"))
        #expect(dot.stdout.contains("fillcolor=darkolivegreen1"))
        #expect(dot.stdout.contains("TanhBackward0"))
    }

    @Test func dumpAST() throws {
        let result = try CLI.run(["1 + 2 * 3", "--dump-ast"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("(+ 1 (* 2 3))"))
    }

    @Test func precisionExactAndTorchFormat() throws {
        let exact = try CLI.run(["z = 4*x*x; z.norm()", "x=ones(2)", "--exact"])
        #expect(exact.stdout.contains("value = 5.656854249492381"))
        let short = try CLI.run(["z = 4*x*x; z.norm()", "x=ones(2)", "--precision", "3"])
        #expect(short.stdout.contains("value = 5.66"))
        let torch = try CLI.run(["mean(3*(a+3)^2)", "a=2,3", "--format", "torch"])
        #expect(torch.stdout.contains("tensor(91.5000, grad_fn=<MeanBackward0>)"))
        #expect(torch.stdout.contains("tensor([15., 18.])"))
    }

    @Test func seededRandomInputsAreReproducible() throws {
        let a = try CLI.run(["eval", "x", "x=randn(3)", "--seed", "7", "--exact"])
        let b = try CLI.run(["eval", "x", "x=randn(3)", "--seed=7", "--exact"])
        let c = try CLI.run(["eval", "x", "x=randn(3)", "--seed", "8", "--exact"])
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
    }

    @Test func nanWarningPointsAtTheOp() throws {
        let result = try CLI.run(["sum(log(x - 1))", "x=0.5,2"])
        #expect(result.exitCode == 0)
        #expect(result.stderr.contains("warning: NaN first appeared in the value of `log`"))
        #expect(result.stderr.contains("^^^^^^^^^^"))
        let (_, json) = try CLI.json(["sum(log(x - 1))", "x=0.5,2", "--json"])
        #expect(json["value"] as? String == "NaN")
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.first?["column"] as? Int == 5)
    }

    /// The NaN's origin is found by running the program again from the same random state:
    /// the numbers shown are those of one stream, and the warning still names the op.
    @Test func nanWarningRerunDrawsTheSameRandomNumbers() throws {
        let (_, plain) = try CLI.json(["eval", "randn(8)", "--seed", "5", "--json"])
        let (result, logged) = try CLI.json(["eval", "log(randn(8))", "--seed", "5", "--json"])
        let warnings = try #require(logged["warnings"] as? [[String: Any]])
        #expect((warnings.first?["message"] as? String)?.contains("NaN first appeared in the value of `log`") == true)
        #expect(result.exitCode == 0)
        let draws = try #require(plain["value"] as? [Double])
        let logs = try #require(logged["value"] as? [Any])
        #expect(draws.count == 8 && logs.count == 8)
        #expect(draws.contains { $0 < 0 } && draws.contains { $0 > 0 })
        for (draw, value) in zip(draws, logs) {
            if draw > 0 {
                let log = try #require(value as? Double)
                #expect(Swift.abs(log - Foundation.log(draw)) <= 1e-15 * Swift.max(1, Swift.abs(log)))
            } else {
                #expect(value as? String == "NaN")
            }
        }
    }

    /// Backward runs unwatched; a gradient that is not finite makes the request run again with
    /// the recorder watching backward, from the same random state, so the value is that of the
    /// first draws and the warning names the rule.
    @Test func backwardAnomalyRerunDrawsTheSameRandomNumbers() throws {
        let (_, plain) = try CLI.json(["eval", "randn(8)", "--seed", "5", "--json"])
        let (result, graded) = try CLI.json(["grad", "sum(sqrt(relu(randn(8)) * x))", "x=1", "--seed", "5", "--json"])
        #expect(result.exitCode == 0)
        let draws = try #require(plain["value"] as? [Double])
        let expected = draws.map { Foundation.sqrt(Swift.max($0, 0)) }.reduce(0, +)
        let value = try #require(graded["value"] as? Double)
        #expect(Swift.abs(value - expected) <= 1e-6 * expected)
        let messages = (graded["warnings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("first appeared in the gradient computed by SqrtBackward0") }, "\(messages)")
    }

    @Test func helpAndVersion() throws {
        let help = try CLI.run(["--help"])
        #expect(help.exitCode == 0)
        for section in ["OVERVIEW:", "USAGE:", "ARGUMENTS:", "OPTIONS:", "SUBCOMMANDS:", "EXAMPLES:"] {
            #expect(help.stdout.contains(section))
        }
        for command in ["grad", "eval", "jacobian", "hessian", "check", "batch", "graph"] {
            let sub = try CLI.run(["help", command])
            #expect(sub.exitCode == 0)
            #expect(sub.stdout.contains("EXAMPLES:"), "\(command)")
            #expect(try CLI.run([command, "--help"]).stdout == sub.stdout)
        }
        let functions = try CLI.run(["help", "functions"])
        #expect(functions.stdout.contains("binary_cross_entropy_with_logits("))
        #expect(try CLI.run(["--version"]).stdout.hasPrefix("gradcli "))
    }

    @Test func negativeNumbersAndDoubleDash() throws {
        let (_, json) = try CLI.json(["x^2", "--set", "x=-3", "--json"])
        #expect((json["grad"] as? [String: Any])?["x"] as? Double == -6)
        let (dash, json2) = try CLI.json(["--json", "--", "-x^2", "x=3"])
        #expect(dash.exitCode == 0, "\(dash.stderr)")
        #expect(json2["value"] as? Double == -9)
    }
}
