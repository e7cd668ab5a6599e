import CKernels
import Glibc

/// PyTorch's float64 math where its CPU kernels are reproducible bit for bit (see
/// CKernels/torch_float64.h): ops whose vectorised body calls Sleef's double functions.
///
/// `cpu_kernel_vec` ops (`sinh cosh atanh exp2 sigmoid silu`, `pow atan2 hypot logaddexp logaddexp2`,
/// and the activations `elu selu celu softplus mish gelu` built on Sleef's expm1, exp, log1p, tanh
/// and erf, with gelu's backward) take Sleef on whole chunks of
/// 2 * Vectorized<double>::size() elements from the start (8 with AVX2, 16 with AVX-512; see
/// `TorchFloat32Math.chunks`, which halves the float32 chunk) and the C library on the rest.
/// PyTorch's `vml` ops that have no MKL version (`expm1 log1p lgamma`) map Sleef over every
/// element, partial vectors included, as `logsigmoid`'s own loop does. PyTorch's default build (`ATEN_CPU_CAPABILITY=default`)
/// runs the C library's functions everywhere. The other vml ops (`exp log log2 log10 sin cos tan
/// asin acos atan tanh erf erfc`) run Intel MKL's vector math, whose last bit is not reproduced.
public enum TorchFloat64Math {
    /// Doubles per vectorised step of PyTorch's elementwise loop here (0: none).
    public static var chunk: Int { TorchFloat32Math.chunk / 2 }

    /// Sleef on every element when PyTorch's vectorised build is in use, `libm` otherwise
    /// (PyTorch's `vml` map over a whole tensor).
    static func everyElement(_ sleef: @escaping (Double) -> Double, _ libm: @escaping (Double) -> Double) -> (Double) -> Double {
        chunk > 0 ? sleef : libm
    }

    /// `expm1` of one float64 element as PyTorch computes it here.
    public static let expm1 = everyElement(gk_sleef_expm1, Glibc.expm1)
    /// `log1p` of one float64 element as PyTorch computes it here.
    public static let log1p = everyElement(gk_sleef_log1p, Glibc.log1p)
    /// `lgamma` of one float64 element as PyTorch computes it here.
    public static let lgamma = everyElement(gk_sleef_lgamma, { Glibc.lgamma($0) })

    /// `softmax` (or `log_softmax`) of a float64 tensor along its last dimension, PyTorch's bits:
    /// its kernel with Vectorized<double>'s width (8 lanes with AVX-512, 4 otherwise) and Sleef's exp
    /// and log in the vector code (see torch_softmax_f64.c).
    static func softmaxLastDim(_ x: Tensor, log: Bool) -> Tensor {
        let dim = x.shape.last ?? 1, n = x.count
        let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.data.withUnsafeBufferPointer { p in
                if n > 0 {
                    gk_softmax_lastdim_f64(n / dim, dim, p.baseAddress!, buffer.baseAddress!,
                                           TorchFloat32Math.chunk == 32 ? 8 : 4, chunk > 0 ? 1 : 0, log ? 1 : 0)
                }
            }
            initialized = n
        }
        return Tensor(shape: x.shape, data: out, dtype: .float64)
    }

    /// The gradient of `softmax` (or `log_softmax`) along the last dimension from its float64 output
    /// `y` and the incoming gradient `g` (of `y`'s shape), as PyTorch's backward kernel computes it.
    static func softmaxBackwardLastDim(_ g: Tensor, _ y: Tensor, log: Bool) -> Tensor {
        let dim = y.shape.last ?? 1, n = y.count
        let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            g.data.withUnsafeBufferPointer { pg in
                y.data.withUnsafeBufferPointer { py in
                    if n > 0 {
                        gk_softmax_backward_lastdim_f64(n / dim, dim, pg.baseAddress!, py.baseAddress!, buffer.baseAddress!,
                                                        TorchFloat32Math.chunk == 32 ? 8 : 4, chunk > 0 ? 1 : 0, log ? 1 : 0,
                                                        TorchFloat32Math.fusesMultiplyAdd ? 1 : 0)
                    }
                }
            }
            initialized = n
        }
        return Tensor(shape: y.shape, data: out, dtype: .float64)
    }

    /// `kernel(n, x, out, chunk)` over a float64 tensor's elements.
    static func apply(_ x: Tensor, _ kernel: (Int, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void) -> Tensor {
        let n = x.count
        let out = [Double](unsafeUninitializedCapacity: n) { buffer, initialized in
            x.data.withUnsafeBufferPointer { p in
                if n > 0 { kernel(n, p.baseAddress!, buffer.baseAddress!, chunk) }
            }
            initialized = n
        }
        return Tensor(shape: x.shape, data: out, dtype: x.dtype)
    }

    /// `sigmoid` or `silu` of a float64 tensor, PyTorch's bits.
    static func unary(_ x: Tensor, _ op: gk_f64_unary_op) -> Tensor { apply(x) { gk_unary_f64(op, $0, $1, $2, $3) } }

    /// `mish`, `logsigmoid` or `gelu(approximate='tanh')` of a float64 tensor, PyTorch's bits.
    static func activation(_ x: Tensor, _ op: gk_f64_act_op) -> Tensor { apply(x) { gk_act_f64(op, $0, $1, $2, $3) } }

    /// PyTorch's elu kernel, which selu and celu call too: `alpha * scale` and `inputScale` are
    /// doubles (celu's is 1 / alpha).
    static func elu(_ x: Tensor, alpha: Double, scale: Double = 1, inputScale: Double = 1) -> Tensor {
        apply(x) { gk_elu_f64($0, $1, $2, $3, alpha * scale, scale, inputScale) }
    }

    /// `pow`, `atan2`, `hypot`, `logaddexp` or `logaddexp2` of two float64 tensors with
    /// broadcasting, PyTorch's bits (each of PyTorch's innermost rows with its own tail).
    static func binary(_ a: Tensor, _ b: Tensor, _ op: gk_f64_binary_op) throws -> Tensor {
        try TorchFloat32Math.broadcasting(a, b, dtype: .float64) { gk_binary_f64(op, $0, $1, $2, $3, chunk, $4) }
    }

    /// `x ** p` for a Python-number exponent other than PyTorch's special cases.
    static func pow(_ x: Tensor, exponent p: Double) -> Tensor { apply(x) { gk_pow_scalar_f64($0, $1, $2, $3, p) } }

    /// `gelu(x)` (approximate='none') of a float64 tensor, PyTorch's bits.
    static func gelu(_ x: Tensor) -> Tensor { apply(x) { gk_gelu_f64($0, $1, $2, $3) } }

    /// gelu's backward for the incoming gradient `dy` (broadcast with x), PyTorch's gelu_backward
    /// kernel to the bit, for approximate='tanh' when `tanh`, else 'none'.
    static func geluBackward(_ dy: Tensor, _ x: Tensor, tanh: Bool) throws -> Tensor {
        try TorchFloat32Math.broadcasting(dy, x, dtype: .float64) { n, pdy, px, out, _ in
            gk_gelu_backward_f64(n, pdy, px, out, chunk, tanh ? 1 : 0)
        }
    }

    /// `softplus(x, beta, threshold)` of a float64 tensor.
    static func softplus(_ x: Tensor, beta: Double, threshold: Double) -> Tensor {
        apply(x) { gk_softplus_f64($0, $1, $2, $3, beta, threshold) }
    }
}
