// Sleef 3.8's double-precision u10 functions as PyTorch's AVX2 build runs them (Sleef_*d4_u10,
// the avx2 variant: ENABLE_FMA_DP, every vmla a fused multiply-add, polynomials in Estrin's
// order), one lane at a time (see torch_float64.h). Double-double ("dd") values carry a double
// and its rounding error; the helpers are Sleef's dd.h, FMA branch, operation for operation.
// The integer steps follow AVX2's: 32-bit lanes, conversions that give INT32_MIN out of range
// (sleef_float64_dd.h holds these shared pieces).
#include "torch_float64.h"
#include "sleef_float64_dd.h"

// Compiled twice: here for any x86-64 (each fma() a call into the C library), and again by
// sleef_float64_fma.c for CPUs with AVX2 and FMA (fma() one instruction). The results are the
// same, since fma is exact; sleef_dispatch.c picks the variant at run time.
#ifndef VARIANT
#define VARIANT(name) name##_portable
#endif

double VARIANT(gk_sleef_exp)(double d) {
    double u = rint(d * R_LN2), s;
    const int32_t q = cvt_rne(u);
    s = fma(u, -L2U, d);
    s = fma(u, -L2L, s);
    const double s2 = s * s, s4 = s2 * s2, s8 = s4 * s4;
    u = POLY10(s, s2, s4, s8,
               +0.2081276378237164457e-8, +0.2511210703042288022e-7, +0.2755762628169491192e-6,
               +0.2755723402025388239e-5, +0.2480158687479686264e-4, +0.1984126989855865850e-3,
               +0.1388888888914497797e-2, +0.8333333333314938210e-2, +0.4166666666666602598e-1,
               +0.1666666666666669072e+0);
    u = fma(u, s, +0.5000000000000000000e+0);
    u = fma(u, s, +0.1000000000000000000e+1);
    u = fma(u, s, +0.1000000000000000000e+1);
    u = ldexp2k(u, q);
    if (d > 709.78271114955742909217217426) u = INFINITY;
    if (d < -1000) u = 0;
    return u;
}

/// e^d as a double-double (Sleef's expk2).
static inline __attribute__((always_inline)) dd expk2(dd d) {  // inlined: tanh's array loop vectorises
    const double u0 = (d.x + d.y) * R_LN2, dq = rint(u0);
    const int32_t q = cvt_rne(dq);
    dd s = ddadd2_d2_d(d, dq * -L2U);
    s = ddadd2_d2_d(s, dq * -L2L);
    const dd s2 = ddsqu(s), s4 = ddsqu(s2);
    const double s8 = s4.x * s4.x;
    const double u = POLY10(s.x, s2.x, s4.x, s8,
                            +0.1602472219709932072e-9, +0.2092255183563157007e-8, +0.2505230023782644465e-7,
                            +0.2755724800902135303e-6, +0.2755731892386044373e-5, +0.2480158735605815065e-4,
                            +0.1984126984148071858e-3, +0.1388888888886763255e-2, +0.8333333333333347095e-2,
                            +0.4166666666666669905e-1);
    dd t = ddadd_d_d2(0.5, ddmul_d2_d(s, +0.1666666666666666574e+0));
    t = ddadd_d_d2(1.0, ddmul_d2_d2(t, s));
    t = ddadd_d_d2(1.0, ddmul_d2_d2(t, s));
    t = ddadd_d2_d2(t, ddmul_d2_d(s4, u));
    t.x = ldexp2k(t.x, q);
    t.y = ldexp2k(t.y, q);
    if (d.x < -1000) t = mkdd(0, 0);
    return t;
}

/// log of a double-double (Sleef's logk2).
static dd logk2(dd d) {
    const int32_t e = ilogbk(d.x * (1.0 / 0.75));
    const dd m = mkdd(ldexp2k(d.x, -e), ldexp2k(d.y, -e));
    const dd x = dddiv(ddadd2_d2_d(m, -1), ddadd2_d2_d(m, 1));
    const dd x2 = ddsqu(x);
    const double x4 = x2.x * x2.x, x8 = x4 * x4;
    double t = POLY7(x2.x, x4, x8,
                     0.13860436390467167910856, 0.131699838841615374240845, 0.153914168346271945653214,
                     0.181816523941564611721589, 0.22222224632662035403996, 0.285714285511134091777308,
                     0.400000000000914013309483);
    t = fma(t, x2.x, 0.666666666666664853302393);
    dd s = ddmul_d2_d(mkdd(0.693147180559945286226764, 2.319046813846299558417771e-17), (double)e);
    s = ddadd_d2_d2(s, ddscale(x, 2));
    s = ddadd_d2_d2(s, ddmul_d2_d(ddmul_d2_d2(x2, x), t));
    return s;
}

double VARIANT(gk_sleef_sinh)(double x) {
    double y = fabs(x);
    dd d = expk2(mkdd(y, 0));
    d = ddsub_d2_d2(d, ddrec_d2(d));
    y = (d.x + d.y) * 0.5;
    if (fabs(x) > 710 || isnan(y)) y = INFINITY;
    y = mulsign(y, x);
    return isnan(x) ? x : y;
}

double VARIANT(gk_sleef_cosh)(double x) {
    double y = fabs(x);
    dd d = expk2(mkdd(y, 0));
    d = ddadd_d2_d2(d, ddrec_d2(d));
    y = (d.x + d.y) * 0.5;
    if (fabs(x) > 710 || isnan(y)) y = INFINITY;
    return isnan(x) ? x : y;
}

double VARIANT(gk_sleef_atanh)(double x) {
    double y = fabs(x);
    const dd d = logk2(dddiv(ddadd2_d_d(1, y), ddadd2_d_d(1, -y)));
    y = y > 1.0 ? NAN : (y == 1.0 ? INFINITY : (d.x + d.y) * 0.5);
    y = mulsign(y, x);
    if (isinf(x) || isnan(y)) y = NAN;
    return isnan(x) ? x : y;
}

double VARIANT(gk_sleef_exp2)(double d) {
    double u = rint(d), s;
    const int32_t q = cvt_rne(u);
    s = d - u;
    const double s2 = s * s, s4 = s2 * s2, s8 = s4 * s4;
    u = POLY10(s, s2, s4, s8,
               +0.4434359082926529454e-9, +0.7073164598085707425e-8, +0.1017819260921760451e-6,
               +0.1321543872511327615e-5, +0.1525273353517584730e-4, +0.1540353045101147808e-3,
               +0.1333355814670499073e-2, +0.9618129107597600536e-2, +0.5550410866482046596e-1,
               +0.2402265069591012214e+0);
    u = fma(u, s, +0.6931471805599452862e+0);
    u = fma(u, s, 1);
    u = ldexp2k(u, q);
    if (d >= 1024) u = INFINITY;
    if (d < -2000) u = 0;
    return u;
}

double VARIANT(gk_sleef_expm1)(double a) {
    const dd d = ddadd2_d2_d(expk2(mkdd(a, 0)), -1.0);
    double x = d.x + d.y;
    if (a > 709.782712893383996732223) x = INFINITY;
    if (a < -36.736800569677101399113302437) x = -1;
    if (isnegzero(a)) x = -0.0;
    return x;
}

/// log d, Sleef's xlog_u1 (the non-AVX-512 branch).
static double log_u1(double d) {
    const int o = d < 2.2250738585072014e-308;  // DBL_MIN
    if (o) d = d * ((double)(INT64_C(1) << 32) * (double)(INT64_C(1) << 32));
    int32_t e = ilogb2k(d * (1.0 / 0.75));
    const double m = ldexp3k(d, -e);
    if (o) e = wrap_sub(e, 64);
    const dd x = dddiv(ddadd2_d_d(-1, m), ddadd2_d_d(1, m));
    const double x2 = x.x * x.x, x4 = x2 * x2, x8 = x4 * x4;
    const double t = POLY7(x2, x4, x8,
                           0.1532076988502701353e+0, 0.1525629051003428716e+0, 0.1818605932937785996e+0,
                           0.2222214519839380009e+0, 0.2857142932794299317e+0, 0.3999999999635251990e+0,
                           0.6666666666667333541e+0);
    dd s = ddmul_d2_d(mkdd(0.693147180559945286226764, 2.319046813846299558417771e-17), (double)e);
    s = ddadd_d2_d2(s, ddscale(x, 2));
    s = ddadd_d2_d(s, x2 * x.x * t);
    double r = s.x + s.y;
    if (d == INFINITY) r = INFINITY;
    if (d < 0 || isnan(d)) r = NAN;
    if (d == 0) r = -INFINITY;
    return r;
}

double VARIANT(gk_sleef_log)(double d) { return log_u1(d); }

double VARIANT(gk_sleef_log1p)(double d) {
    // Beyond Sleef's LOG1P_BOUND (1e307) the core approximation overflows; Sleef takes log(d) there.
    if (d > 1e307) return log_u1(d);
    double dp1 = d + 1;
    const int o = dp1 < 2.2250738585072014e-308;  // DBL_MIN
    if (o) dp1 = dp1 * ((double)(INT64_C(1) << 32) * (double)(INT64_C(1) << 32));
    int32_t e = ilogb2k(dp1 * (1.0 / 0.75));
    double t = ldexp3k(1, -e);
    const double m = fma(d, t, t - 1);
    if (o) e = wrap_sub(e, 64);
    dd s = ddmul_d2_d(mkdd(0.693147180559945286226764, 2.319046813846299558417771e-17), (double)e);
    const dd x = dddiv(mkdd(m, 0), ddadd_d_d(2, m));
    const double x2 = x.x * x.x, x4 = x2 * x2, x8 = x4 * x4;
    t = POLY7(x2, x4, x8,
              0.1532076988502701353e+0, 0.1525629051003428716e+0, 0.1818605932937785996e+0,
              0.2222214519839380009e+0, 0.2857142932794299317e+0, 0.3999999999635251990e+0,
              0.6666666666667333541e+0);
    s = ddadd_d2_d2(s, ddscale(x, 2));
    s = ddadd_d2_d(s, x2 * x.x * t);
    double r = s.x + s.y;
    if (d < -1 || isnan(d)) r = NAN;
    if (d == -1) r = -INFINITY;
    if (isnegzero(d)) r = -0.0;
    return r;
}

/// sin(pi d) as a double-double (Sleef's sinpik).
static dd sinpik(double d) {
    double u = d * 4.0;
    int32_t q = cvt_trunc(u);
    q = (int32_t)(((uint32_t)q + (((uint32_t)q >> 31) ^ 1u)) & ~1u);
    const int o = (q & 2) == 2;
    double s = u - (double)q;
    const double t = s;
    s = s * s;
    const dd s2 = ddmul_d_d(t, t);
    u = o ? 9.94480387626843774090208e-16 : -2.02461120785182399295868e-14;
    u = fma(u, s, o ? -3.89796226062932799164047e-13 : 6.948218305801794613277840e-12);
    u = fma(u, s, o ? 1.150115825399960352669010e-10 : -1.75724749952853179952664e-09);
    u = fma(u, s, o ? -2.46113695010446974953590e-08 : 3.133616889668683928784220e-07);
    u = fma(u, s, o ? 3.590860448590527540050620e-06 : -3.65762041821615519203610e-05);
    u = fma(u, s, o ? -0.000325991886927389905997954 : 0.0024903945701927185027435600);
    dd x = ddadd2_d_d2(u * s, o ? mkdd(0.0158543442438155018914259, -1.04693272280631521908845e-18)
                                : mkdd(-0.0807455121882807852484731, 3.61852475067037104849987e-18));
    x = ddadd2_d2_d2(ddmul_d2_d2(s2, x), o ? mkdd(-0.308425137534042437259529, -1.95698492133633550338345e-17)
                                           : mkdd(0.785398163397448278999491, 3.06287113727155002607105e-17));
    x = ddmul_d2_d2(x, o ? s2 : mkdd(t, 0));
    if (o) x = ddadd2_d2_d(x, 1);
    if ((q & 4) == 4) x = mkdd(-x.x, -x.y);
    return x;
}

/// log|Gamma(a)| as the pair (log part, factor) of Sleef's gammak, lane by lane.
static void gammak(double a, dd *clc_out, dd *ratio_out) {
    dd clc, clln = mkdd(1, 0), clld = mkdd(1, 0), x, y, z;
    const int otiny = fabs(a) < 1e-306, oref = a < 0.5;
    x = otiny ? mkdd(0, 0) : (oref ? ddadd2_d_d(1, -a) : mkdd(a, 0));
    const int o0 = 0.5 <= x.x && x.x <= 1.1, o2 = 2.3 <= x.x;
    y = ddnormalize(ddmul_d2_d2(ddadd2_d2_d(x, 1), x));
    y = ddnormalize(ddmul_d2_d2(ddadd2_d2_d(x, 2), y));
    y = ddnormalize(ddmul_d2_d2(ddadd2_d2_d(x, 3), y));
    y = ddnormalize(ddmul_d2_d2(ddadd2_d2_d(x, 4), y));
    const int o = o2 && x.x <= 7;
    if (o) clln = y;
    if (o) x = ddadd2_d2_d(x, 5);
    const double t = o2 ? 1.0 / x.x : ddnormalize(ddadd2_d2_d(x, o0 ? -1 : -2)).x;
#define SEL3(A, B, C) (o2 ? (A) : o0 ? (B) : (C))
    double u = SEL3(-156.801412704022726379848862, +0.2947916772827614196e+2, +0.7074816000864609279e-7);
    u = fma(u, t, SEL3(+1.120804464289911606838558160000, +0.1281459691827820109e+3, +0.4009244333008730443e-6));
    u = fma(u, t, SEL3(+13.39798545514258921833306020000, +0.2617544025784515043e+3, +0.1040114641628246946e-5));
    u = fma(u, t, SEL3(-0.116546276599463200848033357000, +0.3287022855685790432e+3, +0.1508349150733329167e-5));
    u = fma(u, t, SEL3(-1.391801093265337481495562410000, +0.2818145867730348186e+3, +0.1288143074933901020e-5));
    u = fma(u, t, SEL3(+0.015056113040026424412918973400, +0.1728670414673559605e+3, +0.4744167749884993937e-6));
    u = fma(u, t, SEL3(+0.179540117061234856098844714000, +0.7748735764030416817e+2, -0.6554816306542489902e-7));
    u = fma(u, t, SEL3(-0.002481743600264997730942489280, +0.2512856643080930752e+2, -0.3189252471452599844e-6));
    u = fma(u, t, SEL3(-0.029527880945699120504851034100, +0.5766792106140076868e+1, +0.1358883821470355377e-6));
    u = fma(u, t, SEL3(+0.000540164767892604515196325186, +0.7270275473996180571e+0, -0.4343931277157336040e-6));
    u = fma(u, t, SEL3(+0.006403362833808069794787256200, +0.8396709124579147809e-1, +0.9724785897406779555e-6));
    u = fma(u, t, SEL3(-0.000162516262783915816896611252, -0.8211558669746804595e-1, -0.2036886057225966011e-5));
    u = fma(u, t, SEL3(-0.001914438498565477526465972390, +0.6828831828341884458e-1, +0.4373363141819725815e-5));
    u = fma(u, t, SEL3(+7.20489541602001055898311517e-05, -0.7712481339961671511e-1, -0.9439951268304008677e-5));
    u = fma(u, t, SEL3(+0.000839498720672087279971000786, +0.8337492023017314957e-1, +0.2050727030376389804e-4));
    u = fma(u, t, SEL3(-5.17179090826059219329394422e-05, -0.9094964931456242518e-1, -0.4492620183431184018e-4));
    u = fma(u, t, SEL3(-0.000592166437353693882857342347, +0.1000996313575929358e+0, +0.9945751236071875931e-4));
    u = fma(u, t, SEL3(+6.97281375836585777403743539e-05, -0.1113342861544207724e+0, -0.2231547599034983196e-3));
    u = fma(u, t, SEL3(+0.000784039221720066627493314301, +0.1255096673213020875e+0, +0.5096695247101967622e-3));
    u = fma(u, t, SEL3(-0.000229472093621399176949318732, -0.1440498967843054368e+0, -0.1192753911667886971e-2));
    u = fma(u, t, SEL3(-0.002681327160493827160473958490, +0.1695571770041949811e+0, +0.2890510330742210310e-2));
    u = fma(u, t, SEL3(+0.003472222222222222222175164840, -0.2073855510284092762e+0, -0.7385551028674461858e-2));
    u = fma(u, t, SEL3(+0.083333333333333333335592087900, +0.2705808084277815939e+0, +0.2058080842778455335e-1));
#undef SEL3
    y = ddmul_d2_d2(ddadd2_d2_d(x, -0.5), logk2(x));
    y = ddadd2_d2_d2(y, ddneg(x));
    y = ddadd2_d2_d2(y, mkdd(0.91893853320467278056, -3.8782941580672414498e-17));  // 0.5 * log(2 pi)
    z = ddadd2_d2_d(ddmul_d_d(u, t), o0 ? -0.4006856343865314862e+0 : -0.6735230105319810201e-1);
    z = ddadd2_d2_d(ddmul_d2_d(z, t), o0 ? +0.8224670334241132030e+0 : +0.3224670334241132030e+0);
    z = ddadd2_d2_d(ddmul_d2_d(z, t), o0 ? -0.5772156649015328655e+0 : +0.4227843350984671345e+0);
    z = ddmul_d2_d(z, t);
    clc = o2 ? y : z;
    if (o2) clld = ddadd2_d2_d(ddmul_d_d(u, t), 1);
    y = clln;
    clc = otiny ? mkdd(83.1776616671934334590333, 3.67103459631568507221878e-15)  // log(2^120)
                : (oref ? ddadd2_d2_d2(mkdd(1.1447298858494001639, 1.026595116270782638e-17), ddneg(clc)) : clc);  // log(pi)
    clln = otiny ? mkdd(1, 0) : (oref ? clln : clld);
    if (oref) {
        const double r = a - (double)(INT64_C(1) << 28) * (double)cvt_trunc(a * (1.0 / (INT64_C(1) << 28)));
        x = ddmul_d2_d2(clld, sinpik(r));
    }
    clld = otiny ? mkdd(a * ((double)(INT64_C(1) << 60) * (double)(INT64_C(1) << 60)), 0) : (oref ? x : y);
    *clc_out = clc;
    *ratio_out = dddiv(clln, clld);
}

double VARIANT(gk_sleef_lgamma)(double a) {
    dd clc, ratio;
    gammak(a, &clc, &ratio);
    const dd y = ddadd2_d2_d2(clc, logk2(ddabs(ratio)));
    const double r = y.x + y.y;
    const int isnumber = !isinf(a) && !isnan(a);
    if (isinf(a) || (a <= 0 && trunc(a) == a) || (isnumber && isnan(r))) return INFINITY;
    return r;
}

// Stand-ins for two of MKL's functions, which PyTorch's float64 log10 and tanh call (vml) and
// whose algorithms are not public: MKL's high-accuracy results are correctly rounded on almost every
// value tested, as double-double evaluations rounded once are, while the C library's are not.

double VARIANT(gk_log10_dd)(double d) {
    if (isnan(d) || d < 0) return NAN;
    if (d == 0) return -INFINITY;
    if (isinf(d)) return INFINITY;
    const dd s = ddmul_d2_d2(logk(d), mkdd(0.4342944819032518, 1.098319650216765e-17));  // 1 / ln 10
    return s.x + s.y;
}

/// Sleef's double-double tanh, 1 beyond |x| = `saturation`.
static inline __attribute__((always_inline)) double tanh_dd(double x, double saturation) {
    double y = fabs(x);
    dd d = expk2(mkdd(y, 0));
    const dd e = ddrec_d2(d);
    d = dddiv(ddadd2_d2_d2(d, ddneg(e)), ddadd2_d2_d2(d, e));
    y = d.x + d.y;
    if (fabs(x) > saturation || isnan(y)) y = 1.0;
    y = mulsign(y, x);
    return isnan(x) ? x : y;
}

double VARIANT(gk_sleef_tanh)(double x) { return tanh_dd(x, 18.714973875); }

// PyTorch's float64 tanh op (MKL's): Sleef's evaluation rounded once, without Sleef's early
// saturation, since the correctly rounded tanh reaches 1 only past |x| ~ 19.0615 (Sleef gives 1
// from 18.715, where MKL still gives 1 - 2^-53).
double VARIANT(gk_tanh_dd)(double x) { return tanh_dd(x, 19.5); }

/// gk_tanh_dd over an array: one loop with the function inlined, which the AVX2+FMA variant's
/// compiler vectorises (the same operations on each lane, so the same bits as one at a time).
void VARIANT(gk_tanh_f64)(long n, const double *x, double *out) {
    for (long i = 0; i < n; i++) out[i] = tanh_dd(x[i], 19.5);
}

/// tanh's backward, g * (1 - t * t) with the product fused where PyTorch's build fuses it
/// (`fused`), in double or, for `single`, in float on float32 values held as doubles.
void VARIANT(gk_tanh_backward)(long n, const double *g, const double *t, double *out, int fused, int single) {
    if (single && fused) {
        for (long i = 0; i < n; i++) out[i] = (float)g[i] * fmaf(-(float)t[i], (float)t[i], 1.0f);
    } else if (single) {
        for (long i = 0; i < n; i++) { const float square = (float)t[i] * (float)t[i]; out[i] = (float)g[i] * (1.0f - square); }
    } else if (fused) {
        for (long i = 0; i < n; i++) out[i] = g[i] * fma(-t[i], t[i], 1.0);
    } else {
        for (long i = 0; i < n; i++) { const double square = t[i] * t[i]; out[i] = g[i] * (1.0 - square); }
    }
}

/// The elements PyTorch's vectorised loop covers: whole chunks from the start.
static inline long vector_end(long n, long chunk) { return chunk > 0 ? n / chunk * chunk : 0; }

void VARIANT(gk_unary_f64)(gk_f64_unary_op op, long n, const double *x, double *out, long chunk) {
    const long end = vector_end(n, chunk);
    switch (op) {
    case GK_F64_SIGMOID:
        // Vectorized: (1 + x.neg().exp()).reciprocal(); scalar: 1 / (1 + std::exp(-x)).
        for (long i = 0; i < end; i++) out[i] = 1.0 / (1.0 + VARIANT(gk_sleef_exp)(-x[i]));
        for (long i = end; i < n; i++) out[i] = 1.0 / (1.0 + exp(-x[i]));
        break;
    case GK_F64_SILU:
        // Vectorized: x / (1 + x.neg().exp()); scalar: x / (1 + std::exp(-x)).
        for (long i = 0; i < end; i++) out[i] = x[i] / (1.0 + VARIANT(gk_sleef_exp)(-x[i]));
        for (long i = end; i < n; i++) out[i] = x[i] / (1.0 + exp(-x[i]));
        break;
    }
}

void VARIANT(gk_act_f64)(gk_f64_act_op op, long n, const double *x, double *out, long chunk) {
    // logsigmoid's loop runs the vector code on partial vectors too (every element).
    const long end = op == GK_F64_LOGSIGMOID ? (chunk > 0 ? n : 0) : vector_end(n, chunk);
    switch (op) {
    case GK_F64_MISH:
        // Vectorized: x * x.exp().log1p().tanh(); scalar: x * tanh(log1p(exp(x))).
        for (long i = 0; i < end; i++) out[i] = x[i] * VARIANT(gk_sleef_tanh)(VARIANT(gk_sleef_log1p)(VARIANT(gk_sleef_exp)(x[i])));
        for (long i = end; i < n; i++) out[i] = x[i] * tanh(log1p(exp(x[i])));
        break;
    case GK_F64_LOGSIGMOID:
        // minimum(x, 0) - log1p(exp(-|x|)).
        for (long i = 0; i < end; i++) out[i] = fmin(x[i], 0.0) - VARIANT(gk_sleef_log1p)(VARIANT(gk_sleef_exp)(-fabs(x[i])));
        for (long i = end; i < n; i++) out[i] = fmin(x[i], 0.0) - log1p(exp(-fabs(x[i])));
        break;
    case GK_F64_GELU_TANH: {
        // 0.5 * x * (1 + tanh(beta * (x + kappa * x^3))); PyTorch's AVX2 and AVX-512 builds are
        // compiled with FMA and contraction, which fuses x + kappa * x^3 in the vector code and
        // the scalar tail alike; the default build cannot.
        const double beta = M_SQRT2 * M_2_SQRTPI * 0.5, kappa = 0.044715;
        for (long i = 0; i < end; i++) {
            const double v = x[i], cube = v * v * v;
            out[i] = 0.5 * v * (1.0 + VARIANT(gk_sleef_tanh)(beta * fma(kappa, cube, v)));
        }
        for (long i = end; i < n; i++) {
            const double v = x[i], cube = v * v * v;
            const double inner = beta * (chunk > 0 ? fma(kappa, cube, v) : v + kappa * cube);
            out[i] = 0.5 * v * (1.0 + tanh(inner));
        }
        break;
    }
    }
}

void VARIANT(gk_elu_f64)(long n, const double *x, double *out, long chunk, double negcoef, double poscoef, double negiptcoef) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) out[i] = x[i] > 0 ? x[i] * poscoef : VARIANT(gk_sleef_expm1)(x[i] * negiptcoef) * negcoef;
    for (long i = end; i < n; i++) out[i] = x[i] > 0 ? x[i] * poscoef : expm1(x[i] * negiptcoef) * negcoef;
}

void VARIANT(gk_softplus_f64)(long n, const double *x, double *out, long chunk, double beta, double threshold) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) out[i] = x[i] * beta > threshold ? x[i] : VARIANT(gk_sleef_log1p)(VARIANT(gk_sleef_exp)(x[i] * beta)) / beta;
    for (long i = end; i < n; i++) out[i] = x[i] * beta > threshold ? x[i] : log1p(exp(x[i] * beta)) / beta;
}
