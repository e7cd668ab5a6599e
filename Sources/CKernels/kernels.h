// Internal to CKernels: the table of kernels one level provides, and the table in use.
#ifndef GRADCLI_CKERNELS_INTERNAL_H
#define GRADCLI_CKERNELS_INTERNAL_H
#include "CKernels.h"

/// Adds the product of an mr-row panel of packed A and an nr-column panel of packed B
/// (kb steps) to the rows x cols corner of C.
typedef void (*gk_micro_kernel)(long kb, const double *a, const double *b, double *c, long ldc,
                                long rows, long cols);

struct gk_table {
    gk_level level;
    void (*binary)(gk_binary_op, long, const double *, const double *, double *);
    void (*binary_scalar_right)(gk_binary_op, long, const double *, double, double *);
    void (*binary_scalar_left)(gk_binary_op, long, double, const double *, double *);
    void (*binary_rows)(gk_binary_op, long, long, const double *, long, long, const double *, long, long, double *);
    double (*sum)(long, const double *);
    void (*accumulate)(long, const double *, double *);
    int (*all_finite)(long, const double *);
    gk_micro_kernel micro_kernel;
    long mr, nr;
};

/// The kernels in use (set once at start-up by dispatch.c).
extern const struct gk_table *gk_active;

/// The table of the best supported level at or below `level`.
const struct gk_table *gk_table_for(gk_level level);

/// GEMM with the micro-kernel of `table`.
void gk_dgemm_with(const struct gk_table *table, long m, long n, long k, const double *a, long a_row, long a_col,
                   const double *b, long b_row, long b_col, double *c, long ldc, int accumulate);

#define GK_DECLARE_LEVEL(suffix)                                                                   \
    void gk_binary_##suffix(gk_binary_op, long, const double *, const double *, double *);        \
    void gk_binary_scalar_right_##suffix(gk_binary_op, long, const double *, double, double *);   \
    void gk_binary_scalar_left_##suffix(gk_binary_op, long, double, const double *, double *);    \
    void gk_binary_rows_##suffix(gk_binary_op, long, long, const double *, long, long, const double *, long, long, double *); \
    double gk_sum_##suffix(long, const double *);                                                 \
    void gk_accumulate_##suffix(long, const double *, double *);                                  \
    int gk_all_finite_##suffix(long, const double *);                                             \
    void gk_micro_kernel_##suffix(long, const double *, const double *, double *, long, long, long);

GK_DECLARE_LEVEL(baseline)
#if defined(__x86_64__)
GK_DECLARE_LEVEL(avx2)
GK_DECLARE_LEVEL(avx512)
#endif

/// Register tiles of each level's GEMM micro-kernel (rows of A x columns of B).
enum { GK_MR_BASELINE = 6, GK_NR_BASELINE = 4, GK_MR_AVX2 = 6, GK_NR_AVX2 = 8, GK_MR_AVX512 = 8, GK_NR_AVX512 = 16 };

#endif
