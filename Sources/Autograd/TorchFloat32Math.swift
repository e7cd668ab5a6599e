import CKernels
import Glibc

/// PyTorch's float32 math where its CPU kernels are reproducible bit for bit (see
/// CKernels/torch_float32.h): ops whose vectorised body calls Sleef (expf, exp2f, expm1f, sinhf,
/// coshf, tanhf, log1pf, atanhf, powf, atan2f), gelu as oneDNN computes it on AVX-512, and ops
/// that call the C library's float functions.
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

    /// True when PyTorch's kernels here are its AVX2 or AVX-512 builds, whose compiler fuses each
    /// `a + b * c` of their elementwise loops into one multiply-add (its default build does not).
    public static var fusesMultiplyAdd: Bool { chunk > 0 }

    /// The lanes of PyTorch's `Vectorized<T>` for `dtype`: 64 bytes on AVX-512, 32 otherwise
    /// (its default build too).
    static func lanes(_ dtype: DType) -> Int {
        (chunk == 32 ? 64 : 32) / (dtype.isFloat32 ? 4 : 8)
    }

    /// `c + a * b`, rounded once where PyTorch's build fuses it.
    static func multiplyAdd<T: BinaryFloatingPoint>(_ a: T, _ b: T, _ c: T) -> T {
        fusesMultiplyAdd ? c.addingProduct(a, b) : c + a * b
    }

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
    static func chunks(_ x: Tensor, chunk floats: Int = chunk, vector: (Double) -> Double, scalar: (Double) -> Double) -> Tensor {
        let chunk = x.dtype.isFloat32 ? floats : floats / 2, n = x.count
        let end = chunk > 0 ? n / chunk * chunk : 0
        var out = x.map(scalar)
        for i in 0..<end { out.data[i] = vector(x.data[i]) }
        return out
    }

    /// True when PyTorch's float32 gelu of several elements runs oneDNN's AVX-512 code here, which
    /// gradcli reproduces: the CPU has avx512_core and `ONEDNN_MAX_CPU_ISA` (as oneDNN reads it)
    /// does not name a lower ISA.
    public static let geluIsReproducible: Bool = {
        guard gk_onednn_has_avx512_core() != 0 else { return false }
        guard let isa = getenv("ONEDNN_MAX_CPU_ISA").map({ String(cString: $0).lowercased() }) else { return true }
        return isa == "all" || isa.hasPrefix("avx512_core") || isa.hasPrefix("avx10")
    }()

    /// `gelu` (approximate='none') of a float32 tensor with PyTorch's bits, or nil where gradcli
    /// does not reproduce them (oneDNN's AVX2 and older code).
    public static func gelu(_ x: Tensor) -> Tensor? {
        guard x.count <= 1 || geluIsReproducible else { return nil }
        return apply(x) { n, p, out, _ in gk_gelu_f32(n, p, out) }
    }

    /// `gelu(x, approximate='tanh')` of a float32 tensor, PyTorch's bits (its own kernel, not oneDNN's).
    public static func geluTanh(_ x: Tensor) -> Tensor { apply(x) { gk_gelu_tanh_f32($0, $1, $2, $3) } }

    /// PyTorch's float32 elu kernel, which selu and celu call too: `alpha * scale` is a float
    /// product, `inputScale` (celu's 1 / alpha, in double) is rounded to float.
    public static func elu(_ x: Tensor, alpha: Double, scale: Double = 1, inputScale: Double = 1) -> Tensor {
        apply(x) { gk_elu_f32($0, $1, $2, $3, Float(alpha) * Float(scale), Float(scale), Float(inputScale)) }
    }

    /// `exp2 sinh cosh atanh expm1 log1p logsigmoid` of a float32 tensor, PyTorch's bits.
    public static func unary(_ x: Tensor, _ op: gk_f32_unary_op) -> Tensor { apply(x) { gk_unary_f32(op, $0, $1, $2, $3) } }

    /// `softplus(x, beta, threshold)` of a float32 tensor; PyTorch casts both numbers to float.
    public static func softplus(_ x: Tensor, beta: Double, threshold: Double) -> Tensor {
        apply(x) { gk_softplus_f32($0, $1, $2, $3, Float(beta), Float(threshold)) }
    }

    /// `x ** p` for a Python-number exponent other than PyTorch's special cases.
    public static func pow(_ x: Tensor, exponent p: Double) -> Tensor { apply(x) { gk_pow_scalar_f32($0, $1, $2, $3, p) } }

    /// `pow`, `atan2`, `logaddexp` or `logaddexp2` of two float32 tensors with broadcasting, PyTorch's bits.
    public static func binary(_ a: Tensor, _ b: Tensor, _ op: gk_f32_binary_op) throws -> Tensor {
        try broadcasting(a, b, dtype: .float32) { gk_binary_f32(op, $0, $1, $2, $3, chunk, $4) }
    }

    /// `kernel(n, a, b, out, row)` over `a` and `b` broadcast together, `row` the length of
    /// PyTorch's innermost loop (`innerLoopLength`); the result has `dtype`.
    static func broadcasting(_ a: Tensor, _ b: Tensor, dtype: DType,
                             _ kernel: (Int, UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void) throws -> Tensor {
        let shape = try Tensor.broadcastShapeOrThrow(a.shape, b.shape)
        let x = try a.expanded(to: shape), y = try b.expanded(to: shape)
        let row = innerLoopLength(shape, [a.shape, b.shape])
        let n = x.count
        let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.data.withUnsafeBufferPointer { px in
                y.data.withUnsafeBufferPointer { py in
                    if n > 0 { kernel(n, px.baseAddress!, py.baseAddress!, buffer.baseAddress!, row) }
                }
            }
            initialized = n
        }
        return Tensor(shape: shape, data: out, dtype: dtype)
    }

    /// The length of PyTorch's innermost loop over `shape` for contiguous operands of `operands`'
    /// shapes broadcast to it. TensorIterator merges adjacent dimensions whose strides line up
    /// (or of size 1); each call of the innermost loop has its own vectorised chunks and tail.
    static func innerLoopLength(_ shape: [Int], _ operands: [[Int]]) -> Int {
        guard !shape.isEmpty else { return 1 }
        // Innermost first: the output's contiguous strides, then each operand's.
        var sizes = Array(shape.reversed())
        var strides = ([Tensor.broadcastStrides(from: shape, to: shape)] + operands.map { Tensor.broadcastStrides(from: $0, to: shape) })
            .map { Array($0.reversed()) }
        var prev = 0
        for dim in 1..<sizes.count {
            let mergeable = sizes[prev] == 1 || sizes[dim] == 1 || strides.allSatisfy { sizes[prev] * $0[prev] == $0[dim] }
            if mergeable {
                if sizes[prev] == 1 { for i in strides.indices { strides[i][prev] = strides[i][dim] } }
                sizes[prev] *= sizes[dim]
            } else {
                prev += 1
                for i in strides.indices { strides[i][prev] = strides[i][dim] }
                sizes[prev] = sizes[dim]
            }
        }
        return sizes[0]
    }

    /// A C library float function on every element (PyTorch's `std::asinh` and the like).
    static func scalar(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        var result = x.map { Double(f(Float($0))) }
        result.dtype = .float32
        return result
    }
}

extension TorchFloat32Math {
    /// min(max(v, lo), hi) as PyTorch's vec::minimum/maximum and std::min/max give it: NaN stays NaN.
    static func clamp(_ v: Float, _ lo: Float, _ hi: Float) -> Float {
        v.isNaN ? v : Swift.min(Swift.max(v, lo), hi)
    }

    /// `logit(x, eps)` of a float32 tensor: PyTorch's MKL kernel clamps to [eps, 1 - eps] in float
    /// (eps rounded to float; none when eps is omitted), takes x / (1 - x) in float (inf at 1),
    /// then MKL's vector log, whose last bit gradcli does not reproduce (the correctly rounded
    /// log is used, as for `log`).
    static func logit(_ x: Tensor, eps: Double?) -> Tensor {
        let lo = eps.map { Float($0) } ?? -1, hi = 1 - lo
        return scalar(x) { v in
            let z = lo < 0 ? v : (v < lo ? lo : (v > hi ? hi : v))
            let ratio: Float = z == 1 ? .infinity : z / (1 - z)
            return Float(Glibc.log(Double(ratio)))
        }
    }
}

extension TorchFloat32Math {
    /// `softmax` (or `log_softmax`) of a float32 tensor along `dim`, PyTorch's bits: its
    /// last-dimension kernel or its other one, with Vectorized<float>'s width (16 lanes with
    /// AVX-512, 8 otherwise) and Sleef's expf/logf in the vector code (see torch_softmax_f32.c).
    static func softmax(_ x: Tensor, dim: Int?, log: Bool) -> Tensor {
        let shape = x.shape.isEmpty ? [1] : x.shape, d = dim ?? 0
        let outer = shape[..<d].reduce(1, *), size = shape[d], inner = shape[(d + 1)...].reduce(1, *)
        let n = x.count
        let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.data.withUnsafeBufferPointer { p in
                if n > 0 {
                    gk_softmax_f32(outer, size, inner, d == shape.count - 1 ? 1 : 0, p.baseAddress!, buffer.baseAddress!,
                                   chunk == 32 ? 16 : 8, chunk > 0 ? 1 : 0, log ? 1 : 0)
                }
            }
            initialized = n
        }
        return Tensor(shape: x.shape, data: out, dtype: .float32)
    }
}

extension TorchFloat32Math {
    /// `prod` of a float32 tensor over `dims` in PyTorch's order (Reduce.h's
    /// binary_kernel_reduce_vec, 8-lane vectors: an AVX-512 CPU runs its AVX2 kernel, and the
    /// default build's vectors have 8 lanes too): over a contiguous innermost block, 4 vectors multiply
    /// down whole 4-vector steps, fold ((a0 a1)(a2 a3)) and then lane after lane, and the
    /// remaining elements follow one by one; any other layout multiplies in order.
    static func prod(_ x: Tensor, dims: [Int], keepdim: Bool) -> Tensor {
        let reduced = dims.filter { x.shape[$0] != 1 }
        let contiguous = reduced.isEmpty || ((reduced.first!...reduced.last!).allSatisfy { reduced.contains($0) || x.shape[$0] == 1 }
            && x.shape[(reduced.last! + 1)...].allSatisfy { $0 == 1 })
        guard contiguous, !reduced.isEmpty, x.count > 0 else {
            return x.reduced(dims: dims, keepdim: keepdim, initial: 1) { Double(Float($0) * Float($1)) }
        }
        let n = reduced.reduce(1) { $0 * x.shape[$1] }, lanes = 8, step = 4 * lanes
        var kept = x.shape
        for d in dims { kept[d] = 1 }
        let values = x.data.map { Float($0) }
        let out = (0..<(x.count / n)).map { o -> Double in
            let start = o * n, steps = n / step
            var result: Float = 1
            if steps > 0 {
                var acc = Array(values[start..<(start + step)])
                for i in 1..<steps { for k in 0..<step { acc[k] *= values[start + i * step + k] } }
                var folded = (acc[0] * acc[lanes]) * (acc[2 * lanes] * acc[3 * lanes])
                for l in 1..<lanes { folded = folded * ((acc[l] * acc[lanes + l]) * (acc[2 * lanes + l] * acc[3 * lanes + l])) }
                result = result * folded
            }
            for i in (steps * step)..<n { result = result * values[start + i] }
            return Double(result)
        }
        let shape = keepdim ? kept : x.shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
        return Tensor(shape: shape, data: out, dtype: .float32)
    }
}
