// PyTorch's float32 softmax and log_softmax CPU kernels (SoftMaxKernel.cpp and
// LogSoftmaxKernelImpl.h), lane by lane: vectors of `vec` floats (Vectorized<float>::size(): 16
// with AVX-512, 8 with AVX2 and in the default build), Sleef's expf/logf in the vector code and
// the C library's in the scalar tails (`sleef` = 0: the default build, the C library's everywhere).
#include "torch_float32.h"
#include <math.h>
#include <stdlib.h>

#pragma STDC FP_CONTRACT OFF

enum { MAX_VEC = 16 };

/// vec::maximum: NaN when either is NaN, else the larger (the second on ties, as vmaxps).
static inline float vmax(float a, float b) { return isnan(a) || isnan(b) ? NAN : (a > b ? a : b); }
static inline float vadd(float a, float b) { return a + b; }

typedef struct { long vec; int sleef; } lanes;

static inline float vexp(lanes l, float x) { return l.sleef ? gk_sleef_expf(x) : expf(x); }
static inline float vlog(lanes l, float x) { return l.sleef ? gk_sleef_logf(x) : logf(x); }

/// vec_reduce_all of a full accumulator: AVX2/AVX-512 fold halves (lane j with j ^ s for
/// s = vec/2 ... 1); the default build folds lane after lane into lane 0.
static float fold(lanes l, float *acc, float (*op)(float, float)) {
    if (!l.sleef) {
        float r = acc[0];
        for (long i = 1; i < l.vec; i++) r = op(r, acc[i]);
        return r;
    }
    float next[MAX_VEC];
    for (long s = l.vec / 2; s >= 1; s /= 2) {
        for (long j = 0; j < l.vec; j++) next[j] = op(acc[j], acc[j ^ s]);
        for (long j = 0; j < l.vec; j++) acc[j] = next[j];
    }
    return acc[0];
}

/// vec::reduce_all / map_reduce_all over n floats: fewer than a vector fold in sequence,
/// otherwise lane-wise over whole vectors, the tail into the first lanes, then `fold`.
static float reduce(lanes l, const float *v, long n, float (*op)(float, float)) {
    if (n < l.vec) {
        float r = v[0];
        for (long i = 1; i < n; i++) r = op(r, v[i]);
        return r;
    }
    float acc[MAX_VEC];
    for (long j = 0; j < l.vec; j++) acc[j] = v[j];
    long d = l.vec;
    for (; d + l.vec <= n; d += l.vec)
        for (long j = 0; j < l.vec; j++) acc[j] = op(acc[j], v[d + j]);
    for (long j = 0; d + j < n; j++) acc[j] = op(acc[j], v[d + j]);
    return fold(l, acc, op);
}

/// Softmax along the last dimension of rows of `dim` floats.
static void lastdim(lanes l, long rows, long dim, const float *x, float *out, float *work, int log_softmax) {
    for (long r = 0; r < rows; r++) {
        const float *in = x + r * dim;
        float *o = out + r * dim;
        const float max = reduce(l, in, dim, vmax);
        for (long i = 0; i < dim; i++) work[i] = vexp(l, in[i] - max);
        const float sum = reduce(l, work, dim, vadd);
        if (log_softmax) {
            const float log_sum = vlog(l, sum);
            for (long i = 0; i < dim; i++) o[i] = in[i] - max - log_sum;
        } else {
            const float inverse = 1 / sum;
            for (long i = 0; i < dim; i++) o[i] = work[i] * inverse;
        }
    }
}

/// _vec_softmax along a dimension that is not the last: `vec` inner positions at a time from
/// the start of each inner row, the rest one by one with std::max and the C library's exp.
static void softmax_inner(lanes l, long outer, long dim, long inner, const float *x, float *out) {
    for (long o = 0; o < outer; o++) {
        const long vector_end = inner / l.vec * l.vec;
        for (long j = 0; j < inner; j++) {
            const float *in = x + o * dim * inner + j;
            float *y = out + o * dim * inner + j;
            const int vector = j < vector_end;
            float max = in[0];
            for (long d = 1; d < dim; d++) max = vector ? vmax(max, in[d * inner]) : (max < in[d * inner] ? in[d * inner] : max);
            float sum = 0;
            for (long d = 0; d < dim; d++) {
                y[d * inner] = vector ? vexp(l, in[d * inner] - max) : expf(in[d * inner] - max);
                sum = sum + y[d * inner];
            }
            for (long d = 0; d < dim; d++) y[d * inner] = y[d * inner] / sum;
        }
    }
}

/// serial_vec_logsoftmax_range: inner positions in blocks of about 128 KB / dim (a multiple of
/// `vec`); in each block whole vectors take Sleef's exp, the rest the C library's; the log of
/// every sum is the vector log.
static void log_softmax_inner(lanes l, long outer, long dim, long inner, const float *x, float *out) {
    long chunk = 131072 / dim / (long)sizeof(float);
    if (chunk < l.vec) chunk = l.vec;
    chunk = chunk / l.vec * l.vec;
    if (chunk > inner) chunk = inner;
    for (long o = 0; o < outer; o++) {
        for (long start = 0; start < inner; start += chunk) {
            const long size = inner - start < chunk ? inner - start : chunk;
            const long vector_end = size - size % l.vec;
            for (long j = 0; j < size; j++) {
                const float *in = x + o * dim * inner + start + j;
                float max = -INFINITY, sum = 0;
                for (long d = 0; d < dim; d++) max = in[d * inner] > max ? in[d * inner] : max;
                for (long d = 0; d < dim; d++) sum += j < vector_end ? vexp(l, in[d * inner] - max) : expf(in[d * inner] - max);
                const float log_sum = vlog(l, sum);
                for (long d = 0; d < dim; d++) out[o * dim * inner + start + j + d * inner] = in[d * inner] - max - log_sum;
            }
        }
    }
}

void gk_softmax_f32(long outer, long dim, long inner, int last, const double *x, double *out, long vec, int sleef, int log_softmax) {
    const long n = outer * dim * inner;
    if (n <= 0) return;
    float *in = malloc(sizeof(float) * (size_t)(2 * n + dim));
    float *o = in + n, *work = o + n;
    for (long i = 0; i < n; i++) in[i] = (float)x[i];
    const lanes l = {vec > MAX_VEC ? MAX_VEC : vec, sleef};
    if (last) lastdim(l, outer, dim, in, o, work, log_softmax);
    else if (log_softmax) log_softmax_inner(l, outer, dim, inner, in, o);
    else softmax_inner(l, outer, dim, inner, in, o);
    for (long i = 0; i < n; i++) out[i] = o[i];
    free(in);
}
