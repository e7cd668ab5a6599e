import Foundation
import Testing

/// Disagreements with PyTorch 2.13 that the differential sweep (scripts/sweep_torch.py) found,
/// checked through the binary against values PyTorch recorded (the snippet beside each).
@Suite struct SweepFixTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments + ["--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    /// Nested numbers (or "NaN"/"Infinity" strings) flattened.
    static func flat(_ v: Any?) -> [Double] {
        if let a = v as? [Any] { return a.flatMap(flat) }
        if let s = v as? String { return [s == "NaN" ? .nan : s == "Infinity" ? .infinity : s == "-Infinity" ? -.infinity : .nan] }
        return [(v as? NSNumber)?.doubleValue ?? .nan]
    }

    static func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x.isNaN ? y.isNaN : x == y || Swift.abs(x - y) <= tolerance * Swift.max(1, Swift.abs(y))
        }
    }

    // MARK: dtypes PyTorch refuses

    /// `torch.abs(torch.tensor([True, False]))` -> RuntimeError: "abs_cpu" not implemented for 'Bool', and so on.
    @Test(arguments: [
        ("torch.abs(torch.tensor([True, False]))", "\"abs_cpu\" not implemented for 'Bool'", "  | " + String(repeating: "^", count: 38)),
        ("F.softmax(torch.tensor([[1, 2], [3, 4]]), 0)", "\"softmax_kernel_impl\" not implemented for 'Long'", "  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"),
        ("F.gelu(torch.tensor([1, 2]))", "\"GeluKernelImpl\" not implemented for 'Long'", "  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^"),
        ("torch.tensor([1, 2]) - True", "Subtraction, the `-` operator, with a bool tensor is not supported.", "  |                      ^"),
        ("torch.ones(2, 2) @ torch.tensor([[1, 2], [3, 4]])", "expected m1 and m2 to have the same dtype, but got: double != long int", "  |                  ^"),
    ])
    func dtypeRefusals(code: String, message: String, caret: String) throws {
        let result = try CLI.run(["eval", code])
        #expect(result.exitCode == 65)
        #expect(result.stderr.contains("error: " + message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").map(String.init).contains(caret), "\(result.stderr)")
    }

    /// torch.var(x, 0, True, correction=0) -> TypeError: var() received an invalid combination of
    /// arguments (unbiased and correction are two overloads); torch.var(x, 0, correction=0) -> 1.5556
    /// for x = [1, 2, 4], torch.std(x, unbiased=False) -> 1.2472.
    @Test func varianceTakesUnbiasedOrCorrection() throws {
        for code in ["torch.var(torch.tensor([1., 2, 4]), 0, True, correction=0)", "torch.std(torch.tensor([1., 2, 4]), unbiased=False, correction=1)"] {
            let result = try CLI.run(["eval", code])
            #expect(result.exitCode == 65)
            #expect(result.stderr.contains("received an invalid combination of arguments: unbiased and correction cannot both be given"), "\(result.stderr)")
        }
        for (code, value) in [("torch.var(torch.tensor([1., 2, 4]), 0, correction=0)", 14.0 / 9), ("torch.std(torch.tensor([1., 2, 4]), unbiased=False)", (14.0 / 9).squareRoot())] {
            let out = try Self.json(["eval", code])
            #expect(Self.close(Self.flat(out["value"]), [value], tolerance: 1e-15), "\(code): \(out)")
        }
    }

    /// What PyTorch still accepts: torch.floor_divide(torch.tensor([True, False]), 2) -> tensor([0, 0]);
    /// torch.abs(torch.tensor([-1, 2])) -> tensor([1, 2]); torch.sign(torch.tensor([True])) -> tensor([True]).
    @Test func dtypesPyTorchAccepts() throws {
        for (code, value, dtype) in [("torch.floor_divide(torch.tensor([True, False]), 2)", [0.0, 0], "int64"),
                                     ("torch.abs(torch.tensor([-1, 2]))", [1, 2], "int64"),
                                     ("torch.sign(torch.tensor([True, False]))", [1, 0], "bool"),
                                     ("torch.tensor([True, False]) ** True", [1, 0], "bool")] {
            let out = try Self.json(["eval", code])
            #expect(Self.flat(out["value"]) == value && out["dtype"] as? String == dtype, "\(code): \(out)")
        }
    }

    // MARK: det at a singular matrix

    /// x = torch.tensor([[1., 2.], [2., 4.]], requires_grad=True); torch.det(x).backward(); x.grad -> zeros
    /// (first order: PyTorch's LU rule, det(x) * x^-T with its zero pivot nudged).
    @Test func detGradientAtSingularMatricesIsZero() throws {
        for matrix in ["[[1,2],[2,4]]", "[[1,0],[0,0]]", "[[0,0,0],[0,0,0],[0,0,0]]", "[[1,2,3],[2,4,6],[3,6,9]]"] {
            let out = try Self.json(["grad", "det(x)", "x=\(matrix)"])
            #expect(Self.flat((out["grad"] as? [String: Any])?["x"]).allSatisfy { $0 == 0 }, "\(matrix): \(out)")
        }
        // torch.det(torch.tensor([[0.]], requires_grad=True)).backward() -> grad [[1.]] (the 1 x 1 case)
        let one = try Self.json(["grad", "det(x)", "x=[[0]]"])
        #expect(Self.flat((one["grad"] as? [String: Any])?["x"]) == [1])
    }

    /// torch.autograd.functional.hessian(torch.det, A).reshape(n*n, n*n) at singular A: PyTorch's
    /// create_graph rule goes through the SVD (the cofactor matrix), so the Hessian is the exact one
    /// where the singular values are distinct, and NaN where they repeat exactly.
    @Test func detHessianAtSingularMatrices() throws {
        func hessian(_ matrix: String) throws -> [Double] {
            let out = try Self.json(["hessian", "det(x)", "x=\(matrix)"])
            return Self.flat(((out["hessian"] as? [String: Any])?["x"] as? [String: Any])?["x"])
        }
        // A = [[1., 2.], [2., 4.]] -> [[0,0,0,1],[0,0,-1,0],[0,-1,0,0],[1,0,0,0]] (up to 2e-16)
        #expect(Self.close(try hessian("[[1,2],[2,4]]"), [0, 0, 0, 1, 0, 0, -1, 0, 0, -1, 0, 0, 1, 0, 0, 0], tolerance: 1e-15))
        // A = [[1., 0.], [0., 0.]] -> the same pattern, exactly
        #expect(try hessian("[[1,0],[0,0]]") == [0, 0, 0, 1, 0, 0, -1, 0, 0, -1, 0, 0, 1, 0, 0, 0])
        // A = zeros(2, 2), zeros(3, 3), diag(1., 0., 0.): 16, 81 and 81 NaNs
        for matrix in ["[[0,0],[0,0]]", "[[0,0,0],[0,0,0],[0,0,0]]", "[[1,0,0],[0,0,0],[0,0,0]]"] {
            let h = try hessian(matrix)
            #expect(!h.isEmpty && h.allSatisfy(\.isNaN), "\(matrix): \(h)")
        }
        // A = [[1., 2., 3.], [2., 4., 6.], [3., 6., 9.]] (rank 1): row 0 is
        // [0, 0, 0, 0, 9, -6, 0, -6, 4] (PyTorch's entries within 2e-15 of these)
        let rank1 = try hessian("[[1,2,3],[2,4,6],[3,6,9]]")
        #expect(Self.close(Array(rank1.prefix(9)), [0, 0, 0, 0, 9, -6, 0, -6, 4], tolerance: 1e-14))
        // A = [[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]] (|det| < 100 eps): row 0 is
        // [0, 0, 0, 0, 9, -8, 0, -6, 5]
        let rank2 = try hessian("[[1,2,3],[4,5,6],[7,8,9]]")
        #expect(Self.close(Array(rank2.prefix(9)), [0, 0, 0, 0, 9, -8, 0, -6, 5], tolerance: 1e-14))
    }

    // MARK: topk among ties

    /// x = torch.tensor([[3.,3,3,3,3],[1,2,1,2,1]], requires_grad=True); v, i = torch.topk(x, 3)
    /// i -> [[2, 4, 3], [1, 3, 0]]; v.backward(torch.tensor([[.5, .75, 1.], [1.25, 1.5, 1.75]]))
    /// x.grad -> [[0, 0, .5, 1, .75], [1.75, 1.25, 0, 1.5, 0]]
    @Test func topkTiesGoWherePyTorchPutsThem() throws {
        let x = "x=[[3,3,3,3,3],[1,2,1,2,1]]"
        let indices = try Self.json(["eval", "torch.topk(x, 3)[1]", x])
        #expect(Self.flat(indices["value"]) == [2, 4, 3, 1, 3, 0])
        let grad = try Self.json(["grad", "torch.topk(x, 3)[0]", x, "--grad-output", "[[0.5, 0.75, 1], [1.25, 1.5, 1.75]]"])
        #expect(Self.flat((grad["grad"] as? [String: Any])?["x"]) == [0, 0, 0.5, 1, 0.75, 1.75, 1.25, 0, 1.5, 0])
        // torch.topk(torch.tensor([[2.,2,1,1,0],[5,1,5,1,5]]), 2, largest=False)[1] -> [[4, 2], [1, 3]]
        let smallest = try Self.json(["eval", "torch.topk(x, 2, largest=False)[1]", "x=[[2,2,1,1,0],[5,1,5,1,5]]"])
        #expect(Self.flat(smallest["value"]) == [4, 2, 1, 3])
        // torch.topk(torch.tensor([0., -0., 0., 1., -0., 1.]), 4, sorted=False)[1] -> [3, 5, 4, 1]
        let unsorted = try Self.json(["eval", "torch.topk(x, 4, sorted=False)[1]", "x=[0,-0.0,0,1,-0.0,1]"])
        #expect(Self.flat(unsorted["value"]) == [3, 5, 4, 1])
    }

    // MARK: sinh and cosh near overflow

    /// x = torch.full((17,), 710.); torch.sinh(x) -> inf for the 16 elements PyTorch's vectorised
    /// loop covers (AVX2 or AVX-512), 1.1169973830808557e+308 for the 17th; the gradient
    /// (cosh) likewise. torch.sinh(torch.tensor([710., -710.])) -> [1.1169973830808557e+308, -1.1169973830808557e+308].
    @Test func sinhAndCoshOverflowAsPyTorchsKernel() throws {
        let x = "x=" + Array(repeating: "710", count: 17).joined(separator: ",")
        for op in ["sinh", "cosh"] {
            let out = try Self.json(["grad", "\(op)(x)", x, "--grad-output", "ones(17)"])
            let expected = Array(repeating: Double.infinity, count: 16) + [1.1169973830808557e+308]
            #expect(Self.flat(out["value"]) == expected, "\(op)")
            #expect(Self.flat((out["grad"] as? [String: Any])?["x"]) == expected, "\(op)'")
        }
        let short = try Self.json(["eval", "sinh(x)", "x=710,-710"])
        #expect(Self.flat(short["value"]) == [1.1169973830808557e+308, -1.1169973830808557e+308])
    }

    // MARK: int64 overflow

    /// torch.tensor([2, 2]) ** 64 -> [0, 0]; torch.tensor([2, 3]) * 2**62 -> [-9223372036854775808,
    /// -4611686018427387904]; torch.tensor(10) ** 19 -> -8446744073709551616 (int64 wraps);
    /// torch.pow(torch.tensor([2, 1, -1, -1]), torch.tensor([-1, -3, -3, -2])) -> [0, 1, -1, 1].
    @Test func int64WrapsAsPyTorch() throws {
        for (code, value) in [("torch.tensor([2, 2]) ** 64", [0.0, 0]),
                              ("torch.tensor([2, 3]) * 2**62", [-9223372036854775808, -4611686018427387904]),
                              ("torch.tensor(10) ** 19", [-8446744073709551616]),
                              ("torch.pow(torch.tensor([2, 1, -1, -1]), torch.tensor([-1, -3, -3, -2]))", [0, 1, -1, 1])] {
            let out = try Self.json(["eval", code])
            #expect(Self.flat(out["value"]) == value && out["dtype"] as? String == "int64", "\(code): \(out)")
        }
    }

    /// torch.tensor(10**20) -> RuntimeError: Overflow when unpacking long long (2**100 too);
    /// torch.tensor(2) ** -1 -> RuntimeError: Integers to negative integer powers are not allowed.
    /// Results a float64 cannot hold (3**39 = 4052555153018976267) are refused, never printed wrong.
    @Test func int64OverflowIsRefused() throws {
        for (code, message) in [("10**20", "Overflow when unpacking long long"),
                                ("torch.tensor(2**100)", "Overflow when unpacking long long"),
                                ("100000000000000000000", "Overflow when unpacking long long"),
                                ("torch.tensor(2) ** -1", "Integers to negative integer powers are not allowed."),
                                ("3**39", "the int64 result 4052555153018976267 is beyond what gradcli holds exactly"),
                                ("torch.tensor([3]) ** 64", "the int64 result 8733086111712066817 is beyond what gradcli holds exactly"),
                                ("torch.tensor([9007199254740993])", "the integer 9007199254740993 is beyond what gradcli holds exactly"),
                                // torch.tensor([10] * 19).prod() -> -8446744073709551616 (wrapped); gradcli's
                                // int64 reductions run in float64, so past 2^53 they refuse
                                ("torch.tensor([10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10,10]).prod()",
                                 "an int64 prod result beyond 2^53"),
                                ("torch.tensor([2**52, 2**52, 2]).sum()", "an int64 sum result beyond 2^53")] {
            let result = try CLI.run(["eval", code])
            #expect(result.exitCode == 65, "\(code)")
            #expect(result.stderr.contains("error: " + message), "\(code): \(result.stderr)")
        }
        // 2**62 and 10**18 are exact: torch.tensor(2**62) -> 4611686018427387904
        let exact = try Self.json(["eval", "2**62 + 10**18"])
        #expect(Self.flat(exact["value"]) == [5611686018427387904])
    }
}
