// Benchmark harness for scripts/bench_random.sh: compiled into one module with Autograd's
// sources, it times `randn(1000, 1000)` (the fill of the thread's generator, as the factory
// does it) in float32 and float64 and prints `key=value` lines, medians in milliseconds.
// Usage: bench_random [--runs N]
import Glibc

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

let arguments = Array(CommandLine.arguments.dropFirst())
let runs = arguments.firstIndex(of: "--runs").flatMap { Int(arguments[$0 + 1]) } ?? 21
manualSeed(0)
for dtype in [DType.float32, .float64] {
    var times: [Double] = []
    var checksum = 0.0
    for _ in 0..<runs {
        let start = now()
        let t = try Variable.randn([1000, 1000], dtype: dtype)
        times.append(now() - start)
        checksum += t.value.data[999_999]
    }
    print("swift_randn_1000x1000_\(dtype.rawValue)_ms=\(times.sorted()[runs / 2] * 1e3)")
    print("swift_checksum_\(dtype.rawValue)=\(checksum)")
}
