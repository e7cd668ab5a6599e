import Foundation
import Testing

/// `x.dtype` through the binary, in expressions and in `gradcli run` scripts. Expected text is
/// what PyTorch 2.13 prints (`print(x.dtype)` prints `torch.float64`; comparisons of dtypes are
/// Python bools, which the calculator shows as bool tensors, like `x.requires_grad`).
@Suite struct DTypeAttributeTests {
    @Test(arguments: [
        ("x.dtype", "torch.float64"),              // torch.tensor(1.0, dtype=torch.float64).dtype
        ("x.float().dtype", "torch.float32"),
        ("x.long().dtype", "torch.int64"),
        ("(x > 0).dtype", "torch.bool"),
        ("torch.long", "torch.int64"),             // print(torch.long)
        ("torch.float", "torch.float32"),
    ])
    func dtypeOutputPrintsPyTorchsName(expr: String, expected: String) throws {
        for format in [[], ["--format", "torch"]] {
            let r = try CLI.run(["eval", expr, "x=1"] + format)
            #expect(r.exitCode == 0, "\(r.stderr)")
            #expect(r.stdout == (format.isEmpty ? "value = " : "") + expected + "\n")
        }
    }

    @Test func dtypeOutputFollowsDTypeFloat32() throws {
        let r = try CLI.run(["eval", "x.dtype", "x=1", "--dtype", "float32"])
        #expect(r.stdout == "value = torch.float32\n")
    }

    @Test func dtypeOutputInJSONIsTheNameWithoutShape() throws {
        let (r, object) = try CLI.json(["eval", "x.dtype", "x=1", "--json"])
        #expect(r.exitCode == 0)
        #expect(object["value"] as? String == "torch.float64")
        #expect(object["shape"] == nil)
    }

    @Test(arguments: [
        ("x.dtype == torch.float32", "tensor(False)"),   // torch.tensor(1., dtype=torch.float64).dtype == torch.float32
        ("x.dtype == torch.double", "tensor(True)"),
        ("x.float().dtype == float", "tensor(True)"),
        ("x.dtype != float64", "tensor(False)"),
        ("x.dtype.is_floating_point", "tensor(True)"),   // torch.float64.is_floating_point
        ("x.long().dtype.is_floating_point", "tensor(False)"),
        ("x.float().dtype.itemsize", "tensor(4)"),       // torch.float32.itemsize
        ("zeros(2, dtype=x.long().dtype)", "tensor([0, 0])"),
        ("[1.5, 2.5].to(x.float().dtype)", "tensor([1.5000, 2.5000], dtype=torch.float32)"),
    ])
    func dtypesCompareAndPassAsArguments(expr: String, expected: String) throws {
        let r = try CLI.run(["eval", expr, "x=1", "--format", "torch"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout == expected + "\n")
    }

    @Test(arguments: [
        (["eval", "x.dtype + 1", "x=1"], "a dtype (torch.float64) is not a tensor"),
        (["grad", "x.dtype", "x=1"], "the output is a dtype (torch.float64), not a tensor"),
        (["eval", "x.dtype.size", "x=1"], "a dtype has no attribute `size`"),
    ])
    func aDTypeWhereATensorIsNeededIsAnError(arguments: [String], message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.exitCode == 65)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func scriptsCompareDTypesAsPyTorchDoes() throws {
        // Printed by PyTorch 2.13 for the same program.
        let r = try CLI.run(["run", "-"], stdin: """
        import torch
        x = torch.tensor([1.0])
        print(x.dtype, x.float().dtype, x.long().dtype, (x > 0).dtype)
        print(x.dtype == torch.float32, x.float().dtype == torch.float, x.dtype != torch.float64)
        print(x.float().dtype is torch.float32, torch.float is torch.float32, torch.long is torch.int64)
        print(x.dtype.is_floating_point, torch.long.is_floating_point, torch.bool.is_signed, torch.float32.itemsize, torch.bool.itemsize)
        """)
        #expect(r.exitCode == 0, "\(r.stderr)")
        #expect(r.stdout == """
        torch.float32 torch.float32 torch.int64 torch.bool
        True True True
        True True True
        True False False 4 1

        """)
    }
}
