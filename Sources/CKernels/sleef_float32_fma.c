// sleef_float32.c compiled for CPUs with AVX2 and FMA, where each fmaf() is one instruction instead of a
// call into the C library, with the same bits. sleef_dispatch.c calls these only there.
#include "torch_float32.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define VARIANT(name) name##_fma
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "sleef_float32.c"
#pragma clang attribute pop
