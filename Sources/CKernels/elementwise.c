// Elementwise arithmetic and sums. One body per kernel, compiled once per level: the bodies use
// only IEEE operations that vectorise without changing any rounding (no contraction into fused
// multiply-add, and sums in a fixed association), so every level gives the same bits.
#pragma STDC FP_CONTRACT OFF
#include "kernels.h"
#include <string.h>

#define GK_INLINE static inline __attribute__((always_inline))

/// Eight doubles as one value: the compiler lowers it to four SSE2, two AVX or one AVX-512
/// register, with the same lanewise arithmetic in each case.
typedef double gk_v8 __attribute__((vector_size(64)));
/// Four doubles: two SSE2 registers or one AVX register.
typedef double gk_v4 __attribute__((vector_size(32)));

#define GK_BINARY_LOOP()                                                                       \
    switch (op) {                                                                                  \
    case GK_ADD: { for (long i = 0; i < n; i++) { const double l = LHS, r = RHS; out[i] = l + r; } break; } \
    case GK_SUB: { for (long i = 0; i < n; i++) { const double l = LHS, r = RHS; out[i] = l - r; } break; } \
    case GK_MUL: { for (long i = 0; i < n; i++) { const double l = LHS, r = RHS; out[i] = l * r; } break; } \
    case GK_DIV: { for (long i = 0; i < n; i++) { const double l = LHS, r = RHS; out[i] = l / r; } break; } \
    }

GK_INLINE void binary_body(gk_binary_op op, long n, const double *a, const double *b, double *out) {
#define LHS a[i]
#define RHS b[i]
    GK_BINARY_LOOP()
#undef LHS
#undef RHS
}

GK_INLINE void binary_scalar_right_body(gk_binary_op op, long n, const double *a, double s, double *out) {
#define LHS a[i]
#define RHS s
    GK_BINARY_LOOP()
#undef LHS
#undef RHS
}

GK_INLINE void binary_scalar_left_body(gk_binary_op op, long n, double s, const double *b, double *out) {
#define LHS s
#define RHS b[i]
    GK_BINARY_LOOP()
#undef LHS
#undef RHS
}

/// `rows` rows of `cols` results, row r of each operand starting `a_row` (`b_row`) elements after
/// row r - 1; within a row an operand advances by 1 or repeats its first element (a column
/// step of 0). Broadcasting of short rows (`x[:, None, :] - mu[None]`) in one call.
GK_INLINE void binary_rows_body(gk_binary_op op, long rows, long cols, const double *a, long a_row, long a_col,
                                const double *b, long b_row, long b_col, double *out) {
    if (a_col && b_col) {
        // Both operands advance (the common broadcast): the op chosen once, not per row, and
        // each row as 4-wide vectors then single elements, so that a short row (10 elements,
        // say) costs a few instructions rather than the setup of a general vector loop.
#define GK_ROWS_LOOP(OP)                                                                           \
        for (long r = 0; r < rows; r++) {                                                          \
            const double *ar = a + r * a_row, *br = b + r * b_row;                                 \
            double *o = out + r * cols;                                                            \
            long c = 0;                                                                            \
            _Pragma("clang loop unroll(disable)")                                                 \
            for (; c + 4 <= cols; c += 4) {                                                        \
                gk_v4 l, rr;                                                                       \
                memcpy(&l, ar + c, sizeof l);                                                      \
                memcpy(&rr, br + c, sizeof rr);                                                    \
                const gk_v4 v = l OP rr;                                                           \
                memcpy(o + c, &v, sizeof v);                                                       \
            }                                                                                      \
            _Pragma("clang loop vectorize(disable) unroll(disable)")                              \
            for (; c < cols; c++) o[c] = ar[c] OP br[c];                                           \
        }
        switch (op) {
        case GK_ADD: GK_ROWS_LOOP(+) break;
        case GK_SUB: GK_ROWS_LOOP(-) break;
        case GK_MUL: GK_ROWS_LOOP(*) break;
        case GK_DIV: GK_ROWS_LOOP(/) break;
        }
#undef GK_ROWS_LOOP
        return;
    }
    for (long r = 0; r < rows; r++) {
        const double *ar = a + r * a_row, *br = b + r * b_row;
        double *o = out + r * cols;
        if (a_col) binary_scalar_right_body(op, cols, ar, br[0], o);
        else if (b_col) binary_scalar_left_body(op, cols, ar[0], br, o);
        else {
            binary_body(op, cols > 0 ? 1 : 0, ar, br, o);
            for (long c = 1; c < cols; c++) o[c] = o[0];
        }
    }
}

GK_INLINE double sum_body(long n, const double *x) {
    double total = 0.0;
    if (n < 32) {
        for (long i = 0; i < n; i++) total += x[i];
        return total;
    }
    // 16 partial sums (two vectors of eight), element i going to partial i mod 16.
    gk_v8 s0 = {0}, s1 = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        gk_v8 v0, v1;
        memcpy(&v0, x + i, sizeof v0);
        memcpy(&v1, x + i + 8, sizeof v1);
        s0 += v0;
        s1 += v1;
    }
    for (; i < n; i++) total += x[i];
    const gk_v8 s = s0 + s1;
    return (((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]))) + total;
}

GK_INLINE void accumulate_body(long n, const double *x, double *acc) {
    for (long i = 0; i < n; i++) acc[i] += x[i];
}

/// 1 when no element is NaN or infinite. x * 0 is zero for every finite x and NaN otherwise,
/// so a block's sum of them is NaN exactly when the block holds a non-finite element. Blocks of
/// 1024, eight lanes at a time, stopping at the first block with one.
GK_INLINE int all_finite_body(long n, const double *x) {
    for (long start = 0; start < n; start += 1024) {
        const long end = n - start < 1024 ? n : start + 1024;
        gk_v8 lanes = {0};
        long i = start;
        for (; i + 8 <= end; i += 8) {
            gk_v8 v;
            memcpy(&v, x + i, sizeof v);
            lanes += v * 0.0;
        }
        double total = 0.0;
        for (; i < end; i++) total += x[i] * 0.0;
        for (int lane = 0; lane < 8; lane++) total += lanes[lane];
        if (total != total) return 0;
    }
    return 1;
}

#define GK_DEFINE_ELEMENTWISE(suffix, ATTRIBUTES)                                                 \
    ATTRIBUTES void gk_binary_##suffix(gk_binary_op op, long n, const double *a, const double *b, double *out) { \
        binary_body(op, n, a, b, out);                                                            \
    }                                                                                             \
    ATTRIBUTES void gk_binary_scalar_right_##suffix(gk_binary_op op, long n, const double *a, double s, double *out) { \
        binary_scalar_right_body(op, n, a, s, out);                                               \
    }                                                                                             \
    ATTRIBUTES void gk_binary_scalar_left_##suffix(gk_binary_op op, long n, double s, const double *b, double *out) { \
        binary_scalar_left_body(op, n, s, b, out);                                                \
    }                                                                                             \
    ATTRIBUTES void gk_binary_rows_##suffix(gk_binary_op op, long rows, long cols, const double *a, long a_row, long a_col, \
                                            const double *b, long b_row, long b_col, double *out) { \
        binary_rows_body(op, rows, cols, a, a_row, a_col, b, b_row, b_col, out);                  \
    }                                                                                             \
    ATTRIBUTES double gk_sum_##suffix(long n, const double *x) { return sum_body(n, x); }        \
    ATTRIBUTES void gk_accumulate_##suffix(long n, const double *x, double *acc) { accumulate_body(n, x, acc); } \
    ATTRIBUTES int gk_all_finite_##suffix(long n, const double *x) { return all_finite_body(n, x); }

GK_DEFINE_ELEMENTWISE(baseline, )
#if defined(__x86_64__)
GK_DEFINE_ELEMENTWISE(avx2, __attribute__((target("avx2,fma"))))
GK_DEFINE_ELEMENTWISE(avx512, __attribute__((target("avx512f"))))
#endif

// The public entry points call the table chosen at start-up.
void gk_binary(gk_binary_op op, long n, const double *a, const double *b, double *out) { gk_active->binary(op, n, a, b, out); }
void gk_binary_scalar_right(gk_binary_op op, long n, const double *a, double s, double *out) { gk_active->binary_scalar_right(op, n, a, s, out); }
void gk_binary_scalar_left(gk_binary_op op, long n, double s, const double *b, double *out) { gk_active->binary_scalar_left(op, n, s, b, out); }
void gk_binary_rows(gk_binary_op op, long rows, long cols, const double *a, long a_row, long a_col,
                    const double *b, long b_row, long b_col, double *out) {
    gk_active->binary_rows(op, rows, cols, a, a_row, a_col, b, b_row, b_col, out);
}
double gk_sum(long n, const double *x) { return gk_active->sum(n, x); }
void gk_accumulate(long n, const double *x, double *acc) { gk_active->accumulate(n, x, acc); }
int gk_all_finite(long n, const double *x) { return gk_active->all_finite(n, x); }

void gk_binary_at(gk_level level, gk_binary_op op, long n, const double *a, const double *b, double *out) { gk_table_for(level)->binary(op, n, a, b, out); }
void gk_binary_scalar_right_at(gk_level level, gk_binary_op op, long n, const double *a, double s, double *out) { gk_table_for(level)->binary_scalar_right(op, n, a, s, out); }
void gk_binary_scalar_left_at(gk_level level, gk_binary_op op, long n, double s, const double *b, double *out) { gk_table_for(level)->binary_scalar_left(op, n, s, b, out); }
void gk_binary_rows_at(gk_level level, gk_binary_op op, long rows, long cols, const double *a, long a_row, long a_col,
                       const double *b, long b_row, long b_col, double *out) {
    gk_table_for(level)->binary_rows(op, rows, cols, a, a_row, a_col, b, b_row, b_col, out);
}
double gk_sum_at(gk_level level, long n, const double *x) { return gk_table_for(level)->sum(n, x); }
void gk_accumulate_at(gk_level level, long n, const double *x, double *acc) { gk_table_for(level)->accumulate(n, x, acc); }
int gk_all_finite_at(gk_level level, long n, const double *x) { return gk_table_for(level)->all_finite(n, x); }
