// The shared pieces of the Sleef double ports (sleef_float64.c, sleef_float64_binary.c): bit
// and integer steps as AVX2's and AVX-512's 32-bit lanes do them, Sleef's double-double
// arithmetic (dd.h, its FMA branch), Estrin's polynomial order (estrin.h) and logk. Included by
// files compiled twice (portable and AVX2+FMA), so every function is static inline.
#ifndef GRADCLI_SLEEF_FLOAT64_DD_H
#define GRADCLI_SLEEF_FLOAT64_DD_H
#include <math.h>
#include <stdint.h>
#include <string.h>

// No contraction of a * b + c beyond the fma calls written out: the bits depend on it.
#pragma STDC FP_CONTRACT OFF

typedef struct { double x, y; } dd;

static inline dd mkdd(double x, double y) { dd r = {x, y}; return r; }
static inline uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }
static inline double from_bits(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }
static inline double mulsign(double x, double y) { return from_bits(bits(x) ^ (bits(y) & 0x8000000000000000ull)); }
static inline int isnegzero(double d) { return bits(d) == 0x8000000000000000ull; }

/// _mm256_cvtpd_epi32: round to nearest even; out of range (or NaN) gives INT32_MIN.
static inline int32_t cvt_rne(double d) {
    const double r = rint(d);
    return (r >= -2147483648.0 && r <= 2147483647.0) ? (int32_t)r : INT32_MIN;
}
/// _mm256_cvttpd_epi32: truncation, same out-of-range rule.
static inline int32_t cvt_trunc(double d) {
    const double r = trunc(d);
    return (r >= -2147483648.0 && r <= 2147483647.0) ? (int32_t)r : INT32_MIN;
}
static inline int32_t wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static inline int32_t wrap_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }

/// vpow2i_vd_vi: (q + 0x3ff) << 20 in the upper 32 bits (a 32-bit shift, so it wraps).
static inline double pow2i(int32_t q) { return from_bits((uint64_t)((uint32_t)wrap_add(q, 0x3ff) << 20) << 32); }
/// vldexp2_vd_vd_vi: d * 2^(e >> 1) * 2^(e - (e >> 1)).
static inline double ldexp2k(double d, int32_t e) { return d * pow2i(e >> 1) * pow2i(wrap_sub(e, e >> 1)); }
/// vldexp3_vd_vd_vi: q << 20 added to the upper 32 bits of d (a 64-bit add).
static inline double ldexp3k(double d, int32_t q) { return from_bits(bits(d) + ((uint64_t)((uint32_t)q << 20) << 32)); }
/// vilogb2k_vi_vd: the biased exponent field minus 0x3ff.
static inline int32_t ilogb2k(double d) { return (int32_t)((bits(d) >> 52) & 0x7ff) - 0x3ff; }
/// vilogbk_vi_vd (the non-AVX-512 one): rescales tiny values first; the 12-bit field includes
/// the sign bit, as Sleef's mask does (callers pass positive values).
static inline int32_t ilogbk(double d) {
    const int o = d < 4.9090934652977266E-91;
    if (o) d = 2.037035976334486E90 * d;
    return (int32_t)((bits(d) >> 52) & 0xfff) - (o ? 300 + 0x3ff : 0x3ff);
}

// Double-double arithmetic (Sleef's dd.h; vfmapn(x, y, z) = x*y - z, vfmanp(x, y, z) = z - x*y).
static inline dd ddnormalize(dd t) { const double s = t.x + t.y; return mkdd(s, t.x - s + t.y); }
static inline dd ddscale(dd d, double s) { return mkdd(d.x * s, d.y * s); }
static inline dd ddneg(dd d) { return mkdd(-d.x, -d.y); }
static inline dd ddabs(dd d) { return mkdd(fabs(d.x), from_bits(bits(d.y) ^ (bits(d.x) & 0x8000000000000000ull))); }
static inline dd ddadd_d_d(double x, double y) { const double s = x + y; return mkdd(s, x - s + y); }
static inline dd ddadd2_d_d(double x, double y) {
    const double s = x + y, v = s - x;
    return mkdd(s, (x - (s - v)) + (y - v));
}
static inline dd ddadd_d2_d(dd x, double y) { const double s = x.x + y; return mkdd(s, x.x - s + y + x.y); }
static inline dd ddadd2_d2_d(dd x, double y) {
    const double s = x.x + y, v = s - x.x;
    const double w = (x.x - (s - v)) + (y - v);
    return mkdd(s, w + x.y);
}
static inline dd ddadd_d_d2(double x, dd y) { const double s = x + y.x; return mkdd(s, x - s + y.x + y.y); }
static inline dd ddadd2_d_d2(double x, dd y) {
    const double s = x + y.x, v = s - x;
    return mkdd(s, (x - (s - v)) + (y.x - v) + y.y);
}
static inline dd ddadd_d2_d2(dd x, dd y) { const double s = x.x + y.x; return mkdd(s, x.x - s + y.x + x.y + y.y); }
static inline dd ddadd2_d2_d2(dd x, dd y) {
    const double s = x.x + y.x, v = s - x.x;
    const double t = (x.x - (s - v)) + (y.x - v);
    return mkdd(s, t + (x.y + y.y));
}
static inline dd ddsub_d2_d2(dd x, dd y) {
    const double s = x.x - y.x;
    double t = x.x - s;
    t = t - y.x;
    t = t + x.y;
    return mkdd(s, t - y.y);
}
static inline dd dddiv(dd n, dd d) {
    const double t = 1.0 / d.x, s = n.x * t;
    const double u = fma(t, n.x, -s);
    const double v = fma(-d.y, t, fma(-d.x, t, 1));
    return mkdd(s, fma(s, v, fma(n.y, t, u)));
}
static inline dd ddmul_d_d(double x, double y) { const double s = x * y; return mkdd(s, fma(x, y, -s)); }
static inline dd ddsqu(dd x) { const double s = x.x * x.x; return mkdd(s, fma(x.x + x.x, x.y, fma(x.x, x.x, -s))); }
static inline dd ddmul_d2_d2(dd x, dd y) {
    const double s = x.x * y.x;
    return mkdd(s, fma(x.x, y.y, fma(x.y, y.x, fma(x.x, y.x, -s))));
}
static inline dd ddmul_d2_d(dd x, double y) { const double s = x.x * y; return mkdd(s, fma(x.y, y, fma(x.x, y, -s))); }
static inline dd ddrec_d2(dd d) {
    const double s = 1.0 / d.x;
    return mkdd(s, s * fma(-d.y, s, fma(-d.x, s, 1)));
}

static inline dd ddrec_d(double d) {
    const double s = 1.0 / d;
    return mkdd(s, s * fma(-d, s, 1));
}
static inline dd ddsqrt_d2(dd d) {
    const double t = sqrt(d.x + d.y);
    return ddscale(ddmul_d2_d2(ddadd2_d2_d2(d, ddmul_d_d(t, t)), ddrec_d(t)), 0.5);
}

// Estrin's scheme (Sleef's estrin.h), MLA a fused multiply-add.
#define MLA(x, y, z) fma((x), (y), (z))
#define POLY2(x, c1, c0) MLA(x, c1, c0)
#define POLY3(x, x2, c2, c1, c0) MLA(x2, c2, MLA(x, c1, c0))
#define POLY4(x, x2, c3, c2, c1, c0) MLA(x2, MLA(x, c3, c2), MLA(x, c1, c0))
#define POLY7(x, x2, x4, c6, c5, c4, c3, c2, c1, c0) MLA(x4, POLY3(x, x2, c6, c5, c4), POLY4(x, x2, c3, c2, c1, c0))
#define POLY8(x, x2, x4, c7, c6, c5, c4, c3, c2, c1, c0) \
    MLA(x4, POLY4(x, x2, c7, c6, c5, c4), POLY4(x, x2, c3, c2, c1, c0))
#define POLY10(x, x2, x4, x8, c9, c8, c7, c6, c5, c4, c3, c2, c1, c0) \
    MLA(x8, POLY2(x, c9, c8), POLY8(x, x2, x4, c7, c6, c5, c4, c3, c2, c1, c0))
#define POLY5(x, x2, x4, c4, c3, c2, c1, c0) MLA(x4, c4, POLY4(x, x2, c3, c2, c1, c0))
#define POLY9(x, x2, x4, x8, c8, c7, c6, c5, c4, c3, c2, c1, c0) \
    MLA(x8, c8, POLY8(x, x2, x4, c7, c6, c5, c4, c3, c2, c1, c0))
#define POLY16(x, x2, x4, x8, cf, ce, cd, cc, cb, ca, c9, c8, c7, c6, c5, c4, c3, c2, c1, c0) \
    MLA(x8, POLY8(x, x2, x4, cf, ce, cd, cc, cb, ca, c9, c8), POLY8(x, x2, x4, c7, c6, c5, c4, c3, c2, c1, c0))
#define POLY21(x, x2, x4, x8, x16, d4, d3, d2, d1, d0, cf, ce, cd, cc, cb, ca, c9, c8, c7, c6, c5, c4, c3, c2, c1, c0) \
    MLA(x16, POLY5(x, x2, x4, d4, d3, d2, d1, d0),                                                              \
        POLY16(x, x2, x4, x8, cf, ce, cd, cc, cb, ca, c9, c8, c7, c6, c5, c4, c3, c2, c1, c0))

#define L2U .69314718055966295651160180568695068359375
#define L2L .28235290563031577122588448175013436025525412068e-12
#define R_LN2 1.442695040888963407359924681001892137426645954152985934135449406931

/// log d as a double-double (Sleef's logk, the non-AVX-512 branch, as pow's u10 path uses it).
static inline dd logk(double d) {
    const int o = d < 2.2250738585072014e-308;  // DBL_MIN
    if (o) d = d * ((double)(INT64_C(1) << 32) * (double)(INT64_C(1) << 32));
    int32_t e = ilogb2k(d * (1.0 / 0.75));
    const double m = ldexp3k(d, -e);
    if (o) e = wrap_sub(e, 64);
    dd x = dddiv(ddadd2_d_d(-1, m), ddadd2_d_d(1, m));
    const dd x2 = ddsqu(x);
    const double x4 = x2.x * x2.x, x8 = x4 * x4;
    const double t = POLY9(x2.x, x4, x8, x8 * x8,
                           0.116255524079935043668677, 0.103239680901072952701192, 0.117754809412463995466069,
                           0.13332981086846273921509, 0.153846227114512262845736, 0.181818180850050775676507,
                           0.222222222230083560345903, 0.285714285714249172087875, 0.400000000000000077715612);
    dd s = ddmul_d2_d(mkdd(0.693147180559945286226764, 2.319046813846299558417771e-17), (double)e);
    s = ddadd_d2_d2(s, ddscale(x, 2));
    x = ddmul_d2_d2(x2, x);
    s = ddadd_d2_d2(s, ddmul_d2_d2(x, mkdd(0.666666666666666629659233, 3.80554962542412056336616e-17)));
    x = ddmul_d2_d2(x2, x);
    s = ddadd_d2_d2(s, ddmul_d2_d(x, t));
    return s;
}

#endif
