import Testing

/// Float64 `sinh cosh atanh exp2 expm1 log1p lgamma sigmoid silu` (and the activations `elu selu
/// celu softplus mish logsigmoid gelu(approximate='tanh')` built on them) give PyTorch's bits: Sleef's
/// double functions on whole chunks (16 elements with AVX-512, 8 with AVX2; every element, for
/// PyTorch's vml ops expm1, log1p and lgamma), the C library's everywhere in PyTorch's default
/// build; sizes 1, 3, 4, 7, 8, 9, 17, a 0-d tensor and 257 values per op, special values included;
/// and log10, MKL's in PyTorch, which gradcli's double-double log10 matches on these values.
/// The same for `pow atan2 hypot logaddexp logaddexp2` and `gelu` (approximate='none', on Sleef's
/// pow, atan2, hypot, exp, exp2, log1p and erf): every pair of special values (zeros, infinities,
/// NaN, subnormals, negative bases with integer exponents, atan2's quadrants), random values, sizes
/// around the chunks (7 to 17, 37), broadcast rows of 37, Python-number exponents and bases, and
/// the gradients of each op (gelu's through PyTorch's gelu_backward kernel); and softmax and
/// log_softmax along the last dimension. Expected output recorded from PyTorch 2.13 under each
/// capability on an AVX-512 machine by
///   /work/.venv-torch/bin/python scripts/record_float64_sleef.py [binary|softmax]  (Float64*Expected.swift)
@Suite struct Float64SleefTests {
    /// Under each PyTorch capability, with gradcli's kernels at their best level and forced to
    /// the portable one (`GRADCLI_CPU=baseline`: the Sleef ports' fma() as C library calls
    /// rather than instructions), which must give the same bits.
    @Test(arguments: ["", "baseline"])
    func sleefBasedFloat64OpsMatchPyTorchBitsUnderEachCPUCapability(kernels: String) throws {
        try Self.check(Float64SleefExpected.program, Float64SleefExpected.expected, kernels: kernels)
    }

    @Test(arguments: ["", "baseline"])
    func float64PowAtan2HypotLogaddexpAndGeluMatchPyTorchBitsWithGradients(kernels: String) throws {
        try Self.check(Float64SleefBinaryExpected.program, Float64SleefBinaryExpected.expected, kernels: kernels)
    }

    /// softmax, softmin and log_softmax along the last dimension, and the gradients of softmax and
    /// log_softmax: PyTorch's kernels, lanes of 8 or 4 doubles with Sleef's exp and log, each lane's
    /// sum folded lane after lane (Float64SoftmaxExpected.swift).
    @Test(arguments: ["", "baseline"])
    func float64SoftmaxAndLogSoftmaxAlongTheLastDimensionMatchPyTorchBits(kernels: String) throws {
        try Self.check(Float64SoftmaxExpected.program, Float64SoftmaxExpected.expected, kernels: kernels)
    }

    /// Runs `program` under each capability of this machine that `expected` has and compares
    /// the output line by line.
    static func check(_ program: String, _ expected: [String: String], kernels: String) throws {
        var checked = 0
        for capability in DTypeFloat32Tests.capabilities {
            guard let expected = expected[capability] else { continue }
            var environment = ["ATEN_CPU_CAPABILITY": capability]
            if !kernels.isEmpty { environment["GRADCLI_CPU"] = kernels }
            let result = try CLI.run(["run", "-"], stdin: program, environment: environment)
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
