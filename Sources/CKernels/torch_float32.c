// See torch_float32.h. Sleef's algorithm is written out for one lane: the same operations in
// the same order (fmaf where Sleef uses a fused multiply-add), so every lane's bits match.
#include "torch_float32.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// No contraction of a * b + c beyond the fmaf calls written out: the bits depend on it.
// Compiled twice, as sleef_float64.c is: here for any x86-64, and by torch_float32_fma.c for CPUs with AVX2 and
// FMA (fmaf() one instruction); sleef_dispatch.c picks the variant at run time.
#ifndef VARIANT
#define VARIANT(name) name##_portable
#endif
#include "torch_float32_variants.h"

#pragma STDC FP_CONTRACT OFF

/// 2^q for q in float32's normal exponent range (Sleef's vpow2i).
static inline float pow2i(int q) {
    uint32_t bits = (uint32_t)(q + 0x7f) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

float VARIANT(gk_sleef_expf)(float d) {
    if (isnan(d)) return d;
    if (d < -104) return 0;          // Sleef masks these to +0
    if (100 < d) return INFINITY;
    // Round to nearest even, as the vector conversion does.
    const int q = (int)rintf(d * 1.442695040888963407359924681001892137426645954152985934135449406931f);
    float s = fmaf((float)q, -0.693145751953125f, d);
    s = fmaf((float)q, -1.428606765330187045e-06f, s);
    float u = 0.000198527617612853646278381f;
    u = fmaf(u, s, 0.00139304355252534151077271f);
    u = fmaf(u, s, 0.00833336077630519866943359f);
    u = fmaf(u, s, 0.0416664853692054748535156f);
    u = fmaf(u, s, 0.166666671633720397949219f);
    u = fmaf(u, s, 0.5f);
    u = 1.0f + fmaf(s * s, u, s);
    // vldexp2: two multiplications keep 2^q representable at the ends of the range.
    return u * pow2i(q >> 1) * pow2i(q - (q >> 1));
}

/// The elements PyTorch's vectorised loop covers: whole chunks from the start.
static inline long vector_end(long n, long chunk) { return chunk > 0 ? n / chunk * chunk : 0; }

void VARIANT(gk_sigmoid_f32)(long n, const double *x, double *out, long chunk) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) {
        // Vectorized: (0 - x).exp() + 1, then reciprocal.
        const float e = VARIANT(gk_sleef_expf)(0.0f - (float)x[i]);
        out[i] = 1.0f / (e + 1.0f);
    }
    for (long i = end; i < n; i++) out[i] = 1.0f / (1.0f + expf(-(float)x[i]));
}

void VARIANT(gk_silu_f32)(long n, const double *x, double *out, long chunk) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) {
        const float v = (float)x[i];
        out[i] = v / (1.0f + VARIANT(gk_sleef_expf)(-v));
    }
    for (long i = end; i < n; i++) {
        const float v = (float)x[i];
        out[i] = v / (1.0f + expf(-v));
    }
}

/// One of Sleef's functions on whole vector chunks, the C library's on the rest.
typedef struct { float (*vector)(float); float (*tail)(float); int whole; } unary_kernel;

static float logsigmoid_sleef(float v) {
    // Vectorized: minimum(x, 0) - log1p(exp(-|x|)).
    return fminf(v, 0.0f) - VARIANT(gk_sleef_log1pf)(VARIANT(gk_sleef_expf)(-fabsf(v)));
}
static float logsigmoid_libm(float v) { return fminf(v, 0.0f) - log1pf(expf(-fabsf(v))); }

static float mish_sleef(float v) { return v * VARIANT(gk_sleef_tanhf)(VARIANT(gk_sleef_log1pf)(VARIANT(gk_sleef_expf)(v))); }
static float mish_libm(float v) { return v * tanhf(log1pf(expf(v))); }

static const unary_kernel unary_kernels[] = {
    [GK_F32_EXP2] = {VARIANT(gk_sleef_exp2f), exp2f, 0},
    [GK_F32_SINH] = {VARIANT(gk_sleef_sinhf), sinhf, 0},
    [GK_F32_COSH] = {VARIANT(gk_sleef_coshf), coshf, 0},
    [GK_F32_ATANH] = {VARIANT(gk_sleef_atanhf), atanhf, 0},
    // Vectorized: x * tanh(log1p(exp(x))).
    [GK_F32_MISH] = {mish_sleef, mish_libm, 0},
    // vml's map and log_sigmoid's loop run the vector code on partial vectors too.
    [GK_F32_EXPM1] = {VARIANT(gk_sleef_expm1f), expm1f, 1},
    [GK_F32_LOG1P] = {VARIANT(gk_sleef_log1pf), log1pf, 1},
    [GK_F32_LOGSIGMOID] = {logsigmoid_sleef, logsigmoid_libm, 1},
    [GK_F32_LGAMMA] = {VARIANT(gk_sleef_lgammaf), lgammaf, 1},
};

void VARIANT(gk_unary_f32)(gk_f32_unary_op op, long n, const double *x, double *out, long chunk) {
    const unary_kernel k = unary_kernels[op];
    const long end = chunk > 0 && k.whole ? n : vector_end(n, chunk);
    for (long i = 0; i < end; i++) out[i] = k.vector((float)x[i]);
    for (long i = end; i < n; i++) out[i] = k.tail((float)x[i]);
}

void VARIANT(gk_softplus_f32)(long n, const double *x, double *out, long chunk, float beta, float threshold) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) {
        const float a = (float)x[i];
        out[i] = a * beta > threshold ? a : VARIANT(gk_sleef_log1pf)(VARIANT(gk_sleef_expf)(a * beta)) / beta;
    }
    for (long i = end; i < n; i++) {
        const float a = (float)x[i];
        out[i] = a * beta > threshold ? a : log1pf(expf(a * beta)) / beta;
    }
}

void VARIANT(gk_pow_scalar_f32)(long n, const double *x, double *out, long chunk, double exponent) {
    // The default build's vectors (8 floats, 16 per step) call the C library's powf.
    const long end = vector_end(n, chunk > 0 ? chunk : 16);
    const float p = (float)exponent;
    float (*vector)(float, float) = chunk > 0 ? VARIANT(gk_sleef_powf) : powf;
    for (long i = 0; i < end; i++) out[i] = vector((float)x[i], p);
    // std::pow(float, double) computes in double.
    for (long i = end; i < n; i++) out[i] = (float)pow((double)(float)x[i], exponent);
}

// logaddexp: max(a, b) + log1p(exp(-|a - b|)), and a itself where a == b is infinite.
static float logaddexp_sleef(float a, float b) {
    return isinf(a) && a == b ? a : fmaxf(a, b) + VARIANT(gk_sleef_log1pf)(VARIANT(gk_sleef_expf)(-fabsf(a - b)));
}
static float logaddexp_libm(float a, float b) {
    return isinf(a) && a == b ? a : fmaxf(a, b) + log1pf(expf(-fabsf(a - b)));
}
// logaddexp2: max + log1p(exp2(-|a - b|)) / ln 2, the multiply-add fused by the compiler of
// PyTorch's AVX2 and AVX-512 kernels (in the vector code and the scalar tail alike).
#define INV_LN2 ((float)(1.0 / M_LN2))
static float logaddexp2_sleef(float a, float b) {
    return isinf(a) && a == b ? a : fmaf(VARIANT(gk_sleef_log1pf)(VARIANT(gk_sleef_exp2f)(-fabsf(a - b))), INV_LN2, fmaxf(a, b));
}
static float logaddexp2_libm_fused(float a, float b) {
    return isinf(a) && a == b ? a : fmaf(log1pf(exp2f(-fabsf(a - b))), INV_LN2, fmaxf(a, b));
}
static float logaddexp2_libm(float a, float b) {
    return isinf(a) && a == b ? a : fmaxf(a, b) + log1pf(exp2f(-fabsf(a - b))) * INV_LN2;
}

void VARIANT(gk_binary_f32)(gk_f32_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row) {
    float (*vector)(float, float) = VARIANT(gk_sleef_powf), (*tail)(float, float) = powf;
    switch (op) {
    case GK_F32_POW: break;
    case GK_F32_ATAN2: vector = VARIANT(gk_sleef_atan2f); tail = atan2f; break;
    case GK_F32_LOGADDEXP: vector = logaddexp_sleef; tail = logaddexp_libm; break;
    case GK_F32_LOGADDEXP2: vector = logaddexp2_sleef; tail = chunk > 0 ? logaddexp2_libm_fused : logaddexp2_libm; break;
    }
    if (row <= 0) row = n;
    for (long start = 0; start < n; start += row) {
        const long len = n - start < row ? n - start : row;
        const long end = start + vector_end(len, chunk);
        for (long i = start; i < end; i++) out[i] = vector((float)a[i], (float)b[i]);
        for (long i = end; i < start + len; i++) out[i] = tail((float)a[i], (float)b[i]);
    }
}

void VARIANT(gk_gelu_tanh_f32)(long n, const double *x, double *out, long chunk) {
    const float beta = (float)(M_SQRT2 * M_2_SQRTPI * 0.5), kappa = 0.044715f;
    const long end = vector_end(n, chunk);
    // PyTorch's AVX2 and AVX-512 kernels are compiled with FMA and contraction, which fuses
    // x + kappa * x^3 in the vector code and the scalar tail alike; the default build cannot.
    for (long i = 0; i < end; i++) {
        const float v = (float)x[i], cube = v * v * v;
        out[i] = 0.5f * v * (1.0f + VARIANT(gk_sleef_tanhf)(beta * fmaf(kappa, cube, v)));
    }
    for (long i = end; i < n; i++) {
        const float v = (float)x[i], cube = v * v * v;
        const float inner = beta * (chunk > 0 ? fmaf(kappa, cube, v) : v + kappa * cube);
        out[i] = 0.5f * v * (1.0f + tanhf(inner));
    }
}

void VARIANT(gk_elu_f32)(long n, const double *x, double *out, long chunk, float negcoef, float poscoef, float negiptcoef) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) {
        const float a = (float)x[i];
        out[i] = a > 0 ? a * poscoef : VARIANT(gk_sleef_expm1f)(a * negiptcoef) * negcoef;
    }
    for (long i = end; i < n; i++) {
        const float a = (float)x[i];
        out[i] = a > 0 ? a * poscoef : expm1f(a * negiptcoef) * negcoef;
    }
}
