import CKernels
import Glibc

// Ops allocate and free whole tensors; with glibc's defaults every buffer above 128 KiB is a
// fresh mmap that faults in page by page. Keeping freed memory in the heap, and letting large
// tensors take huge pages from its growth, makes large-tensor programs markedly faster
// (docs/benchmarks.md).
gk_keep_freed_memory_in_heap()
exit(GradCLI.main(Array(CommandLine.arguments.dropFirst())))
