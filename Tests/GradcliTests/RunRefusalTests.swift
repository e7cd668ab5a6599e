import Foundation
import Testing

/// What `gradcli run` refuses rather than print something PyTorch would not: dtypes gradcli does
/// not have, `torch.empty`'s uninitialised elements, and in-place updates its graph or storage
/// model cannot follow. PyTorch 2.13 runs each of these lines (so there is no PyTorch output to
/// match); the expectation is gradcli's own: a NotImplementedError saying "not supported in
/// gradcli run" as the traceback's last line, what was printed before kept, exit status 1.
@Suite struct RunRefusalTests {
    func run(_ program: String) throws -> CLIResult { try CLI.run(["run", "-"], stdin: program) }

    func expectRefused(_ line: String, saying text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try run("import torch\nx = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)\nprint('before')\n\(line)\nprint('after')\n")
        #expect(r.stdout == "before\n", "\(line): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.exitCode == 1, "\(line): \(r.stderr)", sourceLocation: sourceLocation)
        let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("NotImplementedError: "), "\(line): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(last.contains("not supported in gradcli run"), "\(line): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(last.contains(text), "\(line): \(last)", sourceLocation: sourceLocation)
    }

    /// int32, int16, float16 and bfloat16 are refused wherever they are named: as a value, as
    /// `dtype=`, in a comparison.
    @Test func missingDTypes() throws {
        try expectRefused("print(torch.int32)", saying: "torch.int32 (dtype torch.int32) is not supported in gradcli run: gradcli has float32, float64, int64 and bool only; use torch.int64")
        try expectRefused("y = torch.zeros(2, dtype=torch.int32)", saying: "torch.int32")
        try expectRefused("y = x.to(torch.float16)", saying: "torch.float16 (dtype torch.float16) is not supported in gradcli run: gradcli has float32, float64, int64 and bool only; use torch.float32 or torch.float64")
        try expectRefused("y = x.to(torch.bfloat16)", saying: "torch.bfloat16 (dtype torch.bfloat16)")
        try expectRefused("print(x.dtype == torch.half)", saying: "torch.half (dtype torch.float16)")
        try expectRefused("print(torch.int)", saying: "torch.int (dtype torch.int32)")
        try expectRefused("print(torch.int16)", saying: "torch.int16 (dtype torch.int16)")
    }

    @Test func missingDTypeConversions() throws {
        try expectRefused("print(x.short())", saying: "Tensor.short() (dtype torch.int16) is not supported in gradcli run; use long() for int64")
        try expectRefused("print(x.half())", saying: "Tensor.half() (dtype torch.float16) is not supported in gradcli run; use float() or double()")
        try expectRefused("print(x.bfloat16())", saying: "Tensor.bfloat16() (dtype torch.bfloat16)")
        try expectRefused("print(x.byte())", saying: "Tensor.byte() (dtype torch.uint8)")
        try expectRefused("print(x.int())", saying: "Tensor.int() (dtype torch.int32)")
    }

    /// PyTorch's `empty` leaves its elements as whatever was in memory.
    @Test func emptyIsRefused() throws {
        for line in ["y = torch.empty(2, 3)", "y = torch.empty((2,))", "y = torch.empty_like(x)", "y = x.new_empty(3)"] {
            try expectRefused(line, saying: "PyTorch leaves its elements uninitialised")
        }
    }

    /// detach_() of a non-leaf: PyTorch keeps the earlier graph's path through the tensor,
    /// gradcli's graph could not.
    @Test func nonLeafDetachInPlaceIsRefused() throws {
        try expectRefused("y = x * 2\ny.detach_()", saying: "detach_() of a tensor computed by an op (a non-leaf) is not supported in gradcli run")
    }

    /// t_() of a tensor whose storage another tensor shares: the other would keep the old layout.
    @Test func transposeInPlaceOfSharedStorageIsRefused() throws {
        try expectRefused("a = torch.ones(2, 3)\nd = a.detach()\na.t_()", saying: "t_() on a tensor that shares its storage")
    }

    @Test func adamWAmsgradIsRefused() throws {
        try expectRefused("opt = torch.optim.AdamW([x], amsgrad=True)", saying: "AdamW(amsgrad=True) is not supported in gradcli run")
    }

    /// The refusals are RuntimeErrors to `except`, as NotImplementedError is in Python.
    @Test func refusalsCanBeCaught() throws {
        let r = try run("""
        import torch
        try:
            torch.empty(2)
        except RuntimeError as e:
            print(type(e).__name__)
        try:
            print(torch.float16)
        except NotImplementedError:
            print("caught")

        """)
        #expect(r.stdout == "NotImplementedError\ncaught\n", "\(r.stderr)")
        #expect(r.exitCode == 0)
    }
}
