// Sleef 3.8's double pow (u10), atan2 (u10), hypot (u05) and erf (u10) as PyTorch's AVX2 and
// AVX-512 builds run them (Sleef_powd4_u10 / Sleef_powd8_u10 and so on: ENABLE_FMA_DP, Estrin's
// order), one lane at a time, and the float64 kernels built on them (see torch_float64.h). The
// AVX-512 variants differ from the AVX2 ones only where each lane gets the same value (logk's
// getexp/getmant split of a finite number; erf's branch taken when every lane is <= 2.5).
#include "torch_float64.h"
#include "sleef_float64_dd.h"

// Compiled twice, as sleef_float64.c is: here for any x86-64, and by sleef_float64_binary_fma.c
// for CPUs with AVX2 and FMA; sleef_dispatch.c picks the variant at run time.
#ifndef VARIANT
#define VARIANT(name) name##_portable
#endif

// From sleef_float64.c, the same variant.
double VARIANT(gk_sleef_exp)(double d);
double VARIANT(gk_sleef_tanh)(double d);
double VARIANT(gk_sleef_exp2)(double d);
double VARIANT(gk_sleef_log1p)(double d);

/// e^d of a double-double, rounded to a double (Sleef's expk).
static double expk(dd d) {
    const double dq = rint((d.x + d.y) * R_LN2);
    const int32_t q = cvt_rne(dq);
    dd s = ddadd2_d2_d(d, dq * -L2U);
    s = ddadd2_d2_d(s, dq * -L2L);
    s = ddnormalize(s);
    const double s2 = s.x * s.x, s4 = s2 * s2, s8 = s4 * s4;
    const double u = POLY10(s.x, s2, s4, s8,
                            2.51069683420950419527139e-08, 2.76286166770270649116855e-07, 2.75572496725023574143864e-06,
                            2.48014973989819794114153e-05, 0.000198412698809069797676111, 0.0013888888939977128960529,
                            0.00833333333332371417601081, 0.0416666666665409524128449, 0.166666666666666740681535,
                            0.500000000000000999200722);
    dd t = ddadd_d_d2(1, s);
    t = ddadd_d2_d2(t, ddmul_d2_d(ddsqu(s), u));
    const double r = ldexp2k(t.x + t.y, q);
    return d.x < -1000 ? 0 : r;
}

/// Sleef's xpow: exp(y log|x|) in double-double, then IEEE's special cases.
static double sleef_pow(double x, double y) {
    const int yisint = trunc(y) == y, yisodd = yisint && trunc(y * 0.5) != y * 0.5;
    const dd d = ddmul_d2_d(logk(fabs(x)), y);
    double result = d.x > 709.78271114955742909217217426 ? INFINITY : expk(d);
    result = result * (x > 0 ? 1 : (yisint ? (yisodd ? -1.0 : 1) : NAN));
    const double efx = mulsign(fabs(x) - 1, y);
    if (isinf(y)) result = efx < 0 ? 0 : (efx == 0 ? 1.0 : INFINITY);
    if (isinf(x) || x == 0) result = mulsign((signbit(y) != 0) != (x == 0) ? 0 : INFINITY, yisodd ? x : 1);
    if (isnan(x) || isnan(y)) result = NAN;
    if (y == 0 || x == 1) result = 1;
    return result;
}

/// atan2 of double-doubles, |y| and x (Sleef's atan2k_u1).
static dd atan2k_u1(dd y, dd x) {
    int32_t q = signbit(x.x) ? -2 : 0;
    if (x.x < 0) x = ddneg(x);
    const int p = x.x < y.x;
    if (p) q += 1;
    dd s = p ? ddneg(x) : y, t = p ? y : x;
    s = dddiv(s, t);
    t = ddnormalize(ddsqu(s));
    const double t2 = t.x * t.x, t4 = t2 * t2, t8 = t4 * t4;
    double u = POLY16(t.x, t2, t4, t8,
                      1.06298484191448746607415e-05, -0.000125620649967286867384336, 0.00070557664296393412389774,
                      -0.00251865614498713360352999, 0.00646262899036991172313504, -0.0128281333663399031014274,
                      0.0208024799924145797902497, -0.0289002344784740315686289, 0.0359785005035104590853656,
                      -0.041848579703592507506027, 0.0470843011653283988193763, -0.0524914210588448421068719,
                      0.0587946590969581003860434, -0.0666620884778795497194182, 0.0769225330296203768654095,
                      -0.0909090442773387574781907);
    u = fma(u, t.x, 0.111111108376896236538123);
    u = fma(u, t.x, -0.142857142756268568062339);
    u = fma(u, t.x, 0.199999999997977351284817);
    u = fma(u, t.x, -0.333333333333317605173818);
    t = ddadd_d2_d2(s, ddmul_d2_d(ddmul_d2_d2(s, t), u));
    return ddadd_d2_d2(ddmul_d2_d(mkdd(1.570796326794896557998982, 6.12323399573676603586882e-17), (double)q), t);
}

/// Sleef's visinf2_vd_vd_vd: m with d's sign bit added where d is infinite, else +0.
static inline double isinf2(double d, double m) {
    return isinf(d) ? from_bits((bits(d) & 0x8000000000000000ull) | bits(m)) : 0.0;
}

/// Sleef's xatan2_u1.
static double sleef_atan2(double y, double x) {
    if (fabs(x) < 5.5626846462680083984e-309) {  // nexttoward(1 / DBL_MAX, 1): scale subnormal x up
        x = x * (double)(UINT64_C(1) << 53);
        y = y * (double)(UINT64_C(1) << 53);
    }
    const dd d = atan2k_u1(mkdd(fabs(y), 0), mkdd(x, 0));
    double r = mulsign(d.x + d.y, x);
    if (isinf(x) || x == 0) r = M_PI / 2 - isinf2(x, mulsign(M_PI / 2, x));
    if (isinf(y)) r = M_PI / 2 - isinf2(x, mulsign(M_PI / 4, x));
    if (y == 0) r = signbit(x) ? M_PI : 0.0;
    return isnan(x) || isnan(y) ? NAN : mulsign(r, y);
}

/// Sleef's xhypot_u05; min and max as _mm_min_pd/_mm_max_pd (the second operand on a tie or NaN).
static double sleef_hypot(double x, double y) {
    x = fabs(x);
    y = fabs(y);
    const double min = x < y ? x : y, max = x > y ? x : y;
    double n = min, d = max;
    if (max < 2.2250738585072014e-308) {  // DBL_MIN
        n = n * (double)(UINT64_C(1) << 54);
        d = d * (double)(UINT64_C(1) << 54);
    }
    dd t = dddiv(mkdd(n, 0), mkdd(d, 0));
    t = ddmul_d2_d(ddsqrt_d2(ddadd2_d2_d(ddsqu(t), 1)), max);
    double ret = t.x + t.y;
    if (isnan(ret)) ret = INFINITY;
    if (min == 0) ret = max;
    if (isnan(x) || isnan(y)) ret = NAN;
    if (x == INFINITY || y == INFINITY) ret = INFINITY;
    return ret;
}

/// z + y * x in double-double (Sleef's ddmla_vd2_vd_vd2_vd2).
static inline dd ddmla(double x, dd y, dd z) { return ddadd_d2_d2(z, ddmul_d2_d(y, x)); }

/// Sleef's poly4dd: (c3 x + c2) x^2 + (c1 x + c0), c2..c0 double-doubles.
static inline dd poly4dd(double x, double c3, dd c2, dd c1, dd c0) {
    return ddmla(x * x, ddmla(x, mkdd(c3, 0), c2), ddmla(x, c1, c0));
}

/// Sleef's xerf_u1: 1 - 1/p(x)^16 up to 2.5, 1 - exp(p(x)) above, 1 from 6.
static double sleef_erf(double a) {
    const double x = fabs(a), x2 = x * x, x4 = x2 * x2, x8 = x4 * x4, x16 = x8 * x8;
    dd t2;
    if (x <= 2.5) {  // Abramowitz and Stegun
        const double t = POLY21(x, x2, x4, x8, x16,
                                -0.2083271002525222097e-14, +0.7151909970790897009e-13, -0.1162238220110999364e-11,
                                +0.1186474230821585259e-10, -0.8499973178354613440e-10, +0.4507647462598841629e-9,
                                -0.1808044474288848915e-8, +0.5435081826716212389e-8, -0.1143939895758628484e-7,
                                +0.1215442362680889243e-7, +0.1669878756181250355e-7, -0.9808074602255194288e-7,
                                +0.1389000557865837204e-6, +0.2945514529987331866e-6, -0.1842918273003998283e-5,
                                +0.3417987836115362136e-5, +0.3860236356493129101e-5, -0.3309403072749947546e-4,
                                +0.1060862922597579532e-3, +0.2323253155213076174e-3, +0.1490149719145544729e-3);
        t2 = poly4dd(x, t, mkdd(0.0092877958392275604405, 7.9287559463961107493e-19),
                     mkdd(0.042275531758784692937, 1.3785226620501016138e-19),
                     mkdd(0.07052369794346953491, 9.5846628070792092842e-19));
        t2 = ddadd_d_d2(1, ddmul_d2_d(t2, x));
        t2 = ddsqu(ddsqu(ddsqu(ddsqu(t2))));
        t2 = ddrec_d2(t2);
    } else {
        const double t = POLY21(x, x2, x4, x8, x16,
                                -0.4024015130752621932e-18, +0.3847193332817048172e-16, -0.1749316241455644088e-14,
                                +0.5029618322872872715e-13, -0.1025221466851463164e-11, +0.1573695559331945583e-10,
                                -0.1884658558040203709e-9, +0.1798167853032159309e-8, -0.1380745342355033142e-7,
                                +0.8525705726469103499e-7, -0.4160448058101303405e-6, +0.1517272660008588485e-5,
                                -0.3341634127317201697e-5, -0.2515023395879724513e-5, +0.6539731269664907554e-4,
                                -0.3551065097428388658e-3, +0.1210736097958368864e-2, -0.2605566912579998680e-2,
                                +0.1252823202436093193e-2, +0.1820191395263313222e-1, -0.1021557155453465954e+0);
        t2 = poly4dd(x, t, mkdd(-0.63691044383641748361, -2.4249477526539431839e-17),
                     mkdd(-1.1282926061803961737, -6.2970338860410996505e-17),
                     mkdd(-1.2261313785184804967e-05, -5.5329707514490107044e-22));
        t2 = mkdd(expk(t2), 0);
    }
    t2 = ddadd2_d2_d(t2, -1);
    double z = -(t2.x + t2.y);
    if (x < 1e-8) z = x * 1.12837916709551262756245475959;
    if (x >= 6 || isinf(a)) z = 1;
    if (a == 0) z = 0;
    return mulsign(z, a);
}

/// The elements PyTorch's vectorised loop covers: whole chunks from the start.
static inline long vector_end(long n, long chunk) { return chunk > 0 ? n / chunk * chunk : 0; }

// logaddexp: max(a, b) + log1p(exp(-|a - b|)), and a itself where a == b is infinite.
static double logaddexp_sleef(double a, double b) {
    return isinf(a) && a == b ? a : fmax(a, b) + VARIANT(gk_sleef_log1p)(VARIANT(gk_sleef_exp)(-fabs(a - b)));
}
static double logaddexp_libm(double a, double b) { return isinf(a) && a == b ? a : fmax(a, b) + log1p(exp(-fabs(a - b))); }
// logaddexp2: max + log1p(exp2(-|a - b|)) * (1 / ln 2), the multiply-add fused by the compiler
// of PyTorch's AVX2 and AVX-512 kernels (in the vector code and the scalar tail alike).
#define INV_LN2 (1.0 / M_LN2)
static double logaddexp2_sleef(double a, double b) {
    return isinf(a) && a == b ? a : fma(VARIANT(gk_sleef_log1p)(VARIANT(gk_sleef_exp2)(-fabs(a - b))), INV_LN2, fmax(a, b));
}
static double logaddexp2_libm_fused(double a, double b) {
    return isinf(a) && a == b ? a : fma(log1p(exp2(-fabs(a - b))), INV_LN2, fmax(a, b));
}
static double logaddexp2_libm(double a, double b) {
    return isinf(a) && a == b ? a : fmax(a, b) + log1p(exp2(-fabs(a - b))) * INV_LN2;
}

void VARIANT(gk_binary_f64)(gk_f64_binary_op op, long n, const double *a, const double *b, double *out, long chunk, long row) {
    double (*vector)(double, double) = sleef_pow, (*tail)(double, double) = pow;
    switch (op) {
    case GK_F64_POW: break;
    case GK_F64_ATAN2: vector = sleef_atan2; tail = atan2; break;
    case GK_F64_HYPOT: vector = sleef_hypot; tail = hypot; break;
    case GK_F64_LOGADDEXP: vector = logaddexp_sleef; tail = logaddexp_libm; break;
    case GK_F64_LOGADDEXP2: vector = logaddexp2_sleef; tail = chunk > 0 ? logaddexp2_libm_fused : logaddexp2_libm; break;
    }
    if (row <= 0) row = n;
    for (long start = 0; start < n; start += row) {
        const long len = n - start < row ? n - start : row;
        const long end = start + vector_end(len, chunk);
        for (long i = start; i < end; i++) out[i] = vector(a[i], b[i]);
        for (long i = end; i < start + len; i++) out[i] = tail(a[i], b[i]);
    }
}

void VARIANT(gk_pow_scalar_f64)(long n, const double *x, double *out, long chunk, double exponent) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) out[i] = sleef_pow(x[i], exponent);
    for (long i = end; i < n; i++) out[i] = pow(x[i], exponent);
}

void VARIANT(gk_gelu_f64)(long n, const double *x, double *out, long chunk) {
    // x * 0.5 * (1 + erf(x * M_SQRT1_2)), in both the vector code and the scalar tail.
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) out[i] = x[i] * 0.5 * (1 + sleef_erf(x[i] * M_SQRT1_2));
    for (long i = end; i < n; i++) out[i] = x[i] * 0.5 * (1 + erf(x[i] * M_SQRT1_2));
}

/// One element of gelu_backward(approximate='tanh'): kBeta = sqrt(2 / pi), kKappa = 0.044715;
/// PyTorch's AVX2 and AVX-512 builds fuse x + kKappa * x^3, 1 - t * t and 1 + 3 kKappa x^2, in
/// the vector code and the scalar tail alike, but not the final sum; its default build fuses none.
static inline double gelu_tanh_backward(double dy, double v, double (*tanh_fn)(double), int fused) {
    const double beta = M_SQRT2 * M_2_SQRTPI * 0.5, kappa = 0.044715, kappa3 = 3 * kappa;
    const double x_sq = v * v, x_cube = v * v * v;
    const double t = tanh_fn(beta * (fused ? fma(kappa, x_cube, v) : v + kappa * x_cube));
    const double left = 0.5 * v, left_derivative = 0.5 * (1 + t);
    const double tanh_derivative = fused ? fma(-t, t, 1) : 1 - t * t;
    const double inner_derivative = beta * (fused ? fma(kappa3, x_sq, 1) : 1 + kappa3 * x_sq);
    return dy * (left_derivative + left * tanh_derivative * inner_derivative);
}

void VARIANT(gk_gelu_backward_f64)(long n, const double *dy, const double *x, double *out, long chunk, int tanh_approx) {
    const long end = vector_end(n, chunk);
    if (tanh_approx) {
        for (long i = 0; i < end; i++) out[i] = gelu_tanh_backward(dy[i], x[i], VARIANT(gk_sleef_tanh), 1);
        for (long i = end; i < n; i++) out[i] = gelu_tanh_backward(dy[i], x[i], tanh, chunk > 0);
        return;
    }
    // dy * (cdf + x * pdf), cdf = 0.5 * (1 + erf(x * M_SQRT1_2)), pdf = kBeta * exp(x * x * -0.5);
    // PyTorch's AVX2 and AVX-512 builds fuse cdf + x * pdf in the vector code, not in the scalar tail.
    const double beta = M_2_SQRTPI * M_SQRT1_2 * 0.5;
    for (long i = 0; i < end; i++) {
        const double v = x[i], cdf = 0.5 * (1 + sleef_erf(v * M_SQRT1_2)), pdf = beta * VARIANT(gk_sleef_exp)(v * v * -0.5);
        out[i] = dy[i] * fma(v, pdf, cdf);
    }
    for (long i = end; i < n; i++) {
        const double v = x[i], cdf = 0.5 * (1 + erf(v * M_SQRT1_2)), pdf = beta * exp(v * v * -0.5);
        out[i] = dy[i] * (cdf + v * pdf);
    }
}
