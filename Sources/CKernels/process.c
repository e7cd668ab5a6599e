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

void gk_keep_freed_memory_in_heap(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}
