// Sleef's single-precision u10 functions as PyTorch's AVX2 and AVX-512 builds run them, one lane
// at a time (see torch_float32.h). Both builds use fused multiply-adds, written here as fmaf; the
// AVX-512 build's getexp/getmant give the same exponent and mantissa as the AVX2 bit tricks for
// every finite input, so one port serves both. Double-float ("df") values carry a float and its
// rounding error; the helpers below are Sleef's, operation for operation.
#include "torch_float32.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// No contraction of a * b + c beyond the fmaf calls written out: the bits depend on it.
// Compiled twice, as sleef_float64.c is: here for any x86-64, and by sleef_float32_fma.c for CPUs with AVX2 and
// FMA (fmaf() one instruction); sleef_dispatch.c picks the variant at run time.
#ifndef VARIANT
#define VARIANT(name) name##_portable
#endif
#include "torch_float32_variants.h"

#pragma STDC FP_CONTRACT OFF

typedef struct { float x, y; } df;

static inline df mkdf(float x, float y) { df r = {x, y}; return r; }
static inline uint32_t bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }
static inline float from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
static inline float mulsign(float x, float y) { return from_bits(bits(x) ^ (bits(y) & 0x80000000u)); }

/// The vector float -> int32 conversion (round to nearest even; out of range gives INT32_MIN).
static inline int32_t cvt_rne(float f) {
    return (f >= -2147483648.0f && f < 2147483648.0f) ? (int32_t)rintf(f) : INT32_MIN;
}
/// The truncating conversion, same out-of-range rule.
static inline int32_t cvt_trunc(float f) {
    return (f >= -2147483648.0f && f < 2147483648.0f) ? (int32_t)f : INT32_MIN;
}
static inline int32_t wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t wrap_shl(int32_t a, int n) { return (int32_t)((uint32_t)a << n); }

static inline float pow2i(int32_t q) { return from_bits((uint32_t)wrap_shl(wrap_add(q, 0x7f), 23)); }
static inline float ldexp2k(float d, int32_t e) { return d * pow2i(e >> 1) * pow2i(e - (e >> 1)); }
static inline float ldexp3k(float d, int32_t q) { return from_bits(bits(d) + ((uint32_t)q << 23)); }
static inline int32_t ilogb2k(float d) { return (int32_t)((bits(d) >> 23) & 0xff) - 0x7f; }
static inline int32_t ilogbk(float d) {
    const int o = d < 5.421010862427522E-20f;
    if (o) d = 1.8446744073709552E19f * d;
    return (int32_t)((bits(d) >> 23) & 0xff) - (o ? 64 + 0x7f : 0x7f);
}
/// Sleef's vldexp: x * 2^q in steps that keep every factor representable.
static float ldexpk(float x, int32_t q) {
    int32_t m = q >> 31;
    m = wrap_shl((wrap_add(m, q) >> 6) - m, 4);
    q = (int32_t)((uint32_t)q - (uint32_t)wrap_shl(m, 2));
    m = wrap_add(m, 0x7f);
    m = m > 0 ? m : 0;
    m = m > 0xff ? 0xff : m;
    float u = from_bits((uint32_t)m << 23);
    x = x * u * u * u * u;
    return x * from_bits((uint32_t)wrap_shl(wrap_add(q, 0x7f), 23));
}

// Double-float arithmetic (Sleef's df.h, FMA variants).
static inline df dfnormalize(df t) { df s; s.x = t.x + t.y; s.y = t.x - s.x + t.y; return s; }
static inline df dfscale(df d, float s) { return mkdf(d.x * s, d.y * s); }
static inline df dfneg(df d) { return mkdf(-d.x, -d.y); }
static inline df dfadd_f_f(float x, float y) { df r; r.x = x + y; r.y = x - r.x + y; return r; }
static inline df dfadd2_f_f(float x, float y) {
    df r; r.x = x + y; const float v = r.x - x; r.y = (x - (r.x - v)) + (y - v); return r;
}
static inline df dfadd_f2_f(df x, float y) { df r; r.x = x.x + y; r.y = x.x - r.x + y + x.y; return r; }
static inline df dfadd2_f2_f(df x, float y) {
    df r; r.x = x.x + y; const float v = r.x - x.x;
    r.y = (x.x - (r.x - v)) + (y - v); r.y = r.y + x.y; return r;
}
static inline df dfadd_f_f2(float x, df y) { df r; r.x = x + y.x; r.y = x - r.x + y.x + y.y; return r; }
static inline df dfadd_f2_f2(df x, df y) { df r; r.x = x.x + y.x; r.y = x.x - r.x + y.x + x.y + y.y; return r; }
static inline df dfadd2_f2_f2(df x, df y) {
    df r; r.x = x.x + y.x; const float v = r.x - x.x;
    r.y = (x.x - (r.x - v)) + (y.x - v); r.y = r.y + (x.y + y.y); return r;
}
static inline df dfsub_f2_f2(df x, df y) {
    df r; r.x = x.x - y.x; r.y = x.x - r.x; r.y = r.y - y.x; r.y = r.y + x.y; r.y = r.y - y.y; return r;
}
static inline df dfdiv(df n, df d) {
    const float t = 1.0f / d.x;
    df q; q.x = n.x * t;
    const float u = fmaf(t, n.x, -q.x);
    q.y = fmaf(-d.y, t, fmaf(-d.x, t, 1.0f));
    q.y = fmaf(q.x, q.y, fmaf(n.y, t, u));
    return q;
}
static inline df dfsqu(df x) { df r; r.x = x.x * x.x; r.y = fmaf(x.x + x.x, x.y, fmaf(x.x, x.x, -r.x)); return r; }
static inline df dfmul_f2_f2(df x, df y) {
    df r; r.x = x.x * y.x; r.y = fmaf(x.x, y.y, fmaf(x.y, y.x, fmaf(x.x, y.x, -r.x))); return r;
}
static inline df dfmul_f2_f(df x, float y) { df r; r.x = x.x * y; r.y = fmaf(x.y, y, fmaf(x.x, y, -r.x)); return r; }
static inline df dfrec_f2(df d) {
    df q; q.x = 1.0f / d.x; q.y = q.x * fmaf(-d.y, q.x, fmaf(-d.x, q.x, 1.0f)); return q;
}

#define L2U 0.693145751953125f
#define L2L 1.428606765330187045e-06f
#define R_LN2 1.442695040888963407359924681001892137426645954152985934135449406931f
static const df LN2 = {0.69314718246459960938f, -1.904654323148236017e-09f};

/// e^d as a double-float (Sleef's expk2f).
static df expk2(df d) {
    const int32_t q = cvt_rne((d.x + d.y) * R_LN2);
    df s = dfadd2_f2_f(d, (float)q * -L2U);
    s = dfadd2_f2_f(s, (float)q * -L2L);
    float u = 0.1980960224e-3f;
    u = fmaf(u, s.x, 0.1394256484e-2f);
    u = fmaf(u, s.x, 0.8333456703e-2f);
    u = fmaf(u, s.x, 0.4166637361e-1f);
    df t = dfadd2_f2_f(dfmul_f2_f(s, u), 0.166666659414234244790680580464e+0f);
    t = dfadd2_f2_f(dfmul_f2_f2(s, t), 0.5f);
    t = dfadd2_f2_f2(s, dfmul_f2_f2(dfsqu(s), t));
    t = dfadd_f_f2(1.0f, t);
    t.x = ldexp2k(t.x, q);
    t.y = ldexp2k(t.y, q);
    if (d.x < -104) t = mkdf(0, 0);
    return t;
}

/// e^d of a double-float, rounded to float (Sleef's expkf).
static float expk(df d) {
    const int32_t q = cvt_rne((d.x + d.y) * R_LN2);
    df s = dfadd2_f2_f(d, (float)q * -L2U);
    s = dfadd2_f2_f(s, (float)q * -L2L);
    s = dfnormalize(s);
    float u = 0.00136324646882712841033936f;
    u = fmaf(u, s.x, 0.00836596917361021041870117f);
    u = fmaf(u, s.x, 0.0416710823774337768554688f);
    u = fmaf(u, s.x, 0.166665524244308471679688f);
    u = fmaf(u, s.x, 0.499999850988388061523438f);
    df t = dfadd_f2_f2(s, dfmul_f2_f(dfsqu(s), u));
    t = dfadd_f_f2(1.0f, t);
    u = ldexpk(t.x + t.y, q);
    return d.x < -104 ? 0 : u;
}

/// log d as a double-float (Sleef's logkf).
static df logk(float d) {
    const int o = d < 1.17549435e-38f;
    if (o) d = d * 18446744073709551616.0f;  // 2^64
    int32_t e = ilogb2k(d * (1.0f / 0.75f));
    const float m = ldexp3k(d, -e);
    if (o) e -= 64;
    const df x = dfdiv(dfadd2_f_f(-1.0f, m), dfadd2_f_f(1.0f, m));
    const df x2 = dfsqu(x);
    float t = 0.240320354700088500976562f;
    t = fmaf(t, x2.x, 0.285112679004669189453125f);
    t = fmaf(t, x2.x, 0.400007992982864379882812f);
    const df c = {0.66666662693023681640625f, 3.69183861259614332084311e-09f};
    df s = dfmul_f2_f(LN2, (float)e);
    s = dfadd_f2_f2(s, dfscale(x, 2));
    return dfadd_f2_f2(s, dfmul_f2_f2(dfmul_f2_f2(x2, x), dfadd2_f2_f2(dfmul_f2_f(x2, t), c)));
}

/// log of a double-float (Sleef's logk2f).
static df logk2(df d) {
    const int32_t e = ilogbk(d.x * (1.0f / 0.75f));
    const df m = dfscale(d, pow2i(-e));
    const df x = dfdiv(dfadd2_f2_f(m, -1.0f), dfadd2_f2_f(m, 1.0f));
    const df x2 = dfsqu(x);
    float t = 0.2392828464508056640625f;
    t = fmaf(t, x2.x, 0.28518211841583251953125f);
    t = fmaf(t, x2.x, 0.400005877017974853515625f);
    t = fmaf(t, x2.x, 0.666666686534881591796875f);
    df s = dfmul_f2_f(LN2, (float)e);
    s = dfadd_f2_f2(s, dfscale(x, 2));
    return dfadd_f2_f2(s, dfmul_f2_f(dfmul_f2_f2(x2, x), t));
}

float VARIANT(gk_sleef_exp2f)(float d) {
    if (isnan(d)) return d;
    if (d >= 128) return INFINITY;
    if (d < -150) return 0;
    const float r = rintf(d);
    const int32_t q = (int32_t)r;
    const float s = d - r;
    float u = 0.1535920892e-3f;
    u = fmaf(u, s, 0.1339262701e-2f);
    u = fmaf(u, s, 0.9618384764e-2f);
    u = fmaf(u, s, 0.5550347269e-1f);
    u = fmaf(u, s, 0.2402264476e+0f);
    u = fmaf(u, s, 0.6931471825e+0f);
    u = fmaf(u, s, 1.0f);
    return ldexp2k(u, q);
}

float VARIANT(gk_sleef_expm1f)(float a) {
    if (isnan(a)) return a;
    if (a > 88.72283172607421875f) return INFINITY;
    if (a < -16.635532333438687426013570f) return -1;
    if (a == 0) return a;  // keeps -0 (and +0: expk2(0) - 1 is exactly 0)
    const df d = dfadd2_f2_f(expk2(mkdf(a, 0)), -1.0f);
    return d.x + d.y;
}

float VARIANT(gk_sleef_sinhf)(float x) {
    if (isnan(x)) return x;
    if (fabsf(x) > 89) return mulsign(INFINITY, x);
    df d = expk2(mkdf(fabsf(x), 0));
    d = dfsub_f2_f2(d, dfrec_f2(d));
    float y = (d.x + d.y) * 0.5f;
    if (isnan(y)) y = INFINITY;
    return mulsign(y, x);
}

float VARIANT(gk_sleef_coshf)(float x) {
    if (isnan(x)) return x;
    if (fabsf(x) > 89) return INFINITY;
    df d = expk2(mkdf(fabsf(x), 0));
    d = dfadd_f2_f2(d, dfrec_f2(d));
    const float y = (d.x + d.y) * 0.5f;
    return isnan(y) ? INFINITY : y;
}

float VARIANT(gk_sleef_log1pf)(float d) {
    if (isnan(d) || d < -1) return NAN;
    if (d == -1) return -INFINITY;
    if (d == 0) return d;  // keeps -0
    // Beyond this bound the core approximation loses accuracy; Sleef takes log(d) there.
    if (d > 0x1.2ced32p+126f) return VARIANT(gk_sleef_logf)(d);
    // d + 1 >= 2^-24 here, so no rescaling of subnormals is needed.
    const float dp1 = d + 1;
    const int32_t e = ilogb2k(dp1 * (1.0f / 0.75f));
    const float t = ldexp3k(1.0f, -e);
    const float m = fmaf(d, t, t - 1.0f);
    df s = dfmul_f2_f(LN2, (float)e);
    const df x = dfdiv(mkdf(m, 0), dfadd_f_f(2.0f, m));
    const float x2 = x.x * x.x;
    float p = 0.3027294874e+0f;
    p = fmaf(p, x2, 0.3996108174e+0f);
    p = fmaf(p, x2, 0.6666694880e+0f);
    s = dfadd_f2_f2(s, dfscale(x, 2));
    s = dfadd_f2_f(s, x2 * x.x * p);
    return s.x + s.y;
}

float VARIANT(gk_sleef_logf)(float d) {
    if (isnan(d) || d < 0) return NAN;
    if (d == 0) return -INFINITY;
    if (isinf(d)) return INFINITY;
    const int o = d < 1.17549435e-38f;
    if (o) d = d * 18446744073709551616.0f;  // 2^64
    int32_t e = ilogb2k(d * (1.0f / 0.75f));
    const float m = ldexp3k(d, -e);
    if (o) e -= 64;
    df s = dfmul_f2_f(LN2, (float)e);
    const df x = dfdiv(dfadd2_f_f(-1.0f, m), dfadd2_f_f(1.0f, m));
    const float x2 = x.x * x.x;
    float t = 0.3027294874e+0f;
    t = fmaf(t, x2, 0.3996108174e+0f);
    t = fmaf(t, x2, 0.6666694880e+0f);
    s = dfadd_f2_f2(s, dfscale(x, 2));
    s = dfadd_f2_f(s, x2 * x.x * t);
    return s.x + s.y;
}

float VARIANT(gk_sleef_atanhf)(float x) {
    if (isnan(x)) return x;
    const float y = fabsf(x);
    if (y > 1) return NAN;
    if (y == 1) return mulsign(INFINITY, x);
    const df d = logk2(dfdiv(dfadd2_f_f(1.0f, y), dfadd2_f_f(1.0f, -y)));
    const float r = (d.x + d.y) * 0.5f;
    return isnan(r) ? NAN : mulsign(r, x);
}

float VARIANT(gk_sleef_powf)(float x, float y) {
    const int yisint = truncf(y) == y || fabsf(y) > (1 << 24);
    const int yisodd = (cvt_trunc(y) & 1) == 1 && yisint && fabsf(y) < (1 << 24);
    float result = expk(dfmul_f2_f(logk(fabsf(x)), y));
    if (isnan(result)) result = INFINITY;
    result *= x > 0 ? 1.0f : (yisint ? (yisodd ? -1.0f : 1.0f) : NAN);
    const float efx = mulsign(fabsf(x) - 1, y);
    if (isinf(y)) result = efx < 0 ? 0.0f : (efx == 0 ? 1.0f : INFINITY);
    if (isinf(x) || x == 0) {
        const float sign = yisodd ? mulsign(1.0f, x) : 1.0f;
        result = sign * (((x == 0 ? -y : y) < 0) ? 0.0f : INFINITY);
    }
    if (isnan(x) || isnan(y)) result = NAN;
    if (y == 0 || x == 1) result = 1;
    return result;
}

/// atan(y / x) as a double-float for y >= 0 (Sleef's atan2kf_u1).
static df atan2k(df y, df x) {
    int32_t q = x.x < 0 ? -2 : 0;
    if (x.x < 0) x = mkdf(mulsign(x.x, -1.0f), mulsign(x.y, -1.0f));
    const int p = x.x < y.x;
    if (p) q += 1;
    const df s0 = p ? dfneg(x) : y;
    const df t0 = p ? y : x;
    const df s = dfdiv(s0, t0);
    df t = dfnormalize(dfsqu(s));
    float u = -0.00176397908944636583328247f;
    u = fmaf(u, t.x, 0.0107900900766253471374512f);
    u = fmaf(u, t.x, -0.0309564601629972457885742f);
    u = fmaf(u, t.x, 0.0577365085482597351074219f);
    u = fmaf(u, t.x, -0.0838950723409652709960938f);
    u = fmaf(u, t.x, 0.109463557600975036621094f);
    u = fmaf(u, t.x, -0.142626821994781494140625f);
    u = fmaf(u, t.x, 0.199983194470405578613281f);
    t = dfmul_f2_f2(t, dfadd_f_f(-0.333332866430282592773438f, u * t.x));
    t = dfmul_f2_f2(s, dfadd_f_f2(1.0f, t));
    const df halfpi = {1.5707963705062866211f, -4.3711388286737928865e-08f};
    return dfadd_f2_f2(dfmul_f2_f(halfpi, (float)q), t);
}

float VARIANT(gk_sleef_atan2f)(float y, float x) {
    if (isnan(x) || isnan(y)) return NAN;
    if (fabsf(x) < 2.9387372783541830947e-39f) { x *= (1 << 24); y *= (1 << 24); }
    const df d = atan2k(mkdf(fabsf(y), 0), mkdf(x, 0));
    float r = mulsign(d.x + d.y, x);
    const float halfpi = (float)(M_PI / 2);
    if (isinf(x) || x == 0) r = halfpi - (isinf(x) ? mulsign(halfpi, x) : 0.0f);
    if (isinf(y)) r = halfpi - (isinf(x) ? mulsign((float)(M_PI / 4), x) : 0.0f);
    if (y == 0) r = signbit(x) ? (float)M_PI : 0.0f;
    return mulsign(r, y);
}

float VARIANT(gk_sleef_tanhf)(float x) {
    if (isnan(x)) return x;
    const float a = fabsf(x);
    if (a > 8.664339742f) return mulsign(1.0f, x);
    df d = expk2(mkdf(a, 0));
    const df e = dfrec_f2(d);
    d = dfdiv(dfadd_f2_f2(d, dfneg(e)), dfadd_f2_f2(d, e));
    float y = d.x + d.y;
    if (isnan(y)) y = 1.0f;
    return mulsign(y, x);
}

// lgamma (Sleef's xlgammaf_u1 through gammafk), with the double-float helpers it adds.
static inline df dfmul_f_f(float x, float y) { df r; r.x = x * y; r.y = fmaf(x, y, -r.x); return r; }
static inline df dfadd2_f_f2(float x, df y) {
    df r; r.x = x + y.x; const float v = r.x - x;
    r.y = (x - (r.x - v)) + (y.x - v); r.y = r.y + y.y; return r;
}
static inline df dfabs(df d) { return mkdf(fabsf(d.x), mulsign(d.y, d.x)); }
/// A double constant as a double-float (Sleef's vcast_vf2_d).
static inline df df_of_double(double d) { return mkdf((float)d, (float)(d - (double)(float)d)); }

/// sin(pi d) as a double-float (Sleef's sinpifk).
static df sinpik(float d) {
    const float u0 = d * 4;
    int32_t q = cvt_trunc(u0);
    q = (int32_t)(((uint32_t)q + (((uint32_t)q >> 31) ^ 1u)) & ~1u);
    int o = (q & 2) == 2;
    float s = u0 - (float)q;
    const float t = s;
    s = s * s;
    const df s2 = dfmul_f_f(t, t);
    float u = o ? -0.2430611801e-7f : +0.3093842054e-6f;
    u = fmaf(u, s, o ? +0.3590577080e-5f : -0.3657307388e-4f);
    u = fmaf(u, s, o ? -0.3259917721e-3f : +0.2490393585e-2f);
    df x = dfadd2_f_f2(u * s, o ? mkdf(0.015854343771934509277f, 4.4940051354032242811e-10f)
                                : mkdf(-0.080745510756969451904f, -1.3373665339076936258e-09f));
    x = dfadd2_f2_f2(dfmul_f2_f2(s2, x), o ? mkdf(-0.30842512845993041992f, -9.0728339030733922277e-09f)
                                           : mkdf(0.78539818525314331055f, -2.1857338617566484855e-08f));
    x = dfmul_f2_f2(x, o ? s2 : mkdf(t, 0));
    if (o) x = dfadd2_f2_f(x, 1);
    if ((q & 4) == 4) x = mkdf(-x.x, -x.y);
    return x;
}

/// log|Gamma(a)| as the pair (log part, factor) of Sleef's gammafk, lane by lane.
static void gammak(float a, df *clc_out, df *ratio_out) {
    df clc, clln = mkdf(1, 0), clld = mkdf(1, 0), x, y, z;
    const int otiny = fabsf(a) < 1e-30f, oref = a < 0.5f;
    x = otiny ? mkdf(0, 0) : (oref ? dfadd2_f_f(1, -a) : mkdf(a, 0));
    const int o0 = 0.5f <= x.x && x.x <= 1.2f, o2 = 2.3f <= x.x;
    y = dfnormalize(dfmul_f2_f2(dfadd2_f2_f(x, 1), x));
    y = dfnormalize(dfmul_f2_f2(dfadd2_f2_f(x, 2), y));
    const int o = o2 && x.x <= 7;
    if (o) clln = y;
    if (o) x = dfadd2_f2_f(x, 3);
    const float t = o2 ? 1.0f / x.x : dfnormalize(dfadd2_f2_f(x, o0 ? -1.0f : -2.0f)).x;
#define SEL3(A, B, C) (o2 ? (float)(A) : o0 ? (float)(B) : (float)(C))
    float u = SEL3(+0.000839498720672087279971000786, +0.9435157776e+0f, +0.1102489550e-3f);
    u = fmaf(u, t, SEL3(-5.17179090826059219329394422e-05, +0.8670063615e+0f, +0.8160019934e-4f));
    u = fmaf(u, t, SEL3(-0.000592166437353693882857342347, +0.4826702476e+0f, +0.1528468856e-3f));
    u = fmaf(u, t, SEL3(+6.97281375836585777403743539e-05, -0.8855129778e-1f, -0.2355068718e-3f));
    u = fmaf(u, t, SEL3(+0.000784039221720066627493314301, +0.1013825238e+0f, +0.4962242092e-3f));
    u = fmaf(u, t, SEL3(-0.000229472093621399176949318732, -0.1493408978e+0f, -0.1193488017e-2f));
    u = fmaf(u, t, SEL3(-0.002681327160493827160473958490, +0.1697509140e+0f, +0.2891599433e-2f));
    u = fmaf(u, t, SEL3(+0.003472222222222222222175164840, -0.2072454542e+0f, -0.7385451812e-2f));
    u = fmaf(u, t, SEL3(+0.083333333333333333335592087900, +0.2705872357e+0f, +0.2058077045e-1f));
#undef SEL3
    y = dfmul_f2_f2(dfadd2_f2_f(x, -0.5f), logk2(x));
    y = dfadd2_f2_f2(y, dfneg(x));
    y = dfadd2_f2_f2(y, df_of_double(0.91893853320467278056));  // 0.5 * log(2 pi)
    z = dfadd2_f2_f(dfmul_f_f(u, t), o0 ? -0.400686534596170958447352690395e+0f : -0.673523028297382446749257758235e-1f);
    z = dfadd2_f2_f(dfmul_f2_f(z, t), o0 ? +0.822466960142643054450325495997e+0f : +0.322467033928981157743538726901e+0f);
    z = dfadd2_f2_f(dfmul_f2_f(z, t), o0 ? -0.577215665946766039837398973297e+0f : +0.422784335087484338986941629852e+0f);
    z = dfmul_f2_f(z, t);
    clc = o2 ? y : z;
    if (o2) clld = dfadd2_f2_f(dfmul_f_f(u, t), 1);
    y = clln;
    clc = otiny ? df_of_double(41.58883083359671856503)  // log(2^60)
                : (oref ? dfadd2_f2_f2(df_of_double(1.1447298858494001639), dfneg(clc)) : clc);  // log(pi)
    clln = otiny ? mkdf(1, 0) : (oref ? clln : clld);
    if (oref) {
        const float r = a - 4096.0f * (float)cvt_trunc(a * (float)(1.0 / 4096));
        x = dfmul_f2_f2(clld, sinpik(r));
    }
    clld = otiny ? mkdf(a * ((float)(1LL << 30) * (float)(1LL << 30)), 0) : (oref ? x : y);
    *clc_out = clc;
    *ratio_out = dfdiv(clln, clld);
}

float VARIANT(gk_sleef_lgammaf)(float a) {
    df clc, ratio;
    gammak(a, &clc, &ratio);
    const df y = dfadd2_f2_f2(clc, logk2(dfabs(ratio)));
    const float r = y.x + y.y;
    const int isint = truncf(a) == a;
    if (isinf(a) || (a <= 0 && isint) || (!isnan(a) && isnan(r))) return INFINITY;
    return r;
}
