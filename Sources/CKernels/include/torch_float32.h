// PyTorch's float32 activations on its vectorised CPU path, bit for bit: Sleef's expf (u10,
// with fused multiply-adds, as in Sleef's AVX2 and AVX-512 builds) on whole vectors, and the
// scalar formula with the C library's expf on the elements after the last full chunk, as
// PyTorch's `vectorized_loop` does. `chunk` is the elements per vectorised step (32 for
// AVX-512, 16 for AVX2; 0: every element takes the scalar formula, PyTorch's default build).
#ifndef GRADCLI_TORCH_FLOAT32_H
#define GRADCLI_TORCH_FLOAT32_H

#ifdef __cplusplus
extern "C" {
#endif

/// Sleef_expf_u10 of one element (each vector lane computes exactly this).
float gk_sleef_expf(float x);

/// out[i] = sigmoid(x[i]) in float32: 1 / (1 + exp(-x)) (x and out hold float32 values).
void gk_sigmoid_f32(long n, const double *x, double *out, long chunk);

/// out[i] = silu(x[i]) in float32: x / (1 + exp(-x)).
void gk_silu_f32(long n, const double *x, double *out, long chunk);

#ifdef __cplusplus
}
#endif
#endif
