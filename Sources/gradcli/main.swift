import Glibc

/// Ops allocate and free whole tensors; with glibc's defaults every buffer above 128 KiB is a
/// fresh mmap that faults in page by page. Keeping freed memory in the heap makes large-tensor
/// programs markedly faster (docs/benchmarks.md). `mallopt` is looked up at run time because
/// <malloc.h> is not part of Swift's Glibc module.
func keepFreedMemoryInHeap() {
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(nil, "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    _ = mallopt(mmapThreshold, 32 << 20)
    _ = mallopt(trimThreshold, 1 << 30)
}

keepFreedMemoryInHeap()
exit(GradCLI.main(Array(CommandLine.arguments.dropFirst())))
