import Foundation
import Testing
@testable import Autograd

/// Above PyTorch's parallel grain (32768 elements) a full sum (and a full `var`'s squared
/// deviations) is split across its threads, one part each, and the parts' sums added in order;
/// `OMP_NUM_THREADS` sets how many. Expected values printed by PyTorch 2.13 after
/// `torch.set_num_threads(n)` for the same program.
@Suite struct ThreadSplitSumTests {
    let program = """
    import torch
    torch.manual_seed(11)
    x = torch.randn(100003, dtype=torch.float64)
    print(x.sum().item(), x.float().sum().item(), x.mean().item(), (x * x).float().mean().item(), x.var().item(), x.float().std().item())
    """

    func run(threads: Int) throws -> CLIResult {
        try CLI.run(["run", "-"], stdin: program, environment: ["OMP_NUM_THREADS": "\(threads)"])
    }

    @Test func oneThreadSumsTheWholeTensorInOneCascade() throws {
        let r = try run(threads: 1)
        #expect(r.stdout == "37.850011582806275 37.85002136230469 0.0003784887611652278 0.9973908066749573 0.9974006281901476 0.9986994862556458\n")
        #expect(r.exitCode == 0)
    }

    @Test(.enabled(if: TorchThreads.count >= 2, "PyTorch uses as many threads as physical cores"))
    func twoThreadsSumTwoHalvesThenAddThem() throws {
        let r = try run(threads: 2)
        #expect(r.stdout == "37.85001158280623 37.84998321533203 0.0003784887611652274 0.9973906874656677 0.9974006281901286 0.9986994862556458\n")
        #expect(r.exitCode == 0)
    }
}
