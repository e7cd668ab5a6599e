// Chooses the kernel table once at start-up: the best level the CPU and the operating system
// support, unless GRADCLI_CPU asks for a lower one.
#include "kernels.h"
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#define GK_TABLE(suffix, lvl, mr_, nr_)                                                            \
    { .level = lvl, .binary = gk_binary_##suffix, .binary_scalar_right = gk_binary_scalar_right_##suffix, \
      .binary_scalar_left = gk_binary_scalar_left_##suffix, .binary_rows = gk_binary_rows_##suffix, .sum = gk_sum_##suffix,               \
      .accumulate = gk_accumulate_##suffix, .all_finite = gk_all_finite_##suffix, .micro_kernel = gk_micro_kernel_##suffix, .mr = mr_, .nr = nr_ }

static const struct gk_table baseline_table = GK_TABLE(baseline, GK_LEVEL_BASELINE, GK_MR_BASELINE, GK_NR_BASELINE);
#if defined(__x86_64__)
static const struct gk_table avx2_table = GK_TABLE(avx2, GK_LEVEL_AVX2, GK_MR_AVX2, GK_NR_AVX2);
static const struct gk_table avx512_table = GK_TABLE(avx512, GK_LEVEL_AVX512, GK_MR_AVX512, GK_NR_AVX512);
#endif

const struct gk_table *gk_active = &baseline_table;

#if defined(__x86_64__)
/// The register state the operating system saves on a context switch (XCR0).
static unsigned long long os_saved_state(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif

static int cpu_has(gk_level level) {
    switch (level) {
    case GK_LEVEL_BASELINE: return 1;
#if defined(__x86_64__)
    case GK_LEVEL_AVX2:
    case GK_LEVEL_AVX512: {
        unsigned a, b, c, d;
        if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
        const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
        if (!osxsave || !avx || !fma) return 0;
        const unsigned long long xcr0 = os_saved_state();
        if ((xcr0 & 0x6) != 0x6) return 0; // XMM and YMM state
        if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
        if (level == GK_LEVEL_AVX2) return (b >> 5) & 1;
        return ((b >> 16) & 1) && (xcr0 & 0xE6) == 0xE6; // AVX-512F, opmask and ZMM state
    }
#endif
    default: return 0;
    }
}

/// The best level this machine runs, found once (cpuid is slow in a virtual machine).
static gk_level best_level(void) {
    static int best = -1;
    if (best < 0) best = cpu_has(GK_LEVEL_AVX512) ? GK_LEVEL_AVX512 : cpu_has(GK_LEVEL_AVX2) ? GK_LEVEL_AVX2 : GK_LEVEL_BASELINE;
    return (gk_level)best;
}

int gk_level_supported(gk_level level) { return level >= GK_LEVEL_BASELINE && level <= best_level(); }

gk_level gk_supported_level(gk_level level) {
    const gk_level best = best_level();
    if (level < GK_LEVEL_BASELINE) return GK_LEVEL_BASELINE;
    return level > best ? best : level;
}

const struct gk_table *gk_table_for(gk_level level) {
    switch (gk_supported_level(level)) {
#if defined(__x86_64__)
    case GK_LEVEL_AVX512: return &avx512_table;
    case GK_LEVEL_AVX2: return &avx2_table;
#endif
    default: return &baseline_table;
    }
}

gk_level gk_current_level(void) { return gk_active->level; }

const char *gk_level_name(gk_level level) {
    switch (level) {
    case GK_LEVEL_AVX2: return "avx2";
    case GK_LEVEL_AVX512: return "avx512";
    default: return "baseline";
    }
}

/// Runs before main: the choice is made once, before any kernel is called.
__attribute__((constructor)) static void gk_choose_level_at_start_up(void) {
    gk_level wanted = GK_LEVEL_AVX512;
    const char *request = getenv("GRADCLI_CPU");
    if (request) {
        if (strcmp(request, "baseline") == 0) wanted = GK_LEVEL_BASELINE;
        else if (strcmp(request, "avx2") == 0) wanted = GK_LEVEL_AVX2;
    }
    gk_active = gk_table_for(wanted);
}
