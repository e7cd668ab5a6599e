// Process control the Swift side cannot call directly: prctl is variadic, and a fully static
// build has no dynamic symbol table to look it up in.
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
