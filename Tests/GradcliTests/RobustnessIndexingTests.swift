import Foundation
import Testing

/// Slice bounds of any size clamp as PyTorch's do, and `cat` skips
/// empty 1-D tensors as PyTorch does. Every expected value was printed by PyTorch 2.13 for
/// `x = torch.arange(5.)` (or the tensors named) and the same subscript.
@Suite struct RobustnessIndexingTests {
    func value(_ expr: String, _ inputs: [String] = []) throws -> [Double] {
        let result = try CLI.run(["eval", expr] + inputs + ["--json"])
        #expect(result.exitCode == 0, "\(expr): \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try #require(json["value"] as? [Double], "\(expr): \(result.stdout)")
    }

    @Test func hugeSliceBoundsClamp() throws {
        let x = "x=[0, 1, 2, 3, 4]"
        let cases: [(String, [Double])] = [
            ("x[::10**18]", [0]), ("x[1:10**18]", [1, 2, 3, 4]), ("x[-10**18:]", [0, 1, 2, 3, 4]),
            ("x[:-10**18]", []), ("x[-10**18:10**18:2]", [0, 2, 4]), ("x[10**18:]", []), ("x[::2**62]", [0]),
            ("x[3:1]", []),
        ]
        for (expr, expected) in cases {
            #expect(try value(expr, [x]) == expected, "\(expr)")
        }
        // Along a later dimension, with the gradient: PyTorch's y.grad for (y[:, 1:10**18]**2).sum().
        let grad = try CLI.run(["grad", "sum(y[:, 1:10**18]^2)", "y=[[0, 1, 2], [3, 4, 5]]"])
        #expect(grad.exitCode == 0, "\(grad.stderr)")
        #expect(grad.stdout.contains("[[ 0,  2,  4],\n [ 0,  8, 10]]"), "\(grad.stdout)")
    }

    @Test func hugeSliceBoundsInScripts() throws {
        let result = try CLI.run(["run", "-"], stdin: """
        import torch
        x = torch.arange(5.)
        print(x[::10**18], x[1:10**18], x[-10**18:])
        print(x[:-10**18], x[-10**18:10**18:2], x[10**18:])
        print([1, 2, 3][1:10**18], [1, 2, 3][::10**18])
        """)
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == """
        tensor([0.]) tensor([1., 2., 3., 4.]) tensor([0., 1., 2., 3., 4.])
        tensor([]) tensor([0., 2., 4.]) tensor([])
        [2, 3] [1]

        """)
    }

    @Test func catSkipsEmptyVectors() throws {
        let ones = [Double](repeating: 1, count: 6)
        for expr in ["cat([zeros(0), ones(2,3)])", "cat([zeros(0), ones(2,3)], dim=1)", "cat([ones(2,3), zeros(0)], dim=-1)"] {
            let result = try CLI.run(["eval", "flatten(\(expr))", "--json"])
            #expect(result.exitCode == 0, "\(expr): \(result.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(json["value"] as? [Double] == ones, "\(expr)")
        }
        let shape = try CLI.run(["eval", "cat([zeros(0), ones(2,3), zeros(0), ones(2,3)])"])
        #expect(shape.stdout.contains("(shape [4, 3])"), "\(shape.stdout)")
        let alone = try CLI.run(["eval", "cat([zeros(0), zeros(0)], dim=1)"])
        #expect(alone.stdout.hasPrefix("value = []   (shape [0])"), "\(alone.stdout)")
        // PyTorch's errors: the dimension is checked against the joined tensors' rank, 0-d
        // tensors anywhere are refused, and stack does not skip.
        let errors = [("cat([zeros(0), ones(2,3)], dim=2)", "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
                      ("cat([zeros(0), 1.0])", "zero-dimensional tensor (at position 1) cannot be concatenated"),
                      ("cat([zeros(0), ones(2,3), ones(2,4)])", "Expected size 3 but got size 4 for tensor number 2 in the list."),
                      ("cat([zeros(2,0), ones(2,3)])", "Expected size 0 but got size 3 for tensor number 1 in the list."),
                      ("stack([zeros(0), ones(2,3)])", "stack expects each tensor to be equal size, but got [0] at entry 0 and [2, 3] at entry 1")]
        for (expr, message) in errors {
            let result = try CLI.run(["eval", expr])
            #expect(result.exitCode == 65, "\(expr)")
            #expect(result.stderr.contains(message), "\(expr): \(result.stderr)")
        }
    }

    /// PyTorch: for `r = cat([z, o, z, o*2])` and `(r * arange(12.).reshape(4,3)).sum().backward()`,
    /// z.grad is empty and o.grad is [[12, 15, 18], [21, 24, 27]]; the value is 117 by hand.
    @Test func catGradientsWithSkippedInputs() throws {
        let grad = try CLI.run(["grad", "sum(cat([z, o, z, o*2]) * arange(12.).reshape(4,3))", "z=zeros(0)", "o=ones(2,3)"])
        #expect(grad.exitCode == 0, "\(grad.stderr)")
        #expect(grad.stdout.hasPrefix("value = 117"))
        #expect(grad.stdout.contains("grad z = []   (shape [0])"))
        #expect(grad.stdout.contains("[[12, 15, 18],\n [21, 24, 27]]"), "\(grad.stdout)")
        // Hessian diagonal from torch.autograd.functional.hessian at o = 1.5: 12, 14, ..., 22.
        let hessian = try CLI.run(["hessian", "sum(cat([z, o, z, o*o]) * arange(12.).reshape(4,3))", "z=zeros(0)",
                                   "o=1.5*ones(2,3)", "--wrt", "o", "--json"])
        #expect(hessian.exitCode == 0, "\(hessian.stderr)")
        #expect(hessian.stdout.contains("[[[[12.0,0.0,0.0],[0.0,0.0,0.0]]"), "\(hessian.stdout)")
        let check = try CLI.run(["check", "sum(cat([z, o*o])^2)", "z=zeros(0)", "o=1.5*ones(2,3)"])
        #expect(check.exitCode == 0, "\(check.stdout)")
        #expect(check.stdout.contains("2 passed, 0 failed"))
    }

    /// Found by the expression fuzzer (`x[[---7---0]/0]`): an index tensor holding an infinity
    /// or a value beyond the 64-bit range trapped. PyTorch refuses a float index tensor and
    /// names an index out of bounds; gradcli says the same.
    @Test func indexTensorsWithHugeOrInfiniteValuesAreErrors() throws {
        let cases = [("x[[7]/0]", "tensors used as indices must be long, int, byte or bool tensors"),
                     ("x[[-1e300]]", "index -1e+300 is out of bounds for dimension 0 with size 3"),
                     ("index_select(x, 0, tensor([1e19]))", "index out of range in self"),  // index_select's words
                     ("gather(x, 0, tensor([1e300]))", "index 1e+300 is out of bounds for dimension 0 with size 3"),
                     ("x[[5]]", "index 5 is out of bounds for dimension 0 with size 3")]
        for (expr, message) in cases {
            let result = try CLI.run(["eval", expr, "x=[1, 2, 3]"])
            #expect(result.exitCode == 65, "\(expr): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(expr): \(result.stderr)")
        }
    }

    /// An index tensor's count multiplies the result's size: a result past the element limit is
    /// a limit error naming its shape (found by fuzzing, where it was a failed 35 GB allocation).
    @Test func indexingPastTheElementLimitIsALimitError() throws {
        let cases = [
            ("x[zeros(200000, dtype=int64)]", "x=zeros(2,1000)", "[200000, 1000]"),
            ("x[zeros(7,3,3,463,6, dtype=int64)][zeros(7,3,3,463,6, dtype=int64)]", "x=[1, 2, 3]", "[7, 3, 3, 463, 6, 3, 3, 463, 6]"),
        ]
        for (expr, input, shape) in cases {
            let result = try CLI.run(["eval", expr, input])
            #expect(result.exitCode == 65, "\(expr): \(result.stderr)")
            #expect(result.stderr.contains("a tensor of shape \(shape) is larger than the limit"), "\(expr): \(result.stderr)")
        }
    }
}
