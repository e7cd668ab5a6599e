// PyTorch's float32 elementwise kernels on its vectorised CPU path, bit for bit: Sleef's u10
// functions (ported in sleef_float32.c, with fused multiply-adds as in Sleef's AVX2 and AVX-512
// builds) on whole vectors, and the scalar formula with the C library's float functions on the
// elements after the last full chunk, as PyTorch's `vectorized_loop` does. `chunk` is the
// elements per vectorised step (32 for AVX-512, 16 for AVX2; 0: every element takes the scalar
// formula, PyTorch's default build).
#ifndef GRADCLI_TORCH_FLOAT32_H
#define GRADCLI_TORCH_FLOAT32_H

#ifdef __cplusplus
extern "C" {
#endif

/// Sleef_expf_u10 of one element (each vector lane computes exactly this; torch_float32.c).
float gk_sleef_expf(float x);

/// out[i] = sigmoid(x[i]) in float32: 1 / (1 + exp(-x)) (x and out hold float32 values).
void gk_sigmoid_f32(long n, const double *x, double *out, long chunk);

/// out[i] = silu(x[i]) in float32: x / (1 + exp(-x)).
void gk_silu_f32(long n, const double *x, double *out, long chunk);

/// Sleef's u10 functions (one lane of PyTorch's AVX2/AVX-512 vector code).
float gk_sleef_exp2f(float x);
float gk_sleef_expm1f(float x);
float gk_sleef_sinhf(float x);
float gk_sleef_coshf(float x);
float gk_sleef_logf(float x);
float gk_sleef_log1pf(float x);
float gk_sleef_atanhf(float x);
float gk_sleef_powf(float x, float y);
float gk_sleef_atan2f(float y, float x);
float gk_sleef_tanhf(float x);
float gk_sleef_lgammaf(float x);

typedef enum {
    GK_F32_EXP2, GK_F32_SINH, GK_F32_COSH, GK_F32_ATANH, GK_F32_MISH, GK_F32_EXPM1, GK_F32_LOG1P, GK_F32_LOGSIGMOID,
    GK_F32_LGAMMA
} gk_f32_unary_op;

/// out[i] = op(x[i]) in float32. exp2, sinh, cosh, atanh and mish take Sleef on whole chunks and the C
/// library's float function on the rest (`cpu_kernel_vec`); expm1, log1p (vml's map) and
/// logsigmoid (min(x, 0) - log1p(exp(-|x|))) and lgamma (vml's map) take Sleef on every element
/// when chunk > 0.
void gk_unary_f32(gk_f32_unary_op op, long n, const double *x, double *out, long chunk);

/// softplus in float32: x where x * beta > threshold, else log1p(exp(x * beta)) / beta.
void gk_softplus_f32(long n, const double *x, double *out, long chunk, float beta, float threshold);

/// x[i] ** exponent for a Python-number exponent: Sleef's powf with the exponent rounded to
/// float on whole chunks, the double pow rounded to float on the rest.
void gk_pow_scalar_f32(long n, const double *x, double *out, long chunk, double exponent);

typedef enum { GK_F32_POW, GK_F32_ATAN2, GK_F32_LOGADDEXP, GK_F32_LOGADDEXP2 } gk_f32_binary_op;

/// out[i] = op(a[i], b[i]) over operands already broadcast to out's n elements, in rows of
/// `row` elements (PyTorch's innermost loop after merging dimensions; 0: one row), each row
/// with its own tail. atan2 is atan2(a, b); logaddexp and logaddexp2 are PyTorch's formulas.
void gk_binary_f32(gk_f32_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row);

/// gelu(x, approximate='tanh') in float32: 0.5 * x * (1 + tanh(beta * (x + kappa * x^3))) with
/// Sleef's tanhf on whole chunks, the C library's on the rest.
void gk_gelu_tanh_f32(long n, const double *x, double *out, long chunk);

/// elu in float32 (also selu and celu): x * poscoef where x > 0, else
/// expm1(x * negiptcoef) * negcoef, Sleef's expm1f on whole chunks, the C library's on the rest.
void gk_elu_f32(long n, const double *x, double *out, long chunk, float negcoef, float poscoef, float negiptcoef);

/// True when oneDNN runs its avx512_core code here (AVX-512 F, BW, VL and DQ).
int gk_onednn_has_avx512_core(void);

/// gelu(x) in float32 as PyTorch computes it on an avx512_core CPU: oneDNN's minimax erf for
/// n > 1, PyTorch's scalar formula with the C library's erff for one element (torch_gelu.c).
void gk_gelu_f32(long n, const double *x, double *out);

/// gelu's gradient in float32 as oneDNN's eltwise backward computes it (PyTorch's gelu_backward
/// for more than one element): grad[i] * gelu'(x[i]) (torch_gelu.c).
void gk_gelu_backward_f32(long n, const double *grad, const double *x, double *out);

/// digamma in float32: PyTorch's calc_digamma(float) (torch_special_f32.c).
void gk_digamma_f32(long n, const double *x, double *out);

/// polygamma(order, x) in float32 as PyTorch's kernels: calc_digamma for order 0, trigamma (its
/// multiply-adds fused when `fused`, as in the AVX2 and AVX-512 builds) for 1, and
/// (-1)^(order+1) exp(lgamma(order + 1)) zeta(order + 1, x) in float with Math.h's zeta above.
void gk_polygamma_f32(long order, long n, const double *x, double *out, int fused);

/// digamma in float64: PyTorch's calc_digamma(double) (torch_special_f64.c).
double gk_digamma_f64(double x);

/// polygamma(order, x) in float64 as PyTorch's kernels: calc_digamma for order 0, trigamma (its
/// series' multiply-adds fused when `fused`, as PyTorch's AVX2 and AVX-512 builds compile it) for
/// order 1, (-1)^(order+1) exp(lgamma(order + 1)) zeta(order + 1, x) above.
void gk_polygamma_f64(long order, long n, const double *x, double *out, int fused);

/// special.log_ndtr in float32: PyTorch's calc_log_ndtr(float), log1p(-erfc(x / sqrt 2) / 2) from
/// -1 up, log(erfcx(-x / sqrt 2) / 2) - x^2 / 2 below, with the C library's float functions.
void gk_log_ndtr_f32(long n, const double *x, double *out);

/// softmax (log_softmax when log_softmax != 0) in float32 over the middle dimension of an
/// (outer, dim, inner) block, as PyTorch's kernels: the last-dimension kernel when `last`, its
/// other kernel otherwise; `vec` floats per vector (16 with AVX-512, else 8), Sleef's expf/logf in
/// the vector code when `sleef` (torch_softmax_f32.c).
void gk_softmax_f32(long outer, long dim, long inner, int last, const double *x, double *out, long vec, int sleef, int log_softmax);

#ifdef __cplusplus
}
#endif
#endif
