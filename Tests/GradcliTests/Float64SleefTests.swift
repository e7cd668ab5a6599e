import Testing

/// Float64 `sinh cosh atanh exp2 expm1 log1p lgamma sigmoid silu` (and the activations `elu selu
/// celu softplus mish logsigmoid gelu(approximate='tanh')` built on them) give PyTorch's bits: Sleef's
/// double functions on whole 8-element chunks (or every element, for PyTorch's vml ops expm1,
/// log1p and lgamma) under AVX2, the C library's everywhere in PyTorch's default build; sizes
/// 1, 3, 4, 7, 8, 9, 17, a 0-d tensor and 257 values per op, special values included; and log10,
/// MKL's in PyTorch, which gradcli's double-double log10 matches on these values. Expected
/// output recorded from PyTorch 2.13 under each capability on an AVX2 machine by
///   /work/.venv-torch/bin/python scripts/record_float64_sleef.py  (Float64SleefExpected.swift)
@Suite struct Float64SleefTests {
    /// Under each PyTorch capability, with gradcli's kernels at their best level and forced to
    /// the portable one (`GRADCLI_CPU=baseline`: the Sleef ports' fma() as C library calls
    /// rather than instructions), which must give the same bits.
    @Test(arguments: ["", "baseline"])
    func sleefBasedFloat64OpsMatchPyTorchBitsUnderEachCPUCapability(kernels: String) throws {
        var checked = 0
        for capability in DTypeFloat32Tests.capabilities {
            guard let expected = Float64SleefExpected.expected[capability] else { continue }
            var environment = ["ATEN_CPU_CAPABILITY": capability]
            if !kernels.isEmpty { environment["GRADCLI_CPU"] = kernels }
            let result = try CLI.run(["run", "-"], stdin: Float64SleefExpected.program, environment: environment)
            #expect(result.exitCode == 0, "\(result.stderr)")
            let got = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let want = (expected + "\n").split(separator: "\n", omittingEmptySubsequences: false)  // a literal drops its last newline
            #expect(got.count == want.count, "\(capability): \(got.count) lines, expected \(want.count)")
            for (i, (a, b)) in zip(got, want).enumerated() where a != b {
                Issue.record("\(capability) \(kernels), output line \(i + 1): \(a.prefix(160)) != \(b.prefix(160))")
                break
            }
            checked += 1
        }
        #expect(checked >= 1)
    }
}
