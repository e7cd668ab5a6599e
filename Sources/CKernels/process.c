// Process settings the Swift side cannot call directly: prctl is variadic, <malloc.h> is not in
// Swift's Glibc module, and a fully static build has no dynamic symbol table to look them up in.
#include "CKernels.h"

#ifdef __linux__
#include <sys/prctl.h>
#endif

int gk_die_with_parent(int signal) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
#else
    (void)signal;
    return -1;
#endif
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/// How far the heap has been advised to use huge pages; 0 until the first call records the
/// heap's end (what lies below it is small objects, already touched). A relaxed load and store:
/// two threads racing here at worst advise a range twice.
static _Atomic uintptr_t heap_advised_end;
/// The size below which blocks come from the heap, once `gk_keep_freed_memory_in_heap` set it.
static _Atomic size_t heap_block_limit;

void gk_keep_freed_memory_in_heap(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
    atomic_store_explicit(&heap_block_limit, (size_t)32 << 20, memory_order_relaxed);
#endif
    gk_advise_heap_growth();
}

void gk_advise_heap_for(size_t bytes) {
    // An allocation that grows the heap is written before any later call could advise its
    // pages. A probe block of its size (with room for the array's header) grows the heap now,
    // the growth is advised, and the probe goes back to the heap, where the allocation finds it.
    const size_t limit = atomic_load_explicit(&heap_block_limit, memory_order_relaxed);
    if (limit > 4096 && bytes < limit - 4096) {
        // Held in a volatile: a compiler may drop a malloc whose block is only freed.
        void *volatile probe = malloc(bytes + 4096);
        gk_advise_heap_growth();
        free(probe);
        return;
    }
    gk_advise_heap_growth();
}

void gk_advise_heap_growth(void) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    const uintptr_t brk_end = (uintptr_t)sbrk(0);
    uintptr_t advised = atomic_load_explicit(&heap_advised_end, memory_order_relaxed);
    if (advised == 0) {
        // From the first whole huge page above the heap as it is now (nothing below the heap).
        atomic_store_explicit(&heap_advised_end, (brk_end + huge - 1) & ~(huge - 1), memory_order_relaxed);
        return;
    }
    uintptr_t end = brk_end & ~(huge - 1);
    if (end <= advised) return;
    atomic_store_explicit(&heap_advised_end, end, memory_order_relaxed);
    // Changes nothing where transparent huge pages are off (fails with EINVAL where the kernel
    // has none).
    (void)madvise((void *)advised, end - advised, MADV_HUGEPAGE);
#endif
}
