// PyTorch's float32 gelu (approximate='none'): for more than one element it calls oneDNN's
// eltwise gelu_erf, whose AVX-512 JIT code evaluates erf(x / sqrt 2) as one of 24 degree-5
// minimax polynomials of |x|, picked by the exponent and two mantissa bits of |x| (oneDNN's
// gelu_erf_minimax table, copied bit for bit); one element takes PyTorch's own scalar formula.
// Its gradient (gelu_backward) goes to oneDNN's eltwise backward too, which computes
// gelu'(x) = 0.5 + 0.5 erf(x / sqrt 2) + x / sqrt(2 pi) exp(-x^2 / 2) with Abramowitz and
// Stegun's erf and oneDNN's own exp polynomial.
#include "torch_float32.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

// No contraction of a * b + c beyond the fmaf calls written out: the bits depend on it.
#pragma STDC FP_CONTRACT OFF

/// coefficients[degree][polynomial] as float bit patterns; polynomial 23 is erf = 1 (beyond
/// `rbound`), 24 is the identity (reached by NaN only).
static const uint32_t coefficients[6][25] = {
 {0xa6f2cb94,0x32827792,0x3381cc0c,0x34523d4a,0x351ac44d,0x35f36d88,0x36ee8229,0x37b8a3bb,0x3867a213,0x3940033b,0x3a2a5a1d,0x3ae35863,0x3b7828f2,0x3c08b14b,0x3c515ed3,0xbb503236,0xbd8d8e5e,0xbe8abcd9,0xbf0c19a2,0xbeccb328,0x3e176ced,0x3f470d99,0x3f7abb28,0x3f800000,0x00000000},
 {0x3f4c422a,0x3f4c421f,0x3f4c4207,0x3f4c41cb,0x3f4c413b,0x3f4c3fad,0x3f4c3a2f,0x3f4c2d40,0x3f4c146a,0x3f4bc341,0x3f4ad08c,0x3f48f8cf,0x3f45fac7,0x3f404e07,0x3f3b980f,0x3f48dff3,0x3f78b21b,0x3fbb0704,0x40019c32,0x3fe536d6,0x3f81331e,0x3e6c8684,0x3c98f936,0x00000000,0x3f800000},
 {0xb62173f4,0x3735e4cf,0x37f2ff89,0x388c23be,0x3917535c,0x39ab2ab0,0x3a60fadb,0x3af9b960,0x3b6e5491,0x3c0a4ec5,0x3ca5aa8c,0x3d2138d9,0x3d8737d4,0x3ddfb660,0x3e0f27ab,0x3d94004b,0xbe0efdeb,0xbf1d96c3,0xbf89db58,0xbf6d9897,0xbef69fb8,0xbdc4f8a8,0xbbde6422,0x00000000,0x00000000},
 {0xbe081a19,0xbe084570,0xbe08639b,0xbe089837,0xbe08f409,0xbe09ab95,0xbe0b66d0,0xbe0e400a,0xbe124df8,0xbe1bde02,0xbe2f19c9,0xbe4931bf,0xbe685fbc,0xbe89c95f,0xbe96cbca,0xbe8044aa,0xbe0550f2,0x3dcfd6a1,0x3e94c826,0x3e79345f,0x3decec91,0x3ca46568,0x3aa1e00a,0x00000000,0x00000000},
 {0xba3d61db,0x39f097a3,0x3a5845dc,0x3ab1fa35,0x3b0cefb8,0x3b653ab6,0x3bcae527,0x3c221712,0x3c6c5840,0x3cc0a703,0x3d1dcc19,0x3d63656d,0x3d955907,0x3dbf9910,0x3dd53f69,0x3db7dcef,0x3d639ebe,0xba6ede48,0xbd22be69,0xbd041cf1,0xbc64f5ab,0xbb097a32,0xb8ebf380,0x00000000,0x00000000},
 {0x3cb7d80c,0x3c9b6050,0x3c978d11,0x3c92e850,0x3c8d058b,0x3c848454,0x3c6cd623,0x3c4c824b,0x3c2a7935,0x3be0b390,0x3b0651ac,0xbb232f53,0xbbd42fa0,0xbc2c5366,0xbc492c9e,0xbc2a7aa6,0xbbd55d04,0xba823a76,0x3b102aa8,0x3ae25a7e,0x3a31f792,0x38b84375,0x3689bb5a,0x00000000,0x00000000},
};
static inline float from_bits(uint32_t u) { float f; memcpy(&f, &u, sizeof f); return f; }
static inline uint32_t bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

/// One lane of oneDNN's gelu_erf_minimax_approx_compute_vector_fwd.
static float gelu_minimax(float s) {
    const float x = from_bits(bits(s) & 0x7fffffffu);
    // The index: (bits of |x| + bias) >> 21, arithmetically, clamped to [1, 24]; 23 past rbound.
    int32_t index = (int32_t)(bits(x) + 0xc21fffffu) >> 21;
    index = index < 1 ? 1 : index > 24 ? 24 : index;
    if (from_bits(0x40b15cee) < x) index = 23;
    float p = from_bits(coefficients[5][index]);
    for (int degree = 4; degree >= 0; degree--) p = fmaf(p, x, from_bits(coefficients[degree][index]));
    p = from_bits(bits(p) ^ (bits(s) & 0x80000000u));  // erf is odd
    return s * (p + 1.0f) * 0.5f;
}

int gk_onednn_has_avx512_core(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#else
    return 0;
#endif
}

void gk_gelu_f32(long n, const double *x, double *out) {
    if (n == 1) {
        // PyTorch's scalar_gelu: x * 0.5 * (1 + erf(x * M_SQRT1_2)) in float.
        const float v = (float)x[0];
        out[0] = v * 0.5f * (1.0f + erff(v * (float)M_SQRT1_2));
        return;
    }
    for (long i = 0; i < n; i++) out[i] = gelu_minimax((float)x[i]);
}

/// One lane of oneDNN's exp_compute_vector_fwd: 2^n p(r) with x = n ln 2 + r, p of degree 5.
static float onednn_exp(float x) {
    static const uint32_t pol[5] = {0x3f7ffffb, 0x3efffee3, 0x3e2aad40, 0x3d2b9d0d, 0x3c07cfce};
    const float lo = from_bits(0xc2aeac50), hi = from_bits(0x42b17218);  // ln FLT_MIN, ln FLT_MAX
    const int underflows = x < lo;
    // vminps/vmaxps give their second operand when the first is NaN.
    float r = x < hi ? x : hi;
    r = r > lo ? r : lo;
    const float n = floorf(r * from_bits(0x3fb8aa3b) + 0.5f);  // r log2(e) + 0.5, two roundings
    r = fmaf(-n, from_bits(0x3f317218), r);
    const uint32_t scale = (uint32_t)((int32_t)(n - 1.0f) + 127) << 23;  // 2^(n - 1)
    float p = from_bits(pol[4]);
    for (int i = 3; i >= 0; i--) p = fmaf(p, r, from_bits(pol[i]));
    p = fmaf(p, r, 1.0f);
    return p * (underflows ? 0.0f : from_bits(scale)) * 2.0f;
}

/// One lane of oneDNN's gelu_erf_compute_vector_bwd.
static float gelu_erf_derivative(float s) {
    static const uint32_t pol[5] = {0x3e827906, 0xbe91a98e, 0x3fb5f0e3, 0xbfba00e3, 0x3f87dc22};
    const float r = s * from_bits(0x3f3504f3);  // s / sqrt 2
    const float q = onednn_exp(-(r * r));
    const float t = r * from_bits(0x3f106eba) * q;  // r / sqrt(pi) * q
    const float w = 1.0f / fmaf(from_bits(0x3ea7ba05), from_bits(bits(r) & 0x7fffffffu), 1.0f);
    float p = from_bits(pol[4]);
    for (int i = 3; i >= 0; i--) p = fmaf(p, w, from_bits(pol[i]));
    float erf = fmaf(-q * w, p, 1.0f);
    erf = from_bits(bits(erf) ^ (bits(r) & 0x80000000u));
    return fmaf(erf, 0.5f, t + 0.5f);
}

void gk_gelu_backward_f32(long n, const double *grad, const double *x, double *out) {
    for (long i = 0; i < n; i++) out[i] = (float)grad[i] * gelu_erf_derivative((float)x[i]);
}
