// See torch_float32.h. Sleef's algorithm is written out for one lane: the same operations in
// the same order (fmaf where Sleef uses a fused multiply-add), so every lane's bits match.
#include "torch_float32.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// No contraction of a * b + c beyond the fmaf calls written out: the bits depend on it.
#pragma STDC FP_CONTRACT OFF

/// 2^q for q in float32's normal exponent range (Sleef's vpow2i).
static inline float pow2i(int q) {
    uint32_t bits = (uint32_t)(q + 0x7f) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

float gk_sleef_expf(float d) {
    if (isnan(d)) return d;
    if (d < -104) return 0;          // Sleef masks these to +0
    if (100 < d) return INFINITY;
    // Round to nearest even, as the vector conversion does.
    const int q = (int)rintf(d * 1.442695040888963407359924681001892137426645954152985934135449406931f);
    float s = fmaf((float)q, -0.693145751953125f, d);
    s = fmaf((float)q, -1.428606765330187045e-06f, s);
    float u = 0.000198527617612853646278381f;
    u = fmaf(u, s, 0.00139304355252534151077271f);
    u = fmaf(u, s, 0.00833336077630519866943359f);
    u = fmaf(u, s, 0.0416664853692054748535156f);
    u = fmaf(u, s, 0.166666671633720397949219f);
    u = fmaf(u, s, 0.5f);
    u = 1.0f + fmaf(s * s, u, s);
    // vldexp2: two multiplications keep 2^q representable at the ends of the range.
    return u * pow2i(q >> 1) * pow2i(q - (q >> 1));
}

/// The elements PyTorch's vectorised loop covers: whole chunks from the start.
static inline long vector_end(long n, long chunk) { return chunk > 0 ? n / chunk * chunk : 0; }

void gk_sigmoid_f32(long n, const double *x, double *out, long chunk) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) {
        // Vectorized: (0 - x).exp() + 1, then reciprocal.
        const float e = gk_sleef_expf(0.0f - (float)x[i]);
        out[i] = 1.0f / (e + 1.0f);
    }
    for (long i = end; i < n; i++) out[i] = 1.0f / (1.0f + expf(-(float)x[i]));
}

void gk_silu_f32(long n, const double *x, double *out, long chunk) {
    const long end = vector_end(n, chunk);
    for (long i = 0; i < end; i++) {
        const float v = (float)x[i];
        out[i] = v / (1.0f + gk_sleef_expf(-v));
    }
    for (long i = end; i < n; i++) {
        const float v = (float)x[i];
        out[i] = v / (1.0f + expf(-v));
    }
}
