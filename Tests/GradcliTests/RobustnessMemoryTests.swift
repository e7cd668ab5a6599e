import Foundation
import Testing

/// A per-run memory budget, checked before tensor storage, Jacobian and
/// Hessian results and output are allocated; exceeding it is a limit_error (exit 65).
@Suite struct RobustnessMemoryTests {
    /// The issue's case scaled down by 8 (so that a debug build runs it in a moment): under
    /// `ulimit -v 500000` the default budget (3/4 of the address-space limit, 366.2 MiB) refuses
    /// the third 128 MiB tensor instead of aborting in the allocator. (The full-size case,
    /// `ulimit -v 4000000` and 1 GiB tensors, is refused the same way with a 2.9 GiB budget.)
    @Test func defaultBudgetFollowsTheAddressSpaceLimit() throws {
        let result = try CLI.run(["eval", "a=ones(16777216); b=a+1; c=b+1; d=c+1; sum(d)"], memoryLimitKB: 500_000)
        #expect(result.exitCode == 65, "\(result.stderr)")
        #expect(result.stderr.contains("beyond the memory budget of 366.2 MiB"), "\(result.stderr)")
        #expect(result.stderr.contains("c=b+1"), "the caret points at the op that would pass it")
        #expect(result.stderr.contains("--max-memory"))
        #expect(result.stdout.isEmpty)
    }

    @Test func maxMemoryRefusesBeforeAllocating() throws {
        // ones(2^24) is 128 MiB of float64.
        let refused = try CLI.run(["eval", "sum(ones(2^24))", "--max-memory", "100M", "--json"])
        #expect(refused.exitCode == 65)
        #expect(refused.stdout.contains("\"code\":\"limit_error\""), "\(refused.stdout)")
        #expect(refused.stdout.contains("the memory budget of 100 MiB"))
        let allowed = try CLI.run(["eval", "sum(ones(2^20))", "--max-memory", "100M"])
        #expect(allowed.exitCode == 0)
        #expect(allowed.stdout.hasPrefix("value = 1.04858e+06"))
    }

    @Test func budgetCountsJacobianHessianAndOutput() throws {
        // The Jacobian of x*2 for 4000 inputs is 4000 x 4000 = 128 MB; x itself is 32 KB.
        let jacobian = try CLI.run(["jacobian", "x*2", "x=ones(4000)", "--max-memory", "100M"])
        #expect(jacobian.exitCode == 65)
        #expect(jacobian.stderr.contains("memory budget of 100 MiB"), "\(jacobian.stderr)")
        let hessian = try CLI.run(["hessian", "sum(x^3)", "x=ones(4000)", "--max-memory", "100M"])
        #expect(hessian.exitCode == 65)
        #expect(hessian.stderr.contains("memory budget of 100 MiB"), "\(hessian.stderr)")
        // 10^6 values take 8 MB as a tensor but about 64 MB reserved for their JSON.
        let output = try CLI.run(["eval", "ones(1000000)", "--json", "--max-memory", "60M"])
        #expect(output.exitCode == 65)
        #expect(output.stdout.contains("limit_error"))
    }

    @Test func maxMemoryValues() throws {
        for good in ["512M", "4G", "1.5GiB", "300000000", "262144KiB"] {
            let result = try CLI.run(["eval", "1", "--max-memory", good])
            #expect(result.exitCode == 0, "\(good): \(result.stderr)")
        }
        for bad in ["", "lots", "-1G", "0", "4X", "1e3"] {
            let result = try CLI.run(["eval", "1", "--max-memory", bad])
            #expect(result.exitCode == 64, "\(bad)")
            #expect(result.stderr.contains("'--max-memory <bytes>'"))
        }
    }

    /// In batch the budget is per request: the bomb gets its own limit_error record and the
    /// requests after it run, on one process and on several, under a tight ulimit (whose
    /// default budget is 3/4 of 400,000 KiB, 293 MiB, so the second 128 MiB tensor passes it).
    @Test func batchAllocationBombLosesNoRecord() throws {
        let lines = (0..<200).map { i in
            "{\"id\": \(i), \"command\": \"eval\", \"expr\": \"\(i % 100 == 7 ? "a=ones(16777216); b=a+1; c=b+1; sum(c)" : "x*2")\", \"inputs\": {\"x\": \(i)}}"
        }
        let stdin = lines.joined(separator: "\n") + "\n"
        for jobs in ["1", "2"] {
            let result = try CLI.run(["batch", "--jobs", jobs], stdin: stdin, memoryLimitKB: 400_000)
            #expect(result.exitCode == 65, "\(result.stderr)")
            let records = try result.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            try #require(records.count == 200)
            for (i, record) in records.enumerated() {
                #expect(record["id"] as? Int == i)
                if i % 100 == 7 {
                    #expect((record["error"] as? [String: Any])?["code"] as? String == "limit_error", "\(record)")
                } else {
                    #expect(record["value"] as? Double == Double(2 * i))
                }
            }
        }
    }
}
