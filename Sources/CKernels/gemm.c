// Float64 GEMM in the BLIS/GotoBLAS scheme: B is packed into panels of nr columns that stay in
// L1/L2, A into panels of mr rows, and a register-tiled micro-kernel multiplies one pair of
// panels. The driver is shared; the level's table supplies the micro-kernel and its tile size.
// Every level sums each element of C over k in the same order (blocks of KC, in order), so the
// levels differ only in rounding: the AVX2 and AVX-512 kernels fuse each multiply-add.
#pragma STDC FP_CONTRACT OFF
#include "kernels.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Block sizes: a KC x nr panel of B stays in L1, an MC x KC block of A in L2 (MC is a
/// multiple of every level's mr), NC columns of B per packing.
enum { KC = 256, MC = 96, NC = 2048 };

/// Adds a finished tile (row stride `width`) to the rows x cols corner of C.
static inline __attribute__((always_inline)) void add_tile(double *c, long ldc, long rows, long cols,
                                                           const double *tile, long width) {
    for (long i = 0; i < rows; i++)
        for (long j = 0; j < cols; j++) c[i * ldc + j] += tile[i * width + j];
}

// MARK: micro-kernels

/// Baseline: a 6x4 tile in twelve two-lane vectors (SSE2 registers on x86-64, NEON on aarch64),
/// separate multiply and add.
typedef double gk_v2 __attribute__((vector_size(16)));

void gk_micro_kernel_baseline(long kb, const double *a, const double *b, double *c, long ldc, long rows, long cols) {
    gk_v2 c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0};
    gk_v2 c30 = {0}, c31 = {0}, c40 = {0}, c41 = {0}, c50 = {0}, c51 = {0};
    for (long p = 0; p < kb; p++) {
        gk_v2 b0, b1, x;
        memcpy(&b0, b, sizeof b0);
        memcpy(&b1, b + 2, sizeof b1);
#define GK_ROW(i, lo, hi) x = (gk_v2){a[i], a[i]}; lo += x * b0; hi += x * b1;
        GK_ROW(0, c00, c01) GK_ROW(1, c10, c11) GK_ROW(2, c20, c21)
        GK_ROW(3, c30, c31) GK_ROW(4, c40, c41) GK_ROW(5, c50, c51)
#undef GK_ROW
        a += GK_MR_BASELINE;
        b += GK_NR_BASELINE;
    }
    double tile[GK_MR_BASELINE * GK_NR_BASELINE];
    const gk_v2 rows_[] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    memcpy(tile, rows_, sizeof tile);
    add_tile(c, ldc, rows, cols, tile, GK_NR_BASELINE);
}

#if defined(__x86_64__)
/// AVX2: a 6x8 tile in twelve 4-lane registers, fused multiply-add.
__attribute__((target("avx2,fma")))
void gk_micro_kernel_avx2(long kb, const double *a, const double *b, double *c, long ldc, long rows, long cols) {
    __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (long p = 0; p < kb; p++) {
        const __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4);
        __m256d x;
#define GK_ROW(i, lo, hi) x = _mm256_broadcast_sd(a + i); lo = _mm256_fmadd_pd(x, b0, lo); hi = _mm256_fmadd_pd(x, b1, hi);
        GK_ROW(0, c00, c01) GK_ROW(1, c10, c11) GK_ROW(2, c20, c21)
        GK_ROW(3, c30, c31) GK_ROW(4, c40, c41) GK_ROW(5, c50, c51)
#undef GK_ROW
        a += GK_MR_AVX2;
        b += GK_NR_AVX2;
    }
    if (rows == GK_MR_AVX2 && cols == GK_NR_AVX2) {
#define GK_STORE(i, lo, hi) \
        _mm256_storeu_pd(c + i * ldc, _mm256_add_pd(_mm256_loadu_pd(c + i * ldc), lo)); \
        _mm256_storeu_pd(c + i * ldc + 4, _mm256_add_pd(_mm256_loadu_pd(c + i * ldc + 4), hi));
        GK_STORE(0, c00, c01) GK_STORE(1, c10, c11) GK_STORE(2, c20, c21)
        GK_STORE(3, c30, c31) GK_STORE(4, c40, c41) GK_STORE(5, c50, c51)
#undef GK_STORE
        return;
    }
    double tile[GK_MR_AVX2 * GK_NR_AVX2];
    const __m256d all[] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    for (int i = 0; i < 12; i++) _mm256_storeu_pd(tile + 4 * i, all[i]);
    add_tile(c, ldc, rows, cols, tile, GK_NR_AVX2);
}

/// AVX-512: an 8x16 tile in sixteen 8-lane registers, fused multiply-add.
__attribute__((target("avx512f")))
void gk_micro_kernel_avx512(long kb, const double *a, const double *b, double *c, long ldc, long rows, long cols) {
    __m512d c00 = _mm512_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512d c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (long p = 0; p < kb; p++) {
        const __m512d b0 = _mm512_loadu_pd(b), b1 = _mm512_loadu_pd(b + 8);
        __m512d x;
#define GK_ROW(i, lo, hi) x = _mm512_set1_pd(a[i]); lo = _mm512_fmadd_pd(x, b0, lo); hi = _mm512_fmadd_pd(x, b1, hi);
        GK_ROW(0, c00, c01) GK_ROW(1, c10, c11) GK_ROW(2, c20, c21) GK_ROW(3, c30, c31)
        GK_ROW(4, c40, c41) GK_ROW(5, c50, c51) GK_ROW(6, c60, c61) GK_ROW(7, c70, c71)
#undef GK_ROW
        a += GK_MR_AVX512;
        b += GK_NR_AVX512;
    }
    if (rows == GK_MR_AVX512 && cols == GK_NR_AVX512) {
#define GK_STORE(i, lo, hi) \
        _mm512_storeu_pd(c + i * ldc, _mm512_add_pd(_mm512_loadu_pd(c + i * ldc), lo)); \
        _mm512_storeu_pd(c + i * ldc + 8, _mm512_add_pd(_mm512_loadu_pd(c + i * ldc + 8), hi));
        GK_STORE(0, c00, c01) GK_STORE(1, c10, c11) GK_STORE(2, c20, c21) GK_STORE(3, c30, c31)
        GK_STORE(4, c40, c41) GK_STORE(5, c50, c51) GK_STORE(6, c60, c61) GK_STORE(7, c70, c71)
#undef GK_STORE
        return;
    }
    double tile[GK_MR_AVX512 * GK_NR_AVX512];
    const __m512d all[] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71};
    for (int i = 0; i < 16; i++) _mm512_storeu_pd(tile + 8 * i, all[i]);
    add_tile(c, ldc, rows, cols, tile, GK_NR_AVX512);
}
#endif

// MARK: packing

/// Rows r0..<r0+count x columns c0..<c0+kb of A as mr-row panels, each stored column by column
/// (mr values per step of k), the last panel padded with zeros.
static void pack_a(const double *a, long a_row, long a_col, long r0, long count, long c0, long kb,
                   long mr, double *out) {
    for (long ir = 0; ir < count; ir += mr) {
        const long rows = count - ir < mr ? count - ir : mr;
        const double *origin = a + (r0 + ir) * a_row + c0 * a_col;
        for (long p = 0; p < kb; p++) {
            const double *column = origin + p * a_col;
            long i = 0;
            for (; i < rows; i++) out[i] = column[i * a_row];
            for (; i < mr; i++) out[i] = 0;
            out += mr;
        }
    }
}

/// Rows r0..<r0+kb x columns c0..<c0+count of B as nr-column panels, each stored row by row
/// (nr values per step of k), the last panel padded with zeros.
static void pack_b(const double *b, long b_row, long b_col, long r0, long kb, long c0, long count,
                   long nr, double *out) {
    for (long jr = 0; jr < count; jr += nr) {
        const long cols = count - jr < nr ? count - jr : nr;
        const double *origin = b + r0 * b_row + (c0 + jr) * b_col;
        for (long p = 0; p < kb; p++) {
            const double *row = origin + p * b_row;
            if (cols == nr && b_col == 1) {
                memcpy(out, row, (size_t)nr * sizeof(double));
            } else {
                long j = 0;
                for (; j < cols; j++) out[j] = row[j * b_col];
                for (; j < nr; j++) out[j] = 0;
            }
            out += nr;
        }
    }
}

// MARK: driver

/// C += A B by the textbook loop, the innermost loop walking a row of C; each element of C is
/// summed over k in order. A matrix-vector product keeps four rows' sums in flight at once.
static void multiply_small(long m, long n, long k, const double *a, long a_row, long a_col,
                           const double *b, long b_row, long b_col, double *c, long ldc) {
    if (n == 1) {
        long i = 0;
        for (; i + 4 <= m; i += 4) {
            const double *a0 = a + i * a_row, *a1 = a0 + a_row, *a2 = a1 + a_row, *a3 = a2 + a_row;
            double s0 = c[i * ldc], s1 = c[(i + 1) * ldc], s2 = c[(i + 2) * ldc], s3 = c[(i + 3) * ldc];
            for (long p = 0; p < k; p++) {
                const double x = b[p * b_row];
                s0 += a0[p * a_col] * x;
                s1 += a1[p * a_col] * x;
                s2 += a2[p * a_col] * x;
                s3 += a3[p * a_col] * x;
            }
            c[i * ldc] = s0; c[(i + 1) * ldc] = s1; c[(i + 2) * ldc] = s2; c[(i + 3) * ldc] = s3;
        }
        for (; i < m; i++) {
            double s = c[i * ldc];
            for (long p = 0; p < k; p++) s += a[i * a_row + p * a_col] * b[p * b_row];
            c[i * ldc] = s;
        }
        return;
    }
    for (long i = 0; i < m; i++) {
        double *row = c + i * ldc;
        for (long p = 0; p < k; p++) {
            const double x = a[i * a_row + p * a_col];
            const double *pb = b + p * b_row;
            if (b_col == 1) {
                for (long j = 0; j < n; j++) row[j] += x * pb[j];
            } else {
                for (long j = 0; j < n; j++) row[j] += x * pb[j * b_col];
            }
        }
    }
}

/// A 64-byte aligned block of `count` doubles, or NULL.
static double *allocate_panel(long count) {
    size_t bytes = (size_t)count * sizeof(double);
    bytes = (bytes + 63) & ~(size_t)63;
    return aligned_alloc(64, bytes);
}

void gk_dgemm(long m, long n, long k, const double *a, long a_row, long a_col,
              const double *b, long b_row, long b_col, double *c, long ldc, int accumulate) {
    gk_dgemm_with(gk_active, m, n, k, a, a_row, a_col, b, b_row, b_col, c, ldc, accumulate);
}

void gk_dgemm_at(gk_level level, long m, long n, long k, const double *a, long a_row, long a_col,
                 const double *b, long b_row, long b_col, double *c, long ldc, int accumulate) {
    gk_dgemm_with(gk_table_for(level), m, n, k, a, a_row, a_col, b, b_row, b_col, c, ldc, accumulate);
}

void gk_dgemm_with(const struct gk_table *t, long m, long n, long k, const double *a, long a_row, long a_col,
                   const double *b, long b_row, long b_col, double *c, long ldc, int accumulate) {
    if (!accumulate)
        for (long i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(double));
    if (m == 0 || n == 0 || k == 0) return;
    // Packing costs O(mk + kn); below this much work the plain loop wins.
    if (m * n * k <= 32 * 32 * 32 || m < 2 || n < 2) {
        multiply_small(m, n, k, a, a_row, a_col, b, b_row, b_col, c, ldc);
        return;
    }
    const long mr = t->mr, nr = t->nr;
    const long nb_max = n < NC ? n : NC;
    double *pack_of_a = allocate_panel(MC * KC);
    double *pack_of_b = allocate_panel(KC * (nb_max + nr));
    if (!pack_of_a || !pack_of_b) {
        free(pack_of_a);
        free(pack_of_b);
        multiply_small(m, n, k, a, a_row, a_col, b, b_row, b_col, c, ldc);
        return;
    }
    for (long jc = 0; jc < n; jc += NC) {
        const long nb = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            const long kb = k - pc < KC ? k - pc : KC;
            pack_b(b, b_row, b_col, pc, kb, jc, nb, nr, pack_of_b);
            for (long ic = 0; ic < m; ic += MC) {
                const long mb = m - ic < MC ? m - ic : MC;
                pack_a(a, a_row, a_col, ic, mb, pc, kb, mr, pack_of_a);
                for (long jr = 0; jr < nb; jr += nr) {
                    const double *panel_b = pack_of_b + jr * kb;
                    const long cols = nb - jr < nr ? nb - jr : nr;
                    for (long ir = 0; ir < mb; ir += mr) {
                        const long rows = mb - ir < mr ? mb - ir : mr;
                        t->micro_kernel(kb, pack_of_a + ir * kb, panel_b, c + (ic + ir) * ldc + jc + jr, ldc, rows, cols);
                    }
                }
            }
        }
    }
    free(pack_of_a);
    free(pack_of_b);
}
