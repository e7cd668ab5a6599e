#ifndef GRADCLI_BOX_MULLER_H
#define GRADCLI_BOX_MULLER_H

/// True (1) when this CPU runs AVX2 and FMA, so `grad_box_muller16_avx2` may be called.
int grad_box_muller_avx2_available(void);

/// Transforms the 16 float uniforms at `data` into 8 normal pairs in place, with the same
/// instructions PyTorch's AVX2 normal kernel executes (see Random/AVXMathFun.swift, whose
/// portable version gives the same bits). Call only when `grad_box_muller_avx2_available()`.
void grad_box_muller16_avx2(float *data, float mean, float std_dev);

#endif
