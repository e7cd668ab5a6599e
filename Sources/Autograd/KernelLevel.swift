import CKernels

/// The instruction-set level the numeric kernels (GEMM, elementwise arithmetic, sums) run at.
///
/// CKernels picks the best level the CPU supports once, before `main`; the environment variable
/// `GRADCLI_CPU=baseline` (or `avx2`) asks for a lower one. Every level gives the same bits for
/// elementwise arithmetic and sums; GEMM results differ between the baseline and the vector
/// levels only in rounding, because the vector kernels fuse each multiply-add.
public enum KernelLevel: Int, CaseIterable, Sendable {
    /// Portable C: SSE2 on x86-64, NEON on aarch64.
    case baseline = 0
    /// x86-64 with AVX2 and FMA.
    case avx2 = 1
    /// x86-64 with AVX-512F.
    case avx512 = 2

    /// The level in use.
    public static var current: KernelLevel { KernelLevel(gk_current_level()) }

    /// True when this machine can run the level.
    public var isSupported: Bool { gk_level_supported(cLevel) != 0 }

    /// The level's name, as `GRADCLI_CPU` spells it.
    public var name: String { String(cString: gk_level_name(cLevel)) }

    init(_ level: gk_level) { self = KernelLevel(rawValue: Int(level.rawValue)) ?? .baseline }

    var cLevel: gk_level { gk_level(rawValue: UInt32(rawValue)) }
}
