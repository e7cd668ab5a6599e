import Foundation
import Testing

/// `gradcli check`: hand-derived derivatives and gradcheck, through the built binary.
@Suite struct CheckTests {
    @Test func expectPasses() throws {
        let result = try CLI.run(["check", "x^3*sin(x)", "x=1.5", "--expect", "x=3*x^2*sin(x) + x^3*cos(x)"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("PASS  d/dx  expect"))
        #expect(result.stdout.hasSuffix("1 passed, 0 failed\n"))
    }

    @Test func wrongDerivationFailsWithTheWorstElement() throws {
        let result = try CLI.run(["check", "sin(x)*x", "x=0.5,1", "--grad-output", "1,1", "--expect", "x=cos(x)*x"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("FAIL  d/dx  expect"))
        // autograd: cos(x)*x + sin(x); at x = 1 the error sin(1) is the largest.
        #expect(result.stdout.contains("worst at [1]: autograd 1.38177, expected 0.540302"))
        #expect(result.stdout.hasSuffix("0 passed, 1 failed\n"))
        let (_, json) = try CLI.json(["check", "sin(x)*x", "x=0.5,1", "-g", "1,1", "--expect", "x=cos(x)*x", "--json"])
        let check = try #require(json["check"] as? [String: Any])
        #expect(check["passed"] as? Bool == false)
        let first = try #require((check["results"] as? [[String: Any]])?.first)
        #expect(first["kind"] as? String == "expect")
        #expect(first["worst_index"] as? [Int] == [1])
        #expect(abs((first["max_abs_error"] as? Double ?? 0) - sin(1.0)) < 1e-12)
    }

    @Test func jacobianIsExpectedForAVectorOutput() throws {
        let result = try CLI.run(["check", "[p[0]*cos(p[1]), p[0]*sin(p[1])]", "p=2,0.7",
                                  "--expect", "p=[[cos(p[1]), -p[0]*sin(p[1])], [sin(p[1]), p[0]*cos(p[1])]]"])
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func wrongShapeIsAFailureThatSaysSo() throws {
        let result = try CLI.run(["check", "sum(x^2)", "x=1,2", "--expect", "x=2"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.contains("the expected derivative has shape [], but autograd's has shape [2]"))
    }

    @Test func gradcheckPassesWithoutExpect() throws {
        let (result, json) = try CLI.json(["check", "sum(tanh(x) * exp(x))", "x=0.1,-0.5,2", "--json"])
        #expect(result.exitCode == 0)
        let check = try #require(json["check"] as? [String: Any])
        #expect((check["results"] as? [[String: Any]])?.first?["kind"] as? String == "gradcheck")
    }

    @Test func gradcheckLeavesOutClassIndices() throws {
        // Nudging class indices by eps would make them non-integers; PyTorch refuses to
        // differentiate them, so check compares only the scores and says so.
        let (result, json) = try CLI.json(["check", "cross_entropy(x, t)", "x=[[1,2,3]]", "t=[2]", "--json"])
        #expect(result.exitCode == 0)
        let results = try #require((json["check"] as? [String: Any])?["results"] as? [[String: Any]])
        #expect(results.map { $0["input"] as? String } == ["x"])
        let warnings = try #require(json["warnings"] as? [[String: Any]])
        #expect(warnings.contains { ($0["message"] as? String)?.contains("input `t` is not checked") == true })
        let onlyTargets = try CLI.run(["check", "cross_entropy(x, t)", "x=[[1,2,3]]", "t=[2]", "--wrt", "t"])
        #expect(onlyTargets.exitCode == 64)
        #expect(onlyTargets.stderr.contains("nothing to check: `t` reaches the output only as an argument that is not differentiated"))
    }

    @Test func kinkIsReportedWithBothSlopes() throws {
        let result = try CLI.run(["check", "sum(relu(x))", "x=0,1.5"])
        #expect(result.exitCode == 0, "relu'(0) = 0 is PyTorch's convention, not a failure")
        #expect(result.stdout.contains("KINK  d/dx at [0]: one-sided slopes 0 (left) and 1 (right); autograd uses 0"))
        #expect(result.stdout.contains("relu:"))
        let (_, json) = try CLI.json(["check", "sum(relu(x))", "x=0,1.5", "--json"])
        let kinks = try #require((json["check"] as? [String: Any])?["kinks"] as? [[String: Any]])
        #expect(kinks.count == 1)
        #expect(kinks.first?["left_slope"] as? Double == 0)
        #expect(abs((kinks.first?["right_slope"] as? Double ?? 0) - 1) < 1e-6)
    }

    @Test func toleranceOptions() throws {
        let loose = try CLI.run(["check", "x^2", "x=1", "--expect", "x=2.001", "--rtol", "1e-2"])
        #expect(loose.exitCode == 0)
        let strict = try CLI.run(["check", "x^2", "x=1", "--expect", "x=2.001"])
        #expect(strict.exitCode == 1)
        #expect(try CLI.run(["check", "x^2", "x=1", "--eps", "-1"]).exitCode == 64)
    }
}
