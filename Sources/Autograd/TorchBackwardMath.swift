import CKernels
import Glibc

/// The elementwise functions one of PyTorch's CPU loops calls, in one floating type: Sleef's in
/// its vectorised body (whole chunks), the C library's in its scalar tail.
struct ElementMath<T: BinaryFloatingPoint> {
    let exp: (T) -> T
    let log1p: (T) -> T
    let tanh: (T) -> T
    let erf: (T) -> T
    /// exp as a loop that runs its vector code on a partial last vector too: Sleef on every
    /// element whenever PyTorch vectorises (log_sigmoid's buffer).
    let mapExp: (T) -> T
}

extension ElementMath where T == Float {
    static var sleef: ElementMath {
        ElementMath(exp: gk_sleef_expf, log1p: gk_sleef_log1pf, tanh: gk_sleef_tanhf, erf: Glibc.erff, mapExp: gk_sleef_expf)
    }
    static var libm: ElementMath {
        ElementMath(exp: Glibc.expf, log1p: Glibc.log1pf, tanh: Glibc.tanhf, erf: Glibc.erff,
                    mapExp: TorchFloat32Math.chunk > 0 ? gk_sleef_expf : Glibc.expf)
    }
}

extension ElementMath where T == Double {
    // erf is not needed in float64: gelu_backward runs TorchFloat64Math.geluBackward there, with
    // Sleef's double erf in C; the C library's fills the field.
    static var sleef: ElementMath {
        ElementMath(exp: gk_sleef_exp, log1p: gk_sleef_log1p, tanh: gk_sleef_tanh, erf: Glibc.erf, mapExp: gk_sleef_exp)
    }
    static var libm: ElementMath {
        ElementMath(exp: Glibc.exp, log1p: Glibc.log1p, tanh: Glibc.tanh, erf: Glibc.erf,
                    mapExp: TorchFloat64Math.chunk > 0 ? gk_sleef_exp : Glibc.exp)
    }
}

/// One of PyTorch's pointwise backward kernels: the gradient element for incoming gradient `dy`
/// and saved input `x`, with `math`'s functions; `vector` is true in the vectorised body, whose
/// masks can treat NaN otherwise than the scalar tail's branches.
protocol PointwiseBackward {
    func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ math: ElementMath<T>, vector: Bool) -> T
}

extension TorchFloat32Math {
    /// `kernel` over (grad, input) as PyTorch's `cpu_kernel_vec` runs it: in float for float32
    /// (double otherwise), each thread's part (`TorchThreads.parts`) in whole chunks of
    /// 2 * Vectorized<T>::size() elements with Sleef, its remainder with the C library. The
    /// default build has chunks too (of 32-byte vectors), whose functions are the C library's.
    static func backward<K: PointwiseBackward>(_ kernel: K, _ grad: Tensor, _ input: Tensor, dtype: DType) throws -> Tensor {
        let shape = try Tensor.broadcastShapeOrThrow(grad.shape, input.shape)
        let g = try grad.expanded(to: shape).data, x = try input.expanded(to: shape).data
        let float = dtype.isFloat32
        let sleefChunk = float ? TorchFloat32Math.chunk : TorchFloat64Math.chunk
        let chunk = sleefChunk > 0 ? sleefChunk : float ? 16 : 8
        var out = [Double](repeating: 0, count: g.count)
        out.withUnsafeMutableBufferPointer { out in
            for part in TorchThreads.parts(of: g.count) {
                let end = part.lowerBound + part.count / chunk * chunk
                for (range, vector) in [(part.lowerBound..<end, true), (end..<part.upperBound, false)] {
                    if float {
                        let math = vector && sleefChunk > 0 ? ElementMath<Float>.sleef : .libm
                        for i in range { out[i] = Double(kernel(Float(g[i]), Float(x[i]), math, vector: vector)) }
                    } else {
                        let math = vector && sleefChunk > 0 ? ElementMath<Double>.sleef : .libm
                        for i in range { out[i] = kernel(g[i], x[i], math, vector: vector) }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: out, dtype: float ? .float32 : .float64)
    }
}

/// The kernels of PyTorch's aten/src/ATen/native/cpu/Activation.cpp, with `multiplyAdd` where
/// its AVX2 and AVX-512 builds contract `a + b * c` (in the vector body and the scalar tail).
enum BackwardKernel {
    typealias Fused = TorchFloat32Math

    /// silu_backward: dy * s * (1 + x * (1 - s)), s = 1 / (1 + exp(-x)).
    struct Silu: PointwiseBackward {
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            let s = 1 / (1 + m.exp(-x))
            return dy * s * Fused.multiplyAdd(x, 1 - s, 1)
        }
    }

    /// mish_backward: dy * (t + x * s * (1 - t * t)), t = tanh(log1p(exp(x))), s the sigmoid.
    struct Mish: PointwiseBackward {
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            let s = 1 / (1 + m.exp(-x))
            let t = m.tanh(m.log1p(m.exp(x)))
            return dy * Fused.multiplyAdd(x * s, Fused.multiplyAdd(-t, t, 1), t)
        }
    }

    /// elu_backward with is_result=false (elu, selu, celu): dy * negiptcoef * negcoef *
    /// exp(x * negiptcoef) where x <= 0, else dy * poscoef. The vector body's mask is x > 0, so
    /// NaN takes the exponential there and the scalar tail's poscoef after it.
    /// The coefficients are PyTorch's scalar_t values (float products for float32).
    struct Elu: PointwiseBackward {
        let negcoef: Double, poscoef: Double, negiptcoef: Double
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            let (neg, pos, inScale) = (T(negcoef), T(poscoef), T(negiptcoef))
            let negative = vector ? !(x > 0) : x <= 0
            return negative ? dy * inScale * neg * m.exp(x * inScale) : dy * pos
        }
    }

    /// softplus_backward: dy where x * beta > threshold, else dy * z / (z + 1), z = exp(x * beta).
    /// `beta` and `threshold` are rounded to the dtype, as PyTorch's `Scalar.to<scalar_t>()`.
    struct Softplus: PointwiseBackward {
        let beta: Double, threshold: Double
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            let b = T(beta), z = m.exp(x * b)
            return x * b > T(threshold) ? dy : dy * z / (z + 1)
        }
    }

    /// GeluBackwardKernelImpl, approximate='none': dy * (cdf + x * pdf). The vector body fuses
    /// x * pdf into the sum (measured); the scalar tail fuses cdf's product instead, 0.5 * (1 +
    /// erf), which is exact, so its sum is the plain one.
    struct Gelu: PointwiseBackward {
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            let alpha = T(M_SQRT1_2), beta = T(M_2_SQRTPI * M_SQRT1_2 * 0.5)
            let cdf = 0.5 * (1 + m.erf(x * alpha))
            let pdf = beta * m.exp(x * x * -0.5)
            return dy * (vector ? Fused.multiplyAdd(x, pdf, cdf) : cdf + x * pdf)
        }
    }

    /// GeluBackwardKernelImpl, approximate='tanh': dy * (0.5 (1 + t) + 0.5 x (1 - t^2) beta (1 + 3 kappa x^2)).
    struct GeluTanh: PointwiseBackward {
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            let beta = T(M_SQRT2 * M_2_SQRTPI * 0.5), kappa = T(0.044715)
            let square = x * x, cube = square * x
            let t = m.tanh(beta * Fused.multiplyAdd(kappa, cube, x))
            let left = 0.5 * x, right = 1 + t
            let innerDerivative = beta * Fused.multiplyAdd(3 * kappa, square, 1)
            let rightDerivative = left * Fused.multiplyAdd(-t, t, 1) * innerDerivative
            return dy * (0.5 * right + rightDerivative)  // GCC fuses the exact 0.5 * right, if any
        }
    }

    /// log_sigmoid_backward: (1 - b / (1 + b)) * dy where x < 0, else b / (1 + b) * dy, b the
    /// forward's buffer exp(-|x|) (Sleef on every element: log_sigmoid's own loop runs its vector
    /// code on the partial last vector too).
    struct LogSigmoid: PointwiseBackward {
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            let b = m.mapExp(-Swift.abs(x))
            let q = b / (1 + b)
            return (x < 0 ? 1 - q : q) * dy
        }
    }

    /// hardswish_backward: 0 where x <= -3, dy * (x / 3 + 0.5) where x < 3, else dy. The vector
    /// body's blends give NaN the middle piece (NaN); the scalar tail's branches give it dy.
    struct Hardswish: PointwiseBackward {
        func callAsFunction<T: BinaryFloatingPoint>(_ dy: T, _ x: T, _ m: ElementMath<T>, vector: Bool) -> T {
            if x <= -3 { return 0 }
            if x < 3 || (vector && x.isNaN) { return dy * (x / 3 + 0.5) }
            return dy
        }
    }
}
