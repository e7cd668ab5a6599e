// PyTorch's float32 special functions whose CPU kernels are scalar formulas (Math.h's
// calc_digamma, calc_log_ndtr), in the same float operations and order (see torch_float32.h).
#include "torch_float32.h"
#include <math.h>

// No contraction of a * b + c: PyTorch's builds of these formulas give unfused results.
#pragma STDC FP_CONTRACT OFF

/// calc_digamma(float): the reflection for negative x (in double, rounded once), the
/// recurrence up to 10, then the asymptotic series with float coefficients.
static float digamma_f(float x) {
    if (x == 0) return copysignf(INFINITY, -x);
    if (x < 0) {
        if (x == truncf(x)) return NAN;
        double whole;
        const double r = modf(x, &whole);
        const float pi_over_tan = (float)(M_PI / tan(M_PI * r));
        return digamma_f(1 - x) - pi_over_tan;
    }
    float result = 0;
    while (x < 10) {
        result -= 1 / x;
        x += 1;
    }
    if (x == 10) return result + 2.25175258906672110764f;
    static const float A[] = {8.33333333333333333333E-2f, -2.10927960927960927961E-2f, 7.57575757575757575758E-3f,
                              -4.16666666666666666667E-3f, 3.96825396825396825397E-3f, -8.33333333333333333333E-3f,
                              8.33333333333333333333E-2f};
    float y = 0;
    if (x < 1.0e17f) {
        const float z = 1 / (x * x);
        float p = 0;
        for (int i = 0; i < 7; i++) p = p * z + A[i];
        y = z * p;
    }
    return result + logf(x) - (0.5f / x) - y;
}

void gk_digamma_f32(long n, const double *x, double *out) {
    for (long i = 0; i < n; i++) out[i] = digamma_f((float)x[i]);
}

/// erfcx(x) = exp(x^2) erfc(x) for x > 0 in double, accurate to about 1e-16.
static double erfcx_positive(double x) {
    if (x < 10) {
        const double hi = x * x, lo = fma(x, x, -hi);
        return exp(hi) * erfc(x) * (1 + lo);
    }
    // The asymptotic series, whose terms fall below 1e-18 long before they grow again.
    const double r = 1 / (2 * x * x);
    double term = 1, sum = 1;
    for (int k = 1; k < 40 && fabs(term) > 1e-18; k++) {
        term *= -(2 * k - 1) * r;
        sum += term;
    }
    return sum / (x * 1.7724538509055160273);
}

/// PyTorch's float calc_erfcx for 0 < x <= 50: a Chebyshev fit in double at y100 = 400 / (4 + x)
/// rounded to float, so it is erfcx at the x that y100 stands for; rounded to float once.
/// Above 50 its continued fraction is not reproduced (the last bit may differ there).
static float erfcx_f(float x) {
    if (x > 5e7f) return 0.56418958354775628694807945156f / x;
    if (x > 50) return (float)(0.56418958354775628694807945156 / (x + 0.5 / (x + 1 / (x + 1.5 / (x + 2 / (double)x)))));
    const float y100 = 400 / (4 + x);
    return (float)erfcx_positive(400.0 / (double)y100 - 4);
}

void gk_log_ndtr_f32(long n, const double *x, double *out) {
    for (long i = 0; i < n; i++) {
        const float v = (float)x[i], t = v * (float)M_SQRT1_2;
        out[i] = v < -1 ? logf(erfcx_f(-t) / 2) - t * t : log1pf(-erfcf(t) / 2);
    }
}

/// trigamma(float): reflection below 1/2, six recurrence steps, then the asymptotic series,
/// whose multiply-adds PyTorch's AVX2 and AVX-512 builds fuse (`fused`) and its default build
/// does not.
static float trigamma_f(float x, int fused) {
    float sign = +1, result = 0;
    const float pi = (float)M_PI;
    if (x < 0.5f) {
        sign = -1;
        const float s = sinf(pi * x);
        result -= (pi * pi) / (s * s);
        x = 1 - x;
    }
    for (int i = 0; i < 6; ++i) {
        result += 1 / (x * x);
        x += 1;
    }
    const float ixx = 1 / (x * x);
    if (fused) result += fmaf(ixx, fmaf(-ixx, fmaf(-ixx, 1.f / 42, 1.f / 30), 1.f / 6), 1 + 1 / (2 * x)) / x;
    else result += (1 + 1 / (2 * x) + ixx * (1.f / 6 - ixx * (1.f / 30 - ixx * (1.f / 42)))) / x;
    return sign * result;
}

/// Math.h's zeta(x, q) for float arguments: accumulated in double, but the first term is
/// std::pow of the two floats (powf).
static double zeta_f(float x, float q) {
    const double MACHEP = 1.11022302462515654042E-16;
    static const double A[] = {12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
                               -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
                               1.8152105401943546773e17, -7.1661652561756670113e18};
    if (x == 1) return INFINITY;
    if (x < 1) return NAN;
    if (q <= 0) {
        if (q == floorf(q)) return INFINITY;
        if (x != floorf(x)) return NAN;
    }
    double s = powf(q, -x), a = q, b = 0;
    int i = 0;
    while (i < 9 || a <= 9.0) {
        i += 1;
        a += 1;
        b = pow(a, -(double)x);
        s += b;
        if (-MACHEP * s < b && b < MACHEP * s) return s;
    }
    const double w = a;
    s += b * w / (x - 1.0);
    s -= 0.5 * b;
    a = 1;
    double k = 0;
    for (i = 0; i < 12; i++) {
        a *= x + k;
        b /= w;
        double t = a * b / A[i];
        s = s + t;
        t = fabs(t / s);
        if (t < MACHEP) return s;
        k += 1;
        a *= x + k;
        b /= w;
        k += 1;
    }
    return s;
}

void gk_polygamma_f32(long order, long n, const double *x, double *out, int fused) {
    for (long i = 0; i < n; i++) {
        const float v = (float)x[i];
        if (order == 0) out[i] = digamma_f(v);
        else if (order == 1) out[i] = trigamma_f(v, fused);
        else out[i] = ((order % 2) ? 1.0f : -1.0f) * expf(lgammaf((float)order + 1)) * (float)zeta_f((float)(order + 1), v);
    }
}
