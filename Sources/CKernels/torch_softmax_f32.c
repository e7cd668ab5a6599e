// PyTorch's float32 softmax and log_softmax CPU kernels (SoftMaxKernel.cpp and
// LogSoftmaxKernelImpl.h), lane by lane: vectors of `vec` floats (Vectorized<float>::size(): 16
// with AVX-512, 8 with AVX2 and in the default build), Sleef's expf/logf in the vector code and
// the C library's in the scalar tails (`sleef` = 0: the default build, the C library's everywhere).
#include "torch_float32.h"
#include <math.h>
#include <stdlib.h>

#pragma STDC FP_CONTRACT OFF

#define REAL float
#define SOFTMAX(name) name##_f32
#define FMA fmaf
#define SLEEF_EXP gk_sleef_expf
#define LIBM_EXP expf
#define SLEEF_LOG gk_sleef_logf
#define LIBM_LOG logf
#include "torch_softmax_kernels.h"

void gk_softmax_f32(long outer, long dim, long inner, int last, const double *x, double *out, long vec, int sleef, int log_softmax) {
    const long n = outer * dim * inner;
    if (n <= 0) return;
    float *in = malloc(sizeof(float) * (size_t)(2 * n + dim));
    float *o = in + n, *work = o + n;
    for (long i = 0; i < n; i++) in[i] = (float)x[i];
    const lanes l = {vec > MAX_VEC ? MAX_VEC : vec, sleef, sleef};
    if (last) lastdim_f32(l, outer, dim, in, o, work, log_softmax);
    else if (log_softmax) log_softmax_inner_f32(l, outer, dim, inner, in, o);
    else softmax_inner_f32(l, outer, dim, inner, in, o);
    for (long i = 0; i < n; i++) out[i] = o[i];
    free(in);
}
