// PyTorch's float64 elementwise kernels on its vectorised CPU path, bit for bit: Sleef's double
// u10 functions (ported in sleef_float64.c as Sleef's AVX2 build computes them, with fused
// multiply-adds) on whole vector chunks, and the C library's double function on the elements
// after the last full chunk, as PyTorch's `vectorized_loop` does. `chunk` is the elements per
// vectorised step (2 * Vectorized<double>::size(): 16 for AVX-512, 8 for AVX2; 0: every element
// takes the scalar formula, PyTorch's default build).
#ifndef GRADCLI_TORCH_FLOAT64_H
#define GRADCLI_TORCH_FLOAT64_H

#ifdef __cplusplus
extern "C" {
#endif

/// Sleef's double u10 functions (one lane of PyTorch's AVX2 vector code).
double gk_sleef_exp(double x);
double gk_sleef_exp2(double x);
double gk_sleef_expm1(double x);
double gk_sleef_sinh(double x);
double gk_sleef_cosh(double x);
double gk_sleef_atanh(double x);
double gk_sleef_log(double x);
double gk_sleef_log1p(double x);
double gk_sleef_lgamma(double x);

/// Stand-ins for MKL's vector log10 and tanh, which PyTorch's float64 kernels call: a
/// double-double log10 rounded once, and Sleef's tanh (double-double throughout), both correctly
/// rounded on almost every value, as MKL's results are (sleef_float64.c).
double gk_log10_dd(double x);
double gk_sleef_tanh(double x);
/// PyTorch's float64 tanh op: gk_sleef_tanh's evaluation, 1 only where the correctly rounded
/// result is (past |x| ~ 19.06, as MKL's; Sleef's own tanh saturates from 18.715).
double gk_tanh_dd(double x);
/// out[i] = gk_tanh_dd(x[i]), vectorised on CPUs with AVX2 and FMA (the same bits).
void gk_tanh_f64(long n, const double *x, double *out);
/// out[i] = g[i] * (1 - t[i] * t[i]), PyTorch's tanh_backward: the product fused into the
/// subtraction when `fused`; in float arithmetic when `single` (float32 values held as doubles).
void gk_tanh_backward(long n, const double *g, const double *t, double *out, int fused, int single);

typedef enum { GK_F64_SIGMOID, GK_F64_SILU } gk_f64_unary_op;

/// out[i] = op(x[i]): sigmoid is 1 / (1 + exp(-x)), silu x / (1 + exp(-x)), with Sleef's exp on
/// whole chunks and the C library's on the rest (`cpu_kernel_vec`).
void gk_unary_f64(gk_f64_unary_op op, long n, const double *x, double *out, long chunk);

typedef enum { GK_F64_MISH, GK_F64_LOGSIGMOID, GK_F64_GELU_TANH } gk_f64_act_op;

/// out[i] = op(x[i]) for activations built on Sleef's functions: mish (x * tanh(log1p(exp(x)))) and
/// gelu(approximate='tanh') take Sleef on whole chunks, the C library on the rest; logsigmoid
/// (min(x, 0) - log1p(exp(-|x|))) takes Sleef on every element when chunk > 0.
void gk_act_f64(gk_f64_act_op op, long n, const double *x, double *out, long chunk);

/// elu (also selu and celu): x * poscoef where x > 0, else expm1(x * negiptcoef) * negcoef.
void gk_elu_f64(long n, const double *x, double *out, long chunk, double negcoef, double poscoef, double negiptcoef);

/// softplus: x where x * beta > threshold, else log1p(exp(x * beta)) / beta.
void gk_softplus_f64(long n, const double *x, double *out, long chunk, double beta, double threshold);

typedef enum { GK_F64_POW, GK_F64_ATAN2, GK_F64_HYPOT, GK_F64_LOGADDEXP, GK_F64_LOGADDEXP2 } gk_f64_binary_op;

/// out[i] = op(a[i], b[i]) over operands already broadcast to out's n elements, in rows of `row`
/// elements (PyTorch's innermost loop after merging dimensions; 0: one row), each row with its
/// own tail: Sleef's pow, atan2 (atan2(a, b)) or hypot on whole chunks, the C library's on the
/// rest; logaddexp and logaddexp2 are PyTorch's formulas on Sleef's exp, exp2 and log1p
/// (sleef_float64_binary.c).
void gk_binary_f64(gk_f64_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row);

/// x[i] ** exponent for a Python-number exponent: Sleef's pow on whole chunks, pow on the rest.
void gk_pow_scalar_f64(long n, const double *x, double *out, long chunk, double exponent);

/// gelu(x) (approximate='none'): x * 0.5 * (1 + erf(x / sqrt 2)), Sleef's erf on whole chunks.
void gk_gelu_f64(long n, const double *x, double *out, long chunk);

/// gelu's backward as PyTorch's GeluBackwardKernelImpl: for approximate='none' (tanh_approx 0)
/// dy * (cdf + x * pdf), Sleef's erf and exp on whole chunks (cdf + x * pdf fused), the C
/// library's on the rest; for 'tanh' its formula on Sleef's tanh, likewise.
void gk_gelu_backward_f64(long n, const double *dy, const double *x, double *out, long chunk, int tanh_approx);

/// softmax (or log_softmax) along the last dimension of `rows` rows of `dim` doubles, as PyTorch's
/// float64 kernels compute them, with vectors of `vec` doubles and Sleef's exp and log in the
/// vector code when `sleef` (torch_softmax_f64.c).
void gk_softmax_lastdim_f64(long rows, long dim, const double *x, double *out, long vec, int sleef, int log_softmax);
/// The gradient of softmax (or log_softmax) along the last dimension from its output `y` and the
/// incoming gradient `g`, as PyTorch's float64 backward kernel computes it (`fused`: its AVX2 and
/// AVX-512 builds' multiply-adds).
void gk_softmax_backward_lastdim_f64(long rows, long dim, const double *g, const double *y, double *out, long vec, int sleef,
                                     int log_softmax, int fused);

#ifdef __cplusplus
}
#endif
#endif
