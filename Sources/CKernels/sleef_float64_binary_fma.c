// sleef_float64_binary.c compiled for CPUs with AVX2 and FMA (each fma() one instruction), with
// the same bits. sleef_dispatch.c calls these only there.
#include "torch_float64.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define VARIANT(name) name##_fma
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "sleef_float64_binary.c"
#pragma clang attribute pop
