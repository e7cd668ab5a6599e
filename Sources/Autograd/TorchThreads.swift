import Glibc

/// How PyTorch's CPU kernels split work across their threads, where the split changes the
/// result's bits: a full reduction above the parallel grain (`at::internal::GRAIN_SIZE`, 32768
/// elements) sums one part per thread (`two_pass_reduction`), then adds the parts' sums.
public enum TorchThreads {
    /// PyTorch's parallel grain.
    public static let grain = 32768

    /// `torch.get_num_threads()`'s default: the number of physical cores, or fewer when
    /// `OMP_NUM_THREADS` (overridden by `MKL_NUM_THREADS`) asks for fewer, as PyTorch 2.13
    /// reads them (measured: a larger value gives the number of cores).
    public static let count: Int = {
        let cores = physicalCores()
        var threads = cores
        for name in ["OMP_NUM_THREADS", "MKL_NUM_THREADS"] {
            if let text = getenv(name).map({ String(cString: $0) }), let n = Int(text), n > 0 { threads = Swift.min(n, cores) }
        }
        return threads
    }()

    /// True when `parts(of: n)` gives more than one part: more than a grain, more than one thread.
    @inline(__always)
    public static func splits(_ n: Int) -> Bool { n > grain && count > 1 }

    /// The parts `at::parallel_for(0, n, grain)` gives its threads: at most one per grain, of
    /// `ceil(n / parts)` elements each (the last one shorter).
    public static func parts(of n: Int) -> [Range<Int>] {
        guard splits(n) else { return [0..<n] }
        let parts = Swift.min(count, (n + grain - 1) / grain)
        let size = (n + parts - 1) / parts
        return stride(from: 0, to: n, by: size).map { $0..<Swift.min(n, $0 + size) }
    }

    /// The distinct sets of hardware threads that share a core, as cpuinfo counts cores;
    /// the online processors when the topology cannot be read.
    private static func physicalCores() -> Int {
        let processors = Swift.max(1, sysconf(Int32(_SC_NPROCESSORS_CONF)))
        var cores = Set<String>()
        for cpu in 0..<processors {
            guard let file = fopen("/sys/devices/system/cpu/cpu\(cpu)/topology/thread_siblings_list", "r") else { continue }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            if fgets(&line, Int32(line.count), file) != nil { cores.insert(String(cString: line)) }
        }
        return cores.isEmpty ? Swift.max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) : cores.count
    }
}
