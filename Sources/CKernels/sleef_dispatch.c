// The entry points of torch_float32.h and torch_float64.h that the Sleef ports define
// (sleef_float32.c, torch_float32.c, sleef_float64.c, sleef_float64_binary.c): each runs the
// build for AVX2 and FMA (the *_fma.c files) when the kernels run at the AVX2 level or above (dispatch.c;
// `GRADCLI_CPU=baseline` lowers it), the portable build otherwise. Both give the same bits.
#include "CKernels.h"
#include "torch_float32.h"
#include "torch_float64.h"

static int use_fma(void) { return gk_current_level() >= GK_LEVEL_AVX2; }

// float32

#define GK_FLOAT_ENTRY(name)                                              \
    float name##_portable(float x);                                       \
    float name##_fma(float x);                                            \
    float name(float x) { return use_fma() ? name##_fma(x) : name##_portable(x); }

GK_FLOAT_ENTRY(gk_sleef_expf)
GK_FLOAT_ENTRY(gk_sleef_exp2f)
GK_FLOAT_ENTRY(gk_sleef_expm1f)
GK_FLOAT_ENTRY(gk_sleef_sinhf)
GK_FLOAT_ENTRY(gk_sleef_coshf)
GK_FLOAT_ENTRY(gk_sleef_logf)
GK_FLOAT_ENTRY(gk_sleef_log1pf)
GK_FLOAT_ENTRY(gk_sleef_atanhf)
GK_FLOAT_ENTRY(gk_sleef_tanhf)
GK_FLOAT_ENTRY(gk_sleef_lgammaf)

void gk_sigmoid_f32_portable(long n, const double *x, double *out, long chunk);
void gk_sigmoid_f32_fma(long n, const double *x, double *out, long chunk);
void gk_sigmoid_f32(long n, const double *x, double *out, long chunk) {
    if (use_fma()) gk_sigmoid_f32_fma(n, x, out, chunk);
    else gk_sigmoid_f32_portable(n, x, out, chunk);
}

void gk_silu_f32_portable(long n, const double *x, double *out, long chunk);
void gk_silu_f32_fma(long n, const double *x, double *out, long chunk);
void gk_silu_f32(long n, const double *x, double *out, long chunk) {
    if (use_fma()) gk_silu_f32_fma(n, x, out, chunk);
    else gk_silu_f32_portable(n, x, out, chunk);
}

float gk_sleef_powf_portable(float x, float y);
float gk_sleef_powf_fma(float x, float y);
float gk_sleef_powf(float x, float y) {
    return use_fma() ? gk_sleef_powf_fma(x, y)
                     : gk_sleef_powf_portable(x, y);
}

float gk_sleef_atan2f_portable(float y, float x);
float gk_sleef_atan2f_fma(float y, float x);
float gk_sleef_atan2f(float y, float x) {
    return use_fma() ? gk_sleef_atan2f_fma(y, x)
                     : gk_sleef_atan2f_portable(y, x);
}

void gk_unary_f32_portable(gk_f32_unary_op op, long n, const double *x, double *out, long chunk);
void gk_unary_f32_fma(gk_f32_unary_op op, long n, const double *x, double *out, long chunk);
void gk_unary_f32(gk_f32_unary_op op, long n, const double *x, double *out, long chunk) {
    if (use_fma()) gk_unary_f32_fma(op, n, x, out, chunk);
    else gk_unary_f32_portable(op, n, x, out, chunk);
}

void gk_softplus_f32_portable(long n, const double *x, double *out, long chunk, float beta, float threshold);
void gk_softplus_f32_fma(long n, const double *x, double *out, long chunk, float beta, float threshold);
void gk_softplus_f32(long n, const double *x, double *out, long chunk, float beta, float threshold) {
    if (use_fma()) gk_softplus_f32_fma(n, x, out, chunk, beta, threshold);
    else gk_softplus_f32_portable(n, x, out, chunk, beta, threshold);
}

void gk_pow_scalar_f32_portable(long n, const double *x, double *out, long chunk, double exponent);
void gk_pow_scalar_f32_fma(long n, const double *x, double *out, long chunk, double exponent);
void gk_pow_scalar_f32(long n, const double *x, double *out, long chunk, double exponent) {
    if (use_fma()) gk_pow_scalar_f32_fma(n, x, out, chunk, exponent);
    else gk_pow_scalar_f32_portable(n, x, out, chunk, exponent);
}

void gk_binary_f32_portable(gk_f32_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row);
void gk_binary_f32_fma(gk_f32_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row);
void gk_binary_f32(gk_f32_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row) {
    if (use_fma()) gk_binary_f32_fma(op, n, a, b, out, chunk, row);
    else gk_binary_f32_portable(op, n, a, b, out, chunk, row);
}

void gk_gelu_tanh_f32_portable(long n, const double *x, double *out, long chunk);
void gk_gelu_tanh_f32_fma(long n, const double *x, double *out, long chunk);
void gk_gelu_tanh_f32(long n, const double *x, double *out, long chunk) {
    if (use_fma()) gk_gelu_tanh_f32_fma(n, x, out, chunk);
    else gk_gelu_tanh_f32_portable(n, x, out, chunk);
}

void gk_elu_f32_portable(long n, const double *x, double *out, long chunk, float negcoef, float poscoef, float negiptcoef);
void gk_elu_f32_fma(long n, const double *x, double *out, long chunk, float negcoef, float poscoef, float negiptcoef);
void gk_elu_f32(long n, const double *x, double *out, long chunk, float negcoef, float poscoef, float negiptcoef) {
    if (use_fma()) gk_elu_f32_fma(n, x, out, chunk, negcoef, poscoef, negiptcoef);
    else gk_elu_f32_portable(n, x, out, chunk, negcoef, poscoef, negiptcoef);
}

// float64
#define GK_UNARY_ENTRY(name)                                              \
    double name##_portable(double x);                                     \
    double name##_fma(double x);                                          \
    double name(double x) { return use_fma() ? name##_fma(x) : name##_portable(x); }

GK_UNARY_ENTRY(gk_sleef_exp)
GK_UNARY_ENTRY(gk_sleef_exp2)
GK_UNARY_ENTRY(gk_sleef_expm1)
GK_UNARY_ENTRY(gk_sleef_sinh)
GK_UNARY_ENTRY(gk_sleef_cosh)
GK_UNARY_ENTRY(gk_sleef_atanh)
GK_UNARY_ENTRY(gk_sleef_log)
GK_UNARY_ENTRY(gk_sleef_log1p)
GK_UNARY_ENTRY(gk_sleef_lgamma)
GK_UNARY_ENTRY(gk_log10_dd)
GK_UNARY_ENTRY(gk_sleef_tanh)
GK_UNARY_ENTRY(gk_tanh_dd)

void gk_tanh_f64_portable(long n, const double *x, double *out);
void gk_tanh_f64_fma(long n, const double *x, double *out);
void gk_tanh_f64(long n, const double *x, double *out) { (use_fma() ? gk_tanh_f64_fma : gk_tanh_f64_portable)(n, x, out); }

void gk_tanh_backward_portable(long n, const double *g, const double *t, double *out, int fused, int single);
void gk_tanh_backward_fma(long n, const double *g, const double *t, double *out, int fused, int single);
void gk_tanh_backward(long n, const double *g, const double *t, double *out, int fused, int single) {
    (use_fma() ? gk_tanh_backward_fma : gk_tanh_backward_portable)(n, g, t, out, fused, single);
}

void gk_unary_f64_portable(gk_f64_unary_op op, long n, const double *x, double *out, long chunk);
void gk_unary_f64_fma(gk_f64_unary_op op, long n, const double *x, double *out, long chunk);
void gk_unary_f64(gk_f64_unary_op op, long n, const double *x, double *out, long chunk) {
    (use_fma() ? gk_unary_f64_fma : gk_unary_f64_portable)(op, n, x, out, chunk);
}

void gk_act_f64_portable(gk_f64_act_op op, long n, const double *x, double *out, long chunk);
void gk_act_f64_fma(gk_f64_act_op op, long n, const double *x, double *out, long chunk);
void gk_act_f64(gk_f64_act_op op, long n, const double *x, double *out, long chunk) {
    (use_fma() ? gk_act_f64_fma : gk_act_f64_portable)(op, n, x, out, chunk);
}

void gk_elu_f64_portable(long n, const double *x, double *out, long chunk, double negcoef, double poscoef, double negiptcoef);
void gk_elu_f64_fma(long n, const double *x, double *out, long chunk, double negcoef, double poscoef, double negiptcoef);
void gk_elu_f64(long n, const double *x, double *out, long chunk, double negcoef, double poscoef, double negiptcoef) {
    (use_fma() ? gk_elu_f64_fma : gk_elu_f64_portable)(n, x, out, chunk, negcoef, poscoef, negiptcoef);
}

void gk_softplus_f64_portable(long n, const double *x, double *out, long chunk, double beta, double threshold);
void gk_softplus_f64_fma(long n, const double *x, double *out, long chunk, double beta, double threshold);
void gk_softplus_f64(long n, const double *x, double *out, long chunk, double beta, double threshold) {
    (use_fma() ? gk_softplus_f64_fma : gk_softplus_f64_portable)(n, x, out, chunk, beta, threshold);
}

void gk_binary_f64_portable(gk_f64_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row);
void gk_binary_f64_fma(gk_f64_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row);
void gk_binary_f64(gk_f64_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row) {
    (use_fma() ? gk_binary_f64_fma : gk_binary_f64_portable)(op, n, a, b, out, chunk, row);
}

void gk_pow_scalar_f64_portable(long n, const double *x, double *out, long chunk, double exponent);
void gk_pow_scalar_f64_fma(long n, const double *x, double *out, long chunk, double exponent);
void gk_pow_scalar_f64(long n, const double *x, double *out, long chunk, double exponent) {
    (use_fma() ? gk_pow_scalar_f64_fma : gk_pow_scalar_f64_portable)(n, x, out, chunk, exponent);
}

void gk_gelu_f64_portable(long n, const double *x, double *out, long chunk);
void gk_gelu_f64_fma(long n, const double *x, double *out, long chunk);
void gk_gelu_f64(long n, const double *x, double *out, long chunk) {
    (use_fma() ? gk_gelu_f64_fma : gk_gelu_f64_portable)(n, x, out, chunk);
}

void gk_gelu_backward_f64_portable(long n, const double *dy, const double *x, double *out, long chunk, int tanh_approx);
void gk_gelu_backward_f64_fma(long n, const double *dy, const double *x, double *out, long chunk, int tanh_approx);
void gk_gelu_backward_f64(long n, const double *dy, const double *x, double *out, long chunk, int tanh_approx) {
    (use_fma() ? gk_gelu_backward_f64_fma : gk_gelu_backward_f64_portable)(n, dy, x, out, chunk, tanh_approx);
}
