import Glibc

/// glibc's `mallopt` (declared in <malloc.h>, which the Glibc module does not export).
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let M_TRIM_THRESHOLD: Int32 = -1, M_MMAP_THRESHOLD: Int32 = -3

// Ops allocate and free whole tensors; with glibc's defaults every buffer above 128 KiB is a
// fresh mmap that faults in page by page. Keeping freed memory in the heap makes large-tensor
// programs markedly faster (docs/benchmarks.md).
_ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
_ = mallopt(M_TRIM_THRESHOLD, 1 << 30)

exit(GradCLI.main(Array(CommandLine.arguments.dropFirst())))
