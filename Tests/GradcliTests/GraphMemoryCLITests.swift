import Foundation
import Testing

/// A graph keeps only the values its backward reads, seen through the binary's memory budget
/// (`--max-memory`, which measures the whole process): the budget a run needs beyond the
/// process's own size stays that of a few tensors, not of every intermediate.
@Suite struct GraphMemoryCLITests {
    /// The MiB the process holds before its first large tensor, as the budget's refusal reports it.
    func baseline() throws -> Double {
        let probe = try CLI.run(["grad", "sum(x*ones(2^20))", "x=1", "--max-memory", "1M"])
        #expect(probe.exitCode == 65)
        // "... beyond the memory budget of 1 MiB (86.8 MiB in use; see --max-memory)"
        let inUse = try #require(probe.stderr.range(of: " MiB in use"), "\(probe.stderr)")
        let open = try #require(probe.stderr[..<inUse.lowerBound].lastIndex(of: "("))
        return try #require(Double(probe.stderr[probe.stderr.index(after: open)..<inUse.lowerBound]))
    }

    /// 24 additions to an 8 MiB tensor: an addition's VJP reads no value, so each intermediate is
    /// freed as soon as the next one is made. Kept, they would need 192 MiB; the run fits in 64.
    @Test func aChainOfAdditionsKeepsNoIntermediate() throws {
        let budget = Int(try baseline()) + 64
        let chain = "sum(x*ones(2^20)" + String(repeating: "+1", count: 24) + ")"
        let result = try CLI.run(["grad", chain, "x=1", "--max-memory", "\(budget)M"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        // d/dx sum(x * ones(n) + 24) = n = 2^20; the value is 2^20 * 25.
        #expect(result.stdout.contains("value = 2.62144e+07"), "\(result.stdout)")
        #expect(result.stdout.contains("grad x = 1.04858e+06"), "\(result.stdout)")
    }
}
