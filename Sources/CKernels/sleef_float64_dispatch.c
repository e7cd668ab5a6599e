// The entry points of torch_float64.h: each runs sleef_float64.c's AVX2+FMA variant when the
// kernels run at the AVX2 level or above (see dispatch.c; `GRADCLI_CPU=baseline` lowers it),
// the portable one otherwise. Both give the same bits.
#include "CKernels.h"
#include "torch_float64.h"

static int use_fma(void) { return gk_current_level() >= GK_LEVEL_AVX2; }

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
GK_UNARY_ENTRY(gk_sleef_log1p)
GK_UNARY_ENTRY(gk_sleef_lgamma)
GK_UNARY_ENTRY(gk_log10_dd)
GK_UNARY_ENTRY(gk_sleef_tanh)

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
