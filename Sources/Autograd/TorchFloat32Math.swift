import CKernels
import Glibc

/// PyTorch's float32 math where its CPU kernels are reproducible bit for bit (see
/// CKernels/torch_float32.h): ops whose vectorised body uses Sleef's expf, and ops that call the
/// C library's float functions on every element.
///
/// The vectorised chunk follows the CPU capability PyTorch picks on this machine: 32 elements
/// with AVX-512, 16 with AVX2 (and FMA), none without (PyTorch's default build, scalar formulas).
/// `ATEN_CPU_CAPABILITY=avx512|avx2|default`, as PyTorch reads it, lowers the choice, so results
/// can be compared with a PyTorch run under the same setting. Tensors above PyTorch's parallel
/// grain (32768 elements) are split across threads there, each part with its own tail.
public enum TorchFloat32Math {
    /// Elements per vectorised step of PyTorch's elementwise loop here (0: none).
    public static let chunk: Int = {
        var best = KernelLevel.avx512.isSupported ? 32 : KernelLevel.avx2.isSupported ? 16 : 0
        // getenv, not Foundation: the library stays free of Foundation (start-up time, address space).
        switch getenv("ATEN_CPU_CAPABILITY").map({ String(cString: $0).lowercased() }) {
        case "default"?: best = 0
        case "avx2"?: best = Swift.min(best, 16)
        default: break
        }
        return best
    }()

    /// `kernel(n, x, out, chunk)` over a float32 tensor's elements.
    static func apply(_ x: Tensor, _ kernel: (Int, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void) -> Tensor {
        let n = x.count
        let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.data.withUnsafeBufferPointer { p in
                if n > 0 { kernel(n, p.baseAddress!, buffer.baseAddress!, chunk) }
            }
            initialized = n
        }
        return Tensor(shape: x.shape, data: out, dtype: .float32)
    }

    /// `sigmoid` of a float32 tensor, PyTorch's bits.
    public static func sigmoid(_ x: Tensor) -> Tensor { apply(x) { gk_sigmoid_f32($0, $1, $2, $3) } }

    /// `silu` of a float32 tensor, PyTorch's bits.
    public static func silu(_ x: Tensor) -> Tensor { apply(x) { gk_silu_f32($0, $1, $2, $3) } }

    /// `vector` on the elements PyTorch's elementwise loop covers in whole chunks from the start
    /// (half as many doubles as floats per chunk), `scalar` on the rest (its scalar tail).
    /// A float32 result is rounded by `apply` as usual.
    static func chunks(_ x: Tensor, vector: (Double) -> Double, scalar: (Double) -> Double) -> Tensor {
        let chunk = x.dtype.isFloat32 ? self.chunk : self.chunk / 2, n = x.count
        let end = chunk > 0 ? n / chunk * chunk : 0
        var out = x.map(scalar)
        for i in 0..<end { out.data[i] = vector(x.data[i]) }
        return out
    }

    /// A C library float function on every element (PyTorch's `std::asinh` and the like).
    static func scalar(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        Tensor(shape: x.shape, data: x.data.map { Double(f(Float($0))) }, dtype: .float32)
    }
}
