import Foundation
import Testing

/// `gradcli trace` through the built binary. The gradients are PyTorch's, recorded with
/// hooks on the same graph (/work/.venv-torch/bin/python, float64):
///
///     a = torch.tensor([2., 3.], dtype=torch.float64, requires_grad=True)
///     s = a + 3; p = s ** 2; m = 3 * p; out = m.mean()
///     for n, t in [("add", s), ("pow", p), ("mul", m)]:
///         t.register_hook(lambda g, n=n: print(n, g.tolist()))
///     out.backward(); print("a.grad", a.grad.tolist())
///     # mul [0.5, 0.5]   pow [1.5, 1.5]   add [15.0, 18.0]   a.grad [15.0, 18.0]
///
///     a = torch.tensor([2., 3.], dtype=torch.float64, requires_grad=True)
///     b = a + 3; bb = b * b; c = bb * 3
///     b.register_hook(lambda g: print("b total", g.tolist())); bb.register_hook(lambda g: print("bb", g.tolist()))
///     c.backward(torch.ones(2, dtype=torch.float64)); print("a.grad", a.grad.tolist())
///     # bb [3.0, 3.0]   b total [30.0, 36.0]   a.grad [30.0, 36.0]
@Suite struct TraceTests {
    /// The lines of the backward section that name a node's incoming gradient, in order.
    func incomingLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.contains("incoming grad") }
    }

    @Test func meanOfMulOfPowOfAddInTheEnginesOrder() throws {
        let result = try CLI.run(["trace", "mean(3*(a+3)^2)", "a=2,3"])
        #expect(result.exitCode == 0)
        #expect(incomingLines(result.stdout) == [
            "  #4 MeanBackward0  incoming grad 1",
            "  #3 MulBackward0  incoming grad [0.5, 0.5]",
            "  #2 PowBackward0  incoming grad [1.5, 1.5]",
            "  #1 AddBackward0  incoming grad [15, 18]",
        ])
        #expect(result.stdout.contains("    rule: MulBackward0: grad_self = grad * other, grad_other = grad * self"))
        #expect(result.stdout.contains("    -> input 0 a: [15, 18]"))
        #expect(result.stdout.contains("  #2 PowBackward0  [2]  = [25, 36]\n      mean(3*(a+3)^2)\n             ^~~~~~~\n"))
        #expect(result.stdout.hasSuffix("leaves:\n  a.grad = [15, 18]\n"))
    }

    @Test func aNodeReachedTwiceShowsTheSumOfBothContributions() throws {
        let result = try CLI.run(["trace", "b = a + 3; b*b*3", "a=2,3", "--grad-output", "1,1"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("  #2 MulBackward0  incoming grad [3, 3]"))
        #expect(result.stdout.contains("    -> input 0 #1 AddBackward0: [15, 18]\n    -> input 1 #1 AddBackward0: [15, 18]   += onto [15, 18], running total [30, 36]"))
        #expect(result.stdout.contains("  #1 AddBackward0  incoming grad [30, 36]"))
        #expect(result.stdout.hasSuffix("  a.grad = [30, 36]\n"))
    }

    @Test func jsonHasOneStepPerNodeAndEveryEdgeOnce() throws {
        let result = try CLI.run(["trace", "b = a + 3; b*b*3", "a=2,3", "--grad-output", "1,1", "--json"])
        #expect(result.exitCode == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? Int == 1)
        let steps = try #require(json["steps"] as? [[String: Any]])
        let forward = steps.filter { $0["phase"] as? String == "forward" }
        let backward = steps.filter { $0["phase"] as? String == "backward" }
        #expect(forward.map { $0["grad_fn"] as? String } == ["AddBackward0", "MulBackward0", "MulBackward0"])
        #expect(backward.map { $0["node"] as? Int } == [3, 2, 1])
        // Edges that carry a gradient: Mul#3 -> Mul#2 (not the constant 3), Mul#2 -> Add#1 twice, Add#1 -> a.
        let edges = backward.flatMap { step in (step["edges"] as? [[String: Any]] ?? []).map { (step["node"] as? Int, $0) } }
        #expect(edges.map { "\($0.0!)>\($0.1["input"] as! Int)" } == ["3>0", "2>0", "2>1", "1>0"])
        let second = edges[2].1
        #expect(second["accumulated"] as? Bool == true)
        #expect(second["previous_total"] as? [Double] == [15, 18])
        #expect(second["running_total"] as? [Double] == [30, 36])
        #expect(edges[3].1["to_leaf"] as? String == "a")
        let leaf = try #require(steps.last)
        #expect(leaf["phase"] as? String == "leaf")
        #expect(leaf["grad"] as? [Double] == [30, 36])
    }

    /// Each node's rule comes from its op's registry entry, also where the grad_fn name
    /// depends on the call (`a^a` is PowBackward1) and for the language's `x[index]`.
    @Test func everyNodeOfAMixedGraphShowsItsOpsRule() throws {
        let expression = "sum(sqrt(a) * softmax(a, 0)) + sum(a^a) + sum(a[[1, 0]])"
        let result = try CLI.run(["trace", expression, "a=4,9"])
        #expect(result.exitCode == 0)
        for rule in ["    rule: SqrtBackward0: grad_self = grad / (2 * result)\n",
                     "    rule: SoftmaxBackward0: grad_self = result * (grad - sum(grad * result, dim))\n",
                     "    rule: PowBackward1: grad_self = grad * exponent * self^(exponent - 1), grad_exponent = grad * result * log(self)",
                     "    rule: IndexBackward0: grad_self = zeros of self's shape with grad added at the indexed places"] {
            #expect(result.stdout.contains(rule), "missing \(rule)")
        }
        #expect(!result.stdout.contains("no rule text recorded"))
        let json = try CLI.run(["trace", expression, "a=4,9", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let backward = (object["steps"] as? [[String: Any]] ?? []).filter { $0["phase"] as? String == "backward" }
        #expect(backward.count == 10)
        #expect(backward.allSatisfy { ($0["rule"] as? String)?.hasPrefix("grad_self = ") == true })
    }

    @Test func bigTensorsAreElided() throws {
        let result = try CLI.run(["trace", "sum(x*2)", "x=ones(100)"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("[2, 2, 2, 2, ... (100 elements, shape [100])]"))
    }

    @Test func anOutputWithoutGradFnIsRefused() throws {
        let result = try CLI.run(["trace", "3 + 4"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("no grad_fn"))
    }

    @Test func aGraphOverTheNodeLimitIsRefused() throws {
        // 10,001 additions in a chain.
        let result = try CLI.run(["trace", "x" + String(repeating: "+1", count: 10_001), "x=1"])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("over the tracing limit of 10000"))
    }

    /// Row 1 of the Jacobian of `[a0*a1, a0 + 2*a1]`-like outputs: PyTorch's
    /// `out.backward(torch.tensor([0., 1.]))` on `a * b` with a = [2, 3], b = [5, 7] gives
    /// a.grad = [0, 7], b.grad = [0, 3].
    @Test func rowTracesOneRowOfTheJacobian() throws {
        let result = try CLI.run(["trace", "a * b", "a=2,3", "b=5,7", "--row", "1"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("backward of out[1], row 1 of the Jacobian (the engine's order):"))
        #expect(result.stdout.contains("  #1 MulBackward0  incoming grad [0, 1]"))
        #expect(result.stdout.hasSuffix("leaves:\n  a.grad = [0, 7]\n  b.grad = [0, 3]\n"))
        let (json, object) = try CLI.json(["trace", "a * b", "a=2,3", "b=5,7", "--row=1", "--json"])
        #expect(json.exitCode == 0)
        #expect(object["row"] as? Int == 1)
    }

    @Test func aRowOutOfRangeOrWithAGradOutputIsRefused() throws {
        let out = try CLI.run(["trace", "a * 2", "a=2,3", "--row", "2"])
        #expect(out.exitCode == 65)
        #expect(out.stderr.contains("--row 2 is out of range for an output of shape [2] (2 elements, rows 0 to 1)"))
        let both = try CLI.run(["trace", "a * 2", "a=2,3", "--row", "0", "--grad-output", "1,1"])
        #expect(both.exitCode == 64)
        let bad = try CLI.run(["trace", "a * 2", "a=2,3", "--row", "x"])
        #expect(bad.exitCode == 64)
    }

    /// `run --trace-backward`: each backward call's trace on stderr, stdout as PyTorch prints it.
    /// PyTorch's hooks on the same program (torch 2.13, float32):
    ///     m.register_hook, bb.register_hook, b.register_hook -> m [1, 1], bb [3, 3], b [30, 36];
    ///     a.grad tensor([30., 36.]) after the first backward, tensor([60., 72.]) after the second.
    @Test func runTracesEveryBackwardCallOnStderr() throws {
        let program = """
            import torch
            a = torch.tensor([2.0, 3.0], requires_grad=True)
            b = a + 3
            c = (b * b * 3).sum()
            c.backward(retain_graph=True)
            print(a.grad)
            c.backward()
            print(a.grad)

            """
        let result = try CLI.run(["run", "--trace-backward", "-"], stdin: program)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == "tensor([30., 36.])\ntensor([60., 72.])\n")
        let traces = result.stderr.components(separatedBy: "trace of backward() at <stdin>:")
        #expect(traces.count == 3)
        #expect(incomingLines(result.stderr) == [
            "  #4 SumBackward0  incoming grad 1", "  #3 MulBackward0  incoming grad [1, 1]",
            "  #2 MulBackward0  incoming grad [3, 3]", "  #1 AddBackward0  incoming grad [30, 36]",
        ] + [
            "  #4 SumBackward0  incoming grad 1", "  #3 MulBackward0  incoming grad [1, 1]",
            "  #2 MulBackward0  incoming grad [3, 3]", "  #1 AddBackward0  incoming grad [30, 36]",
        ])
        #expect(result.stderr.contains("    -> input 1 #1 AddBackward0: [15, 18]   += onto [15, 18], running total [30, 36]"))
        // Each forward node shows its line with a caret under the expression that made it.
        #expect(result.stderr.contains("  #1 AddBackward0  [2]  = [5, 6]\n      b = a + 3\n          ^~~~~\n"), "\(result.stderr)")
        #expect(result.stderr.contains("      c = (b * b * 3).sum()\n           ^~~~~~~~~\n"), "\(result.stderr)")
        #expect(traces.count == 3 && traces[1].hasPrefix("5:") && traces[1].hasSuffix("leaves:\n  a.grad = [30, 36]\n"))
        #expect(traces.count == 3 && traces[2].hasPrefix("7:") && traces[2].hasSuffix("leaves:\n  a.grad = [60, 72]\n"))
        // Without the flag, nothing is traced.
        let plain = try CLI.run(["run", "-"], stdin: program)
        #expect(plain.stdout == result.stdout && plain.stderr.isEmpty)
    }

    /// `jacobian` says which mode it used and why: forward for 1 input element and 5 outputs,
    /// reverse (batched) for tanh(W @ x) with as many outputs as inputs.
    @Test func jacobianReportsItsMode() throws {
        let (forward, json) = try CLI.json(["jacobian", "x*ones(5)", "x=2", "--json"])
        #expect(forward.exitCode == 0)
        #expect(json["mode"] as? String == "forward")
        #expect(json["mode_reason"] as? String == "1 input element < 5 output elements: one Jacobian-vector product per input element")
        let reverse = try CLI.run(["jacobian", "tanh(W @ x)", "W=[[1,2],[3,4]]", "x=0.1,0.2", "--wrt", "x"])
        #expect(reverse.stdout.contains("mode: reverse (2 output elements <= 2 input elements: all rows batched through one backward pass)\n"))
    }
}
