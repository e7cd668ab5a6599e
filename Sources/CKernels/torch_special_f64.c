// PyTorch's float64 digamma and polygamma, whose CPU kernels are the scalar formulas of its
// Math.h (calc_digamma, trigamma, calc_polygamma with zeta), in the same double operations
// and order.
#include "torch_float32.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF

/// calc_digamma(double): the reflection for negative x (through the fractional part), the
/// recurrence up to 10, then the asymptotic series.
double gk_digamma_f64(double x) {
    if (x == 0) return copysign(INFINITY, -x);
    if (x < 0) {
        if (x == trunc(x)) return NAN;
        double whole;
        const double r = modf(x, &whole);
        return gk_digamma_f64(1 - x) - M_PI / tan(M_PI * r);
    }
    double result = 0;
    while (x < 10) {
        result -= 1 / x;
        x += 1;
    }
    if (x == 10) return result + 2.25175258906672110764;
    static const double A[] = {8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
                               -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
                               8.33333333333333333333E-2};
    double y = 0;
    if (x < 1.0e17) {
        const double z = 1.0 / (x * x);
        double p = 0;
        for (int i = 0; i < 7; i++) p = p * z + A[i];
        y = z * p;
    }
    return result + log(x) - (0.5 / x) - y;
}

/// trigamma(double): reflection below 1/2, six recurrence steps, then the asymptotic series,
/// whose multiply-adds PyTorch's AVX2 and AVX-512 builds fuse (`fused`).
static double trigamma_d(double x, int fused) {
    double sign = +1, result = 0;
    if (x < 0.5) {
        sign = -1;
        const double s = sin(M_PI * x);
        result -= (M_PI * M_PI) / (s * s);
        x = 1 - x;
    }
    for (int i = 0; i < 6; ++i) {
        result += 1 / (x * x);
        x += 1;
    }
    const double ixx = 1 / (x * x);
    if (fused) result += fma(ixx, fma(-ixx, fma(-ixx, 1. / 42, 1. / 30), 1. / 6), 1 + 1 / (2 * x)) / x;
    else result += (1 + 1 / (2 * x) + ixx * (1. / 6 - ixx * (1. / 30 - ixx * (1. / 42)))) / x;
    return sign * result;
}

/// Math.h's zeta(x, q) in double (Euler-Maclaurin after at least nine terms).
static double zeta_d(double x, double q) {
    const double MACHEP = 1.11022302462515654042E-16;
    static const double A[] = {12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
                               -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
                               1.8152105401943546773e17, -7.1661652561756670113e18};
    if (x == 1) return INFINITY;
    if (x < 1) return NAN;
    if (q <= 0) {
        if (q == floor(q)) return INFINITY;
        if (x != floor(x)) return NAN;
    }
    double s = pow(q, -x), a = q, b = 0;
    int i = 0;
    while (i < 9 || a <= 9.0) {
        i += 1;
        a += 1;
        b = pow(a, -x);
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

void gk_polygamma_f64(long order, long n, const double *x, double *out, int fused) {
    for (long i = 0; i < n; i++) {
        const double v = x[i];
        if (order == 0) out[i] = gk_digamma_f64(v);
        else if (order == 1) out[i] = trigamma_d(v, fused);
        else out[i] = ((order % 2) ? 1.0 : -1.0) * exp(lgamma((double)order + 1)) * zeta_d((double)(order + 1), v);
    }
}
