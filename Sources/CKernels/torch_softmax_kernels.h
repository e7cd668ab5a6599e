// The body of PyTorch's softmax and log_softmax CPU kernels (SoftMaxKernel.cpp and
// LogSoftmaxKernelImpl.h), lane by lane, for one element type: included by torch_softmax_f32.c
// and torch_softmax_f64.c after they define REAL (float or double), SOFTMAX(name) (the type's
// names), FMA (its fused multiply-add), SLEEF_EXP and LIBM_EXP (the vector code's exp and the
// scalar tails'), and, for
// log_softmax and the kernels for other dimensions, SLEEF_LOG and LIBM_LOG. No include guard: each
// file includes it once.

enum { MAX_VEC = 16 };

/// `vec` lanes per vector; `sleef`: the vector code's exp and log are Sleef's; `halves`: a full
/// vector folds by halves (PyTorch's AVX2 and AVX-512 float reduction), else lane after lane.
typedef struct { long vec; int sleef; int halves; } lanes;

/// vec::maximum: NaN when either is NaN, else the larger (the second on ties, as vmaxps).
static inline REAL SOFTMAX(vmax)(REAL a, REAL b) { return isnan(a) || isnan(b) ? NAN : (a > b ? a : b); }
static inline REAL SOFTMAX(vadd)(REAL a, REAL b) { return a + b; }

static inline REAL SOFTMAX(vexp)(lanes l, REAL x) { return l.sleef ? SLEEF_EXP(x) : LIBM_EXP(x); }
#ifdef SLEEF_LOG
static inline REAL SOFTMAX(vlog)(lanes l, REAL x) { return l.sleef ? SLEEF_LOG(x) : LIBM_LOG(x); }
#endif

/// vec_reduce_all of a full accumulator: AVX2/AVX-512 float folds halves (lane j with j ^ s for
/// s = vec/2 ... 1); double, and the default build, fold lane after lane into lane 0.
static inline REAL SOFTMAX(fold)(lanes l, REAL *acc, REAL (*op)(REAL, REAL)) {
    if (!l.halves) {
        REAL r = acc[0];
        for (long i = 1; i < l.vec; i++) r = op(r, acc[i]);
        return r;
    }
    REAL next[MAX_VEC];
    for (long s = l.vec / 2; s >= 1; s /= 2) {
        for (long j = 0; j < l.vec; j++) next[j] = op(acc[j], acc[j ^ s]);
        for (long j = 0; j < l.vec; j++) acc[j] = next[j];
    }
    return acc[0];
}

/// vec::reduce_all / map_reduce_all over n values: fewer than a vector fold in sequence,
/// otherwise lane-wise over whole vectors, the tail into the first lanes, then `fold`.
static inline REAL SOFTMAX(reduce)(lanes l, const REAL *v, long n, REAL (*op)(REAL, REAL)) {
    if (n < l.vec) {
        REAL r = v[0];
        for (long i = 1; i < n; i++) r = op(r, v[i]);
        return r;
    }
    REAL acc[MAX_VEC];
    for (long j = 0; j < l.vec; j++) acc[j] = v[j];
    long d = l.vec;
    for (; d + l.vec <= n; d += l.vec)
        for (long j = 0; j < l.vec; j++) acc[j] = op(acc[j], v[d + j]);
    for (long j = 0; d + j < n; j++) acc[j] = op(acc[j], v[d + j]);
    return SOFTMAX(fold)(l, acc, op);
}

/// Σ a[i]·b[i] reduced as vec::map2_reduce_all reduces it (see `reduce`): each product rounded,
/// then added to its lane.
static inline REAL SOFTMAX(dot)(lanes l, const REAL *a, const REAL *b, long n) {
    if (n < l.vec) {
        REAL r = a[0] * b[0];
        for (long i = 1; i < n; i++) r = r + a[i] * b[i];
        return r;
    }
    REAL acc[MAX_VEC];
    for (long j = 0; j < l.vec; j++) acc[j] = a[j] * b[j];
    long d = l.vec;
    for (; d + l.vec <= n; d += l.vec)
        for (long j = 0; j < l.vec; j++) acc[j] = acc[j] + a[d + j] * b[d + j];
    for (long j = 0; d + j < n; j++) acc[j] = acc[j] + a[d + j] * b[d + j];
    return SOFTMAX(fold)(l, acc, SOFTMAX(vadd));
}

/// _vec_host_softmax_backward_lastdim over rows of `dim` values: with y the output and g the
/// incoming gradient, (g - Σ g·y) * y for softmax, g - exp(y) * Σ g for log_softmax (that product
/// fused into the subtraction when `fused`, as PyTorch's AVX2 and AVX-512 builds contract it).
static inline void SOFTMAX(backward_lastdim)(lanes l, long rows, long dim, const REAL *g, const REAL *y, REAL *out,
                                             int log_softmax, int fused) {
    for (long r = 0; r < rows; r++) {
        const REAL *gr = g + r * dim, *yr = y + r * dim;
        REAL *o = out + r * dim;
        if (log_softmax) {
            const REAL sum = SOFTMAX(reduce)(l, gr, dim, SOFTMAX(vadd));
            for (long i = 0; i < dim; i++) {
                const REAL e = SOFTMAX(vexp)(l, yr[i]);
                o[i] = fused ? FMA(-e, sum, gr[i]) : gr[i] - e * sum;
            }
        } else {
            const REAL sum = SOFTMAX(dot)(l, gr, yr, dim);
            for (long i = 0; i < dim; i++) o[i] = (gr[i] - sum) * yr[i];
        }
    }
}

/// Softmax along the last dimension of rows of `dim` values.
static inline void SOFTMAX(lastdim)(lanes l, long rows, long dim, const REAL *x, REAL *out, REAL *work, int log_softmax) {
    for (long r = 0; r < rows; r++) {
        const REAL *in = x + r * dim;
        REAL *o = out + r * dim;
        // Without a work row, the output row holds the exponentials, as PyTorch's does.
        REAL *w = work ? work : o;
        const REAL max = SOFTMAX(reduce)(l, in, dim, SOFTMAX(vmax));
        for (long i = 0; i < dim; i++) w[i] = SOFTMAX(vexp)(l, in[i] - max);
        const REAL sum = SOFTMAX(reduce)(l, w, dim, SOFTMAX(vadd));
#ifdef SLEEF_LOG
        if (log_softmax) {
            const REAL log_sum = SOFTMAX(vlog)(l, sum);
            for (long i = 0; i < dim; i++) o[i] = in[i] - max - log_sum;
            continue;
        }
#endif
        const REAL inverse = 1 / sum;
        for (long i = 0; i < dim; i++) o[i] = w[i] * inverse;
    }
}

#ifdef SLEEF_LOG
/// _vec_softmax along a dimension that is not the last: `vec` inner positions at a time from
/// the start of each inner row, the rest one by one with std::max and the C library's exp.
static inline void SOFTMAX(softmax_inner)(lanes l, long outer, long dim, long inner, const REAL *x, REAL *out) {
    for (long o = 0; o < outer; o++) {
        const long vector_end = inner / l.vec * l.vec;
        for (long j = 0; j < inner; j++) {
            const REAL *in = x + o * dim * inner + j;
            REAL *y = out + o * dim * inner + j;
            const int vector = j < vector_end;
            REAL max = in[0];
            for (long d = 1; d < dim; d++) max = vector ? SOFTMAX(vmax)(max, in[d * inner]) : (max < in[d * inner] ? in[d * inner] : max);
            REAL sum = 0;
            for (long d = 0; d < dim; d++) {
                y[d * inner] = vector ? SOFTMAX(vexp)(l, in[d * inner] - max) : LIBM_EXP(in[d * inner] - max);
                sum = sum + y[d * inner];
            }
            for (long d = 0; d < dim; d++) y[d * inner] = y[d * inner] / sum;
        }
    }
}
#endif

#ifdef SLEEF_LOG
/// serial_vec_logsoftmax_range: inner positions in blocks of about 128 KB / dim (a multiple of
/// `vec`); in each block whole vectors take Sleef's exp, the rest the C library's; the log of
/// every sum is the vector log.
static inline void SOFTMAX(log_softmax_inner)(lanes l, long outer, long dim, long inner, const REAL *x, REAL *out) {
    long chunk = 131072 / dim / (long)sizeof(REAL);
    if (chunk < l.vec) chunk = l.vec;
    chunk = chunk / l.vec * l.vec;
    if (chunk > inner) chunk = inner;
    for (long o = 0; o < outer; o++) {
        for (long start = 0; start < inner; start += chunk) {
            const long size = inner - start < chunk ? inner - start : chunk;
            const long vector_end = size - size % l.vec;
            for (long j = 0; j < size; j++) {
                const REAL *in = x + o * dim * inner + start + j;
                REAL max = -INFINITY, sum = 0;
                for (long d = 0; d < dim; d++) max = in[d * inner] > max ? in[d * inner] : max;
                for (long d = 0; d < dim; d++) sum += j < vector_end ? SOFTMAX(vexp)(l, in[d * inner] - max) : LIBM_EXP(in[d * inner] - max);
                const REAL log_sum = SOFTMAX(vlog)(l, sum);
                for (long d = 0; d < dim; d++) out[o * dim * inner + start + j + d * inner] = in[d * inner] - max - log_sum;
            }
        }
    }
}
#endif
