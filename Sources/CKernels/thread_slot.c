// One pointer per thread, read with a plain thread-local load: Autograd keeps each thread's
// settings behind it, and every op reads them (pthread_getspecific costs a call and a lookup).
#include "CKernels.h"

static _Thread_local void *thread_slot;

void *gk_thread_slot(void) { return thread_slot; }

void gk_set_thread_slot(void *pointer) { thread_slot = pointer; }
