import Foundation
import Testing
@testable import Autograd

/// A product's or a difference's gradient for a broadcast input (`g * other` or `-g`, summed to
/// the input's shape) is summed as it is made, without storing it: the same sums in PyTorch's
/// order, down to the sign of a zero sum (PyTorch sums `-g`; `-(sum g)` would be -0). Covers
/// column sums through the cascade's levels (over 300 and 1200 rows) and folds onto one
/// element, below and above the parallel grain (8400 and 36000 elements). Expected lines
/// printed by PyTorch 2.13 after `torch.set_num_threads(n)` for the same program.
@Suite struct FoldedGradientTests {
    let program = """
    import torch
    torch.manual_seed(5)
    x = torch.randn(300, 4, 7, dtype=torch.float64)
    m = torch.randn(4, 7, dtype=torch.float64, requires_grad=True)
    q = torch.randn(1, 7, dtype=torch.float64, requires_grad=True)
    s = torch.randn(1, 1, 1, dtype=torch.float64, requires_grad=True)
    w = torch.randn(300, 4, 30, dtype=torch.float64)
    c = torch.randn((), dtype=torch.float64, requires_grad=True)
    y = ((((x - m) * q) ** 2) * s).sum() + (w * c).sum() + torch.relu(x - (m + 10)).sum()
    y.backward()
    print(m.grad.tolist())
    print(q.grad.tolist())
    print(s.grad.tolist(), c.grad.item())
    k = torch.ones(7, dtype=torch.float64, requires_grad=True)
    torch.relu(x - k * 10).sum().backward()
    print(k.grad)
    """

    /// The lines both thread counts print (all but the third).
    let commonLines = [
        "[[215.25043344740794, 224.6702243240565, -201.3788963861807, 930.5692448385519, -19.770254922610487, -18.051150034050842, -10.475957247342246], [-47.63676300453355, 206.05787108382563, 366.6626222131426, 5049.540553363842, -66.770923940558, 126.0763403885503, -27.298005318678214], [113.43216624093975, 722.2553779483877, -107.04980407165512, 2597.2522338555245, -327.67311679052636, 5.911278936134082, -26.333143044209333], [130.65730551160323, 174.3715883054965, 246.72612891262474, -790.3709373345974, -248.61840636483367, 129.57750801724998, 8.549532392230294]]",
        "[[2746.202810499125, 4231.33522119004, -3228.473289132247, -13710.66020748611, 2560.5671350941593, 2413.0471189547993, 1115.5084504951158]]",
        "tensor([0., 0., 0., 0., 0., 0., 0.], dtype=torch.float64)",
    ]

    func run(threads: Int) throws -> [String] {
        let r = try CLI.run(["run", "-"], stdin: program, environment: ["OMP_NUM_THREADS": "\(threads)"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test func foldedGradientsMatchPyTorchOnOneThread() throws {
        let lines = try run(threads: 1)
        #expect(lines == [commonLines[0], commonLines[1], "[[[16594.064451764483]]] -88.50262988752252", commonLines[2], ""])
    }

    /// A batched Jacobian runs the same VJPs on a batch of rows, which the batched engine folds
    /// itself: summing there would add the rows together. d/dw of (x - w) * c is -c (by hand),
    /// here [-1, 1], whose rows summed would be 0.
    @Test func batchedJacobianRowsAreNotFoldedTogether() throws {
        for (c, dw) in [("[1, -1]", "[-1.0,1.0]"), ("[1, 2]", "[-1.0,-2.0]")] {
            let r = try CLI.run(["jacobian", "(x - w) * \(c)", "x=1,2", "w=0.5", "--json"])
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout.contains(#""w":\#(dw)"#), "\(r.stdout)")
            #expect(r.stdout.contains("all rows batched through one backward pass"), "\(r.stdout)")
        }
    }

    @Test(.enabled(if: TorchThreads.count >= 2, "PyTorch uses as many threads as physical cores"))
    func foldedGradientsMatchPyTorchOnTwoThreads() throws {
        let lines = try run(threads: 2)
        #expect(lines == [commonLines[0], commonLines[1], "[[[16594.064451764483]]] -88.50262988752253", commonLines[2], ""])
    }
}
