// PyTorch's float64 softmax and log_softmax CPU kernels along the last dimension (SoftMaxKernel.cpp's
// _vec_softmax_lastdim and _vec_log_softmax_lastdim), lane by lane: vectors of `vec` doubles
// (Vectorized<double>::size(): 8 with AVX-512, 4 with AVX2 and in the default build), Sleef's
// double exp and log in the vector code (`sleef` = 0: the default build, the C library's). Their
// kernels for other dimensions stay composed in Swift.
#include "torch_float64.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF

#define REAL double
#define SOFTMAX(name) name##_f64
#define FMA fma
#define SLEEF_EXP gk_sleef_exp
#define LIBM_EXP exp
#define SLEEF_LOG gk_sleef_log
#define LIBM_LOG log
#include "torch_softmax_kernels.h"

void gk_softmax_lastdim_f64(long rows, long dim, const double *x, double *out, long vec, int sleef, int log_softmax) {
    if (rows * dim <= 0) return;
    const lanes l = {vec > MAX_VEC ? MAX_VEC : vec, sleef, 0};
    lastdim_f64(l, rows, dim, x, out, 0, log_softmax);
}

void gk_softmax_backward_lastdim_f64(long rows, long dim, const double *g, const double *y, double *out, long vec, int sleef,
                                     int log_softmax, int fused) {
    if (rows * dim <= 0) return;
    const lanes l = {vec > MAX_VEC ? MAX_VEC : vec, sleef, 0};
    backward_lastdim_f64(l, rows, dim, g, y, out, log_softmax, fused);
}
