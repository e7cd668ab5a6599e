// The float32 Box-Muller of PyTorch's AVX2 normal kernel in AVX2/FMA intrinsics, for speed;
// Sources/Autograd/Random/AVXMathFun.swift is the portable statement of the same arithmetic
// (Cephes log and sincos polynomials), and the tests hold both to PyTorch's bits. Each fma
// here stands where GCC, building PyTorch with -mfma, fused a multiply into the add that uses
// it; every other multiply and add is rounded on its own (clang does not fuse across
// intrinsic calls). The functions carry their own target attribute, so the package needs no
// compiler flags, and callers check the CPU first.
#include "box_muller.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define KERNEL __attribute__((target("avx2,fma")))

int grad_box_muller_avx2_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static inline KERNEL __m256 splat(float x) { return _mm256_set1_ps(x); }

static inline KERNEL __m256 log8(__m256 input) {
    const __m256 one = splat(1.0f);
    const __m256 invalid = _mm256_cmp_ps(input, _mm256_setzero_ps(), _CMP_LE_OS);
    __m256 x = _mm256_max_ps(input, _mm256_castsi256_ps(_mm256_set1_epi32(0x00800000)));
    __m256i exponent = _mm256_srli_epi32(_mm256_castps_si256(x), 23);
    x = _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(~0x7f800000)));
    x = _mm256_or_ps(x, splat(0.5f));
    exponent = _mm256_sub_epi32(exponent, _mm256_set1_epi32(0x7f));
    __m256 e = _mm256_add_ps(_mm256_cvtepi32_ps(exponent), one);
    const __m256 small = _mm256_cmp_ps(x, splat(0.707106781186547524f), _CMP_LT_OS);
    const __m256 tmp = _mm256_and_ps(x, small);
    x = _mm256_sub_ps(x, one);
    e = _mm256_sub_ps(e, _mm256_and_ps(one, small));
    x = _mm256_add_ps(x, tmp);
    const __m256 z = _mm256_mul_ps(x, x);
    __m256 y = _mm256_fmadd_ps(splat(7.0376836292E-2f), x, splat(-1.1514610310E-1f));
    y = _mm256_fmadd_ps(y, x, splat(1.1676998740E-1f));
    y = _mm256_fmadd_ps(y, x, splat(-1.2420140846E-1f));
    y = _mm256_fmadd_ps(y, x, splat(1.4249322787E-1f));
    y = _mm256_fmadd_ps(y, x, splat(-1.6668057665E-1f));
    y = _mm256_fmadd_ps(y, x, splat(2.0000714765E-1f));
    y = _mm256_fmadd_ps(y, x, splat(-2.4999993993E-1f));
    y = _mm256_fmadd_ps(y, x, splat(3.3333331174E-1f));
    y = _mm256_mul_ps(y, x);
    y = _mm256_fmadd_ps(y, z, _mm256_mul_ps(e, splat(-2.12194440e-4f)));
    y = _mm256_fnmadd_ps(z, splat(0.5f), y);
    x = _mm256_add_ps(x, y);
    x = _mm256_fmadd_ps(e, splat(0.693359375f), x);
    return _mm256_or_ps(x, invalid);
}

static inline KERNEL void sincos8(__m256 input, __m256 *sine, __m256 *cosine) {
    const __m256 signMask = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000));
    __m256 signSin = _mm256_and_ps(input, signMask);
    __m256 x = _mm256_andnot_ps(signMask, input);
    __m256 y = _mm256_mul_ps(x, splat(1.27323954473516f));
    __m256i j = _mm256_cvttps_epi32(y);
    j = _mm256_and_si256(_mm256_add_epi32(j, _mm256_set1_epi32(1)), _mm256_set1_epi32(~1));
    y = _mm256_cvtepi32_ps(j);
    const __m256 swapSin = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_and_si256(j, _mm256_set1_epi32(4)), 29));
    const __m256 polyMask = _mm256_castsi256_ps(
        _mm256_cmpeq_epi32(_mm256_and_si256(j, _mm256_set1_epi32(2)), _mm256_setzero_si256()));
    x = _mm256_fmadd_ps(y, splat(-0.78515625f), x);
    x = _mm256_fmadd_ps(y, splat(-2.4187564849853515625e-4f), x);
    x = _mm256_fmadd_ps(y, splat(-3.77489497744594108e-8f), x);
    const __m256 signCos = _mm256_castsi256_ps(_mm256_slli_epi32(
        _mm256_andnot_si256(_mm256_sub_epi32(j, _mm256_set1_epi32(2)), _mm256_set1_epi32(4)), 29));
    signSin = _mm256_xor_ps(signSin, swapSin);

    const __m256 z = _mm256_mul_ps(x, x);
    __m256 c = _mm256_fmadd_ps(splat(2.443315711809948E-005f), z, splat(-1.388731625493765E-003f));
    c = _mm256_fmadd_ps(c, z, splat(4.166664568298827E-002f));
    c = _mm256_mul_ps(c, z);
    c = _mm256_fmadd_ps(c, z, _mm256_xor_ps(_mm256_mul_ps(z, splat(0.5f)), signMask));
    c = _mm256_add_ps(c, splat(1.0f));
    __m256 s = _mm256_fmadd_ps(splat(-1.9515295891E-4f), z, splat(8.3321608736E-3f));
    s = _mm256_fmadd_ps(s, z, splat(-1.6666654611E-1f));
    s = _mm256_mul_ps(s, z);
    s = _mm256_fmadd_ps(s, x, x);

    const __m256 sinFromS = _mm256_and_ps(polyMask, s);
    const __m256 sinFromC = _mm256_andnot_ps(polyMask, c);
    const __m256 cosFromS = _mm256_sub_ps(s, sinFromS);
    const __m256 cosFromC = _mm256_sub_ps(c, sinFromC);
    *sine = _mm256_xor_ps(_mm256_add_ps(sinFromC, sinFromS), signSin);
    *cosine = _mm256_xor_ps(_mm256_add_ps(cosFromC, cosFromS), signCos);
}

KERNEL void grad_box_muller16_avx2(float *data, float mean, float std_dev) {
    const __m256 u1 = _mm256_sub_ps(splat(1.0f), _mm256_loadu_ps(data));
    const __m256 u2 = _mm256_loadu_ps(data + 8);
    const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(splat(-2.0f), log8(u1)));
    const __m256 theta = _mm256_mul_ps(splat((float)(2.0 * 3.14159265358979323846)), u2);
    __m256 sine, cosine;
    sincos8(theta, &sine, &cosine);
    const __m256 meanLanes = splat(mean), stdLanes = splat(std_dev);
    _mm256_storeu_ps(data, _mm256_fmadd_ps(_mm256_mul_ps(radius, cosine), stdLanes, meanLanes));
    _mm256_storeu_ps(data + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, sine), stdLanes, meanLanes));
}

#else

int grad_box_muller_avx2_available(void) { return 0; }

// Never reached: callers check grad_box_muller_avx2_available() first.
void grad_box_muller16_avx2(float *data, float mean, float std_dev) {
    (void)data; (void)mean; (void)std_dev;
    __builtin_trap();
}

#endif
