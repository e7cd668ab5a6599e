// gradcli's numeric kernels in C: float64 GEMM, elementwise arithmetic and sums, each with
// a portable baseline and, on x86-64, AVX2+FMA and AVX-512 versions chosen once at start-up
// from the CPU (see dispatch.c). Nothing here allocates Swift objects or throws; callers check
// shapes and sizes before calling. box_muller.h adds PyTorch's float32 normal transform.
#ifndef GRADCLI_CKERNELS_H
#define GRADCLI_CKERNELS_H

#include <stddef.h>

#include "box_muller.h"
#include "torch_float32.h"
#include "torch_float64.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The calling thread's slot (NULL until set): Autograd's per-thread state.
void *gk_thread_slot(void);
/// Sets the calling thread's slot. The owner frees what it points to (a pthread key's destructor).
void gk_set_thread_slot(void *pointer);

/// Has the kernel send `signal` to the calling process when its parent dies (Linux's
/// PR_SET_PDEATHSIG); 0 on success, -1 where that is not available.
int gk_die_with_parent(int signal);
/// Keeps freed memory in glibc's heap: blocks up to 32 MiB come from the heap rather than a
/// fresh mmap, the heap is trimmed only above 1 GiB, and it grows 64 MiB beyond each request,
/// slack that `gk_advise_heap_growth` lets large tensors take huge pages from (glibc only).
void gk_keep_freed_memory_in_heap(void);
/// Advises the heap grown since the last call (in whole 2 MiB pages) to use transparent huge
/// pages. A tensor is written right after it is allocated: on 4 KiB pages a 20 MB result costs
/// 5,000 page faults, as long as the arithmetic; huge pages take 512 times fewer. Autograd calls
/// it before each large allocation, so the growth earlier ones made, with its slack, is advised
/// before later tensors are carved from it; where huge pages are off it changes nothing.
void gk_advise_heap_growth(void);
/// `gk_advise_heap_growth` for an allocation of `bytes` about to be made: once freed memory stays
/// in the heap (`gk_keep_freed_memory_in_heap`), the heap is first grown for it, if it must grow,
/// so that its growth is advised before the allocation's pages are written.
void gk_advise_heap_for(size_t bytes);

/// The instruction-set levels a kernel table exists for.
typedef enum {
    GK_LEVEL_BASELINE = 0, ///< portable C: SSE2 on x86-64, NEON on aarch64
    GK_LEVEL_AVX2 = 1,     ///< x86-64 with AVX2 and FMA
    GK_LEVEL_AVX512 = 2,   ///< x86-64 with AVX-512F
} gk_level;

/// The level the kernels run at: the best the CPU supports, lowered by the environment
/// variable GRADCLI_CPU (`baseline`, `avx2`, `avx512`), read once at start-up.
gk_level gk_current_level(void);

/// The level's name: "baseline", "avx2" or "avx512".
const char *gk_level_name(gk_level level);

/// True when this CPU (and its operating system) can run `level`.
int gk_level_supported(gk_level level);

/// The best supported level at or below `level`.
gk_level gk_supported_level(gk_level level);

/// Elementwise binary operators with a kernel.
typedef enum { GK_ADD = 0, GK_SUB = 1, GK_MUL = 2, GK_DIV = 3 } gk_binary_op;

/// out[i] = a[i] op b[i] for i < n. `out` may alias `a` or `b`.
void gk_binary(gk_binary_op op, long n, const double *a, const double *b, double *out);
/// out[i] = a[i] op s.
void gk_binary_scalar_right(gk_binary_op op, long n, const double *a, double s, double *out);
/// out[i] = s op b[i].
void gk_binary_scalar_left(gk_binary_op op, long n, double s, const double *b, double *out);

/// rows x cols results of `op`, row-major in out: row r of a starts at a + r * a_row, and within
/// a row a advances by a_col, which is 1 or 0 (its first element repeated); b likewise. out
/// overlaps neither operand.
void gk_binary_rows(gk_binary_op op, long rows, long cols, const double *a, long a_row, long a_col,
                    const double *b, long b_row, long b_col, double *out);
/// The sum of x[0..<n]. Below 32 elements it adds in order from 0.0; above, in 16 interleaved
/// partial sums combined in a fixed order, so every level gives the same bits.
double gk_sum(long n, const double *x);
/// acc[i] += x[i] for i < n (folding a row into column sums; the order of each sum is kept).
void gk_accumulate(long n, const double *x, double *acc);
/// 1 when no element of x[0..<n] is NaN or infinite, else 0.
int gk_all_finite(long n, const double *x);

/// C (m x n, row-major, leading dimension ldc) = A B, or C += A B when `accumulate`.
/// Element (i, p) of A is a[i * a_row + p * a_col], element (p, j) of B is b[p * b_row + j * b_col],
/// so transposed operands need no copy. Blocked and packed; the micro-kernel depends on the level
/// (the AVX2 and AVX-512 ones use fused multiply-add, the baseline separate multiply and add).
void gk_dgemm(long m, long n, long k,
              const double *a, long a_row, long a_col,
              const double *b, long b_row, long b_col,
              double *c, long ldc, int accumulate);

// The same kernels at a given level rather than the one in use (lowered to the best supported
// level), so tests can compare the levels in one process without switching the shared choice.
void gk_binary_at(gk_level level, gk_binary_op op, long n, const double *a, const double *b, double *out);
void gk_binary_scalar_right_at(gk_level level, gk_binary_op op, long n, const double *a, double s, double *out);
void gk_binary_scalar_left_at(gk_level level, gk_binary_op op, long n, double s, const double *b, double *out);
void gk_binary_rows_at(gk_level level, gk_binary_op op, long rows, long cols, const double *a, long a_row, long a_col,
                       const double *b, long b_row, long b_col, double *out);
double gk_sum_at(gk_level level, long n, const double *x);
void gk_accumulate_at(gk_level level, long n, const double *x, double *acc);
int gk_all_finite_at(gk_level level, long n, const double *x);
void gk_dgemm_at(gk_level level, long m, long n, long k,
                 const double *a, long a_row, long a_col,
                 const double *b, long b_row, long b_col,
                 double *c, long ldc, int accumulate);

#ifdef __cplusplus
}
#endif
#endif
