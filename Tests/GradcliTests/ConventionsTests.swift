import Autograd
import Foundation
import Testing

/// The recorded conventions at kinks and ties (`gradcli help conventions`). Each entry's
/// PyTorch value was recorded from torch 2.13 and its JAX value from jax 0.10.2
/// (scripts/record_conventions.py); the binary must return the PyTorch value.
@Suite struct ConventionsTests {
    @Test(arguments: KinkConvention.all.indices)
    func gradcliReturnsTheRecordedPyTorchValue(_ index: Int) throws {
        let c = KinkConvention.all[index]
        let (result, json) = try CLI.json(["grad", c.expression] + c.inputs + ["--wrt", "x", "--json"])
        #expect(result.exitCode == 0, "\(c.expression): \(result.stderr)")
        let grad = try #require(json["grad"] as? [String: Any])
        let value = try #require(flatten(grad["x"]).first, "\(c.expression): no gradient in \(result.stdout)")
        #expect(close(value, c.pytorch), "\(c.expression) at \(c.inputs): gradcli \(value), PyTorch \(c.pytorch)")
    }

    @Test func everyConventionNamesARegistryOpAndIsInTheHelpTable() throws {
        let help = try CLI.run(["help", "conventions"])
        #expect(help.exitCode == 0)
        for c in KinkConvention.all {
            #expect(Registry.lookup(c.op) != nil, "\(c.op) is not a registry op")
            #expect(help.stdout.contains(c.jaxExpression), "help conventions lacks \(c.jaxExpression)")
        }
        // The four examples: relu, maximum, clamp_min and clamp give 0, 0.5, 1 and 1 at 0.
        let lines = help.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  relu(x) ") && $0.contains("  0  ") })
        #expect(lines.contains { $0.hasPrefix("  clamp_min(x, 0) ") && $0.contains("  1  ") && $0.contains("0.5") })
    }

    @Test func checkNamesJAXsValueAtAKink() throws {
        let result = try CLI.run(["check", "clamp(x, 0, 1)", "x=0"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("clamp(x, 0, 1) at x = min: one-sided slopes 0 and 1; gradcli and PyTorch use 1, JAX (jnp.clip(x, 0.0, 1.0)) gives 0.5"))
    }

    @Test func traceNotesTheConventionOnlyWhereAnInputSitsAtThePoint() throws {
        let atKink = try CLI.run(["trace", "sum(relu(x))", "x=0,2"])
        #expect(atKink.stdout.contains("    at a kink: relu(x) at x = 0: one-sided slopes 0 and 1; gradcli and PyTorch use 0, JAX (jax.nn.relu(x)) gives 0"))
        let away = try CLI.run(["trace", "sum(relu(x))", "x=1,2"])
        #expect(away.exitCode == 0 && !away.stdout.contains("at a kink"))
        let tie = try CLI.run(["trace", "sum(maximum(x, y))", "x=1,2", "y=1,3"])
        #expect(tie.stdout.contains("at a kink: maximum(x, y) at a tie, x = y"))
    }

    /// A note follows the node's own bounds and attributes: clamp's bound wherever it is, no
    /// note for leaky_relu's default slope (the table records 0.1), ties of a broadcast operand.
    @Test func traceNotesFollowTheNodesBoundsAndAttributes() throws {
        let clamp = try CLI.run(["trace", "sum(clamp(a, -2, 2))", "a=0,2"])
        #expect(clamp.stdout.contains("at a kink: clamp(x, 0, 1) at x = max:"))
        #expect(!clamp.stdout.contains("at x = min:"))
        #expect(!(try CLI.run(["trace", "sum(leaky_relu(a))", "a=0"])).stdout.contains("at a kink"))
        #expect(try CLI.run(["trace", "sum(leaky_relu(a, 0.1))", "a=0"]).stdout.contains("at a kink: leaky_relu(x, 0.1) at x = 0"))
        #expect(try CLI.run(["trace", "sum(maximum(b, a))", "b=2", "a=1,2,3"]).stdout.contains("at a kink: maximum(x, y) at a tie"))
        #expect(!(try CLI.run(["trace", "sum(amax(a, dim=0))", "a=[[1,2],[2,1]]"])).stdout.contains("at a kink"))
    }

    /// The hardswish gradient at its kinks, as torch 2.13 computes it: x = -3 gives 0 and x = 3
    /// gives 1; just inside, the middle piece's slope x/3 + 1/2 (`F.hardswish(x).sum().backward()`).
    @Test func hardswishAtItsKinksIsPyTorchs() throws {
        let expected = ["float64": [0.0, -0.33333333333333337, 1.0, 1.3333333333333335],
                        "float32": [0.0, -0.3333333134651184, 1.0, 1.3333332538604736]]
        for (dtype, values) in expected {
            let (result, json) = try CLI.json(["grad", "sum(hardswish(x))", "x=-3,-2.5,3,2.5", "--dtype", dtype, "--json"])
            #expect(result.exitCode == 0)
            let grad = try #require(json["grad"] as? [String: Any])
            let got = flatten(grad["x"])
            #expect(got.count == values.count && zip(got, values).allSatisfy { close($0, $1) }, "\(dtype): \(got)")
        }
    }

    /// Equal up to Foundation's JSON parsing, which can be off in the last bits.
    private func close(_ a: Double, _ b: Double) -> Bool {
        a == b || (a.isNaN && b.isNaN) || abs(a - b) <= 1e-14 * max(abs(a), abs(b))
    }

    private func flatten(_ value: Any?) -> [Double] {
        if let n = value as? NSNumber { return [n.doubleValue] }
        if let s = value as? String { return [Double(s) ?? .nan] }
        if let list = value as? [Any] { return list.flatMap(flatten) }
        return []
    }
}
