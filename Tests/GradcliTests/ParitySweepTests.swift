import Foundation
import Testing

/// Disagreements with PyTorch 2.13 found by the one-liner parity sweep, through the binary.
/// Expected stdout was printed by `/work/.venv-torch/bin/python prog.py` for the same program;
/// the refusals are gradcli's own (PyTorch runs those lines).
@Suite struct ParitySweepTests {
    func run(_ program: String) throws -> CLIResult { try CLI.run(["run", "-"], stdin: program) }

    /// dtype= on arange was overridden by the int64 inference; full inferred float from an int or
    /// bool fill; integers above 2^24 went through float32.
    @Test func factoryDTypes() throws {
        let r = try run("""
        import torch
        print(torch.arange(5, dtype=torch.float32))
        print(torch.arange(5, dtype=torch.float64))
        print(torch.arange(1, 4, dtype=torch.float32).dtype)
        print(torch.arange(16777217, 16777219))
        print(torch.full((2,), 7))
        print(torch.full((2,), True))
        print(torch.full((2,), fill_value=3))
        print(torch.full((1,), 16777217))
        print(torch.full((2,), 7, dtype=torch.float64))
        print(torch.full((2,), 7.5))
        """)
        #expect(r.stdout == """
        tensor([0., 1., 2., 3., 4.])
        tensor([0., 1., 2., 3., 4.], dtype=torch.float64)
        torch.float32
        tensor([16777217, 16777218])
        tensor([7, 7])
        tensor([True, True])
        tensor([3, 3])
        tensor([16777217])
        tensor([7., 7.], dtype=torch.float64)
        tensor([7.5000, 7.5000])

        """, "\(r.stderr)")
        #expect(r.exitCode == 0)
    }

    /// x.int() is int32 in PyTorch (`tensor([1, 3, 4], dtype=torch.int32)`), a dtype gradcli lacks:
    /// refused rather than printed as int64.
    @Test func intConversionIsRefused() throws {
        let r = try run("import torch\nx = torch.tensor([1.0, 3.0, 4.0])\nprint(x.int())\n")
        #expect(r.stdout == "")
        #expect(r.stderr.contains("NotImplementedError: Tensor.int() (dtype torch.int32) is not supported in gradcli run"), "\(r.stderr)")
        #expect(r.exitCode == 1)
    }

    /// numpy() of a 0-d tensor compares with numbers as numpy does (PyTorch printed
    /// `True True True` and `False`); printing, arithmetic and arrays with dimensions
    /// (PyTorch: `[1. 3. 4.]`) are refused instead of shown as tensors.
    @Test func numpyResults() throws {
        let r = try run("""
        import torch
        x = torch.tensor(0.1)
        print(x.numpy() < 1, x.numpy() == 0.1, float(x.numpy()) == x.item())
        print(bool(torch.tensor(0.0).numpy()))
        """)
        #expect(r.stdout == "True True True\nFalse\n", "\(r.stderr)")
        for line in ["print(x.numpy())", "print(x[0].numpy())", "print(f'{x[0].numpy()}')", "print(x[0].numpy() + 1)"] {
            let bad = try run("import torch\nx = torch.tensor([1.0, 3.0, 4.0])\n\(line)\n")
            #expect(bad.stdout == "", "\(line)")
            #expect(bad.stderr.contains("not supported in gradcli run (numpy is outside the subset)"), "\(line): \(bad.stderr)")
            #expect(bad.exitCode == 1, "\(line)")
        }
    }
}
