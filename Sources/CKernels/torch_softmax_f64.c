// PyTorch's float64 softmax CPU kernel along the last dimension (SoftMaxKernel.cpp's
// _vec_softmax_lastdim), lane by lane: vectors of `vec` doubles (Vectorized<double>::size(): 8
// with AVX-512, 4 with AVX2 and in the default build), Sleef's double exp in the vector code
// (`sleef` = 0: the default build, the C library's). Its kernel for other dimensions, and
// log_softmax, whose vector log has no port here, stay composed in Swift.
#include "torch_float64.h"
#include <math.h>

#pragma STDC FP_CONTRACT OFF

#define REAL double
#define SOFTMAX(name) name##_f64
#define SLEEF_EXP gk_sleef_exp
#define LIBM_EXP exp
#include "torch_softmax_kernels.h"

void gk_softmax_lastdim_f64(long rows, long dim, const double *x, double *out, long vec, int sleef) {
    if (rows * dim <= 0) return;
    const lanes l = {vec > MAX_VEC ? MAX_VEC : vec, sleef, 0};
    lastdim_f64(l, rows, dim, x, out, 0, 0);
}
