// Benchmark harness for scripts/bench.sh (items 3 and 4): compiled into one module with
// Autograd's sources, so it can reach the internal GEMM. Prints `key=value` lines, times in
// milliseconds as medians. Usage: bench_core [chain|matmul|all] [--runs N] [--n N] [--size N]
// [--cli-heap]; --cli-heap makes the heap settings the gradcli command makes at start-up (the
// library alone leaves malloc as it is).
import CKernels
import Glibc

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func median(_ times: [Double]) -> Double { times.sorted()[times.count / 2] * 1e3 }

func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = now()
        try body()
        times.append(now() - start)
    }
    return median(times)
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, _ fallback: Int) -> Int {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return fallback }
    return n
}
if arguments.contains("--cli-heap") { gk_keep_freed_memory_in_heap() }
let which = arguments.first.flatMap { $0.hasPrefix("--") ? nil : $0 } ?? "all"
let runs = option("--runs", 11)
var generator = RandomGenerator(seed: 1)
func random(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in generator.nextNormal() })
}

// Item 3: a 12-op elementwise chain, then sum. scripts/bench_torch.py builds the same chain.
//   sum(sigmoid(tanh(sin(x)*x + exp(-x)) * x - sqrt(x*x + 1)))
func chain(_ x: Variable) throws -> Variable {
    let a = try x.sin() * x
    let b = try (-x).exp()
    let c = try (a + b).tanh() * x
    let d = try (x * x + 1).sqrt()
    return try (c - d).sigmoid().sum()
}

if which == "chain" || which == "all" {
    let size = option("--size", 1_000_000)
    let x = Variable(random([size]), requiresGrad: true)
    try chain(x).backward()  // warm-up: first-touch page faults of the allocator
    let forward = try median(runs) { _ = try chain(x) }
    var backwardTimes: [Double] = []
    for _ in 0..<runs {
        x.grad = nil
        let out = try chain(x)
        let start = now()
        try out.backward()
        backwardTimes.append(now() - start)
    }
    let backward = median(backwardTimes)
    let noGrad = try median(runs) { _ = try withNoGrad { try chain(x) } }
    print("chain_size=\(size)")
    print("chain_forward_ms=\(forward)")
    print("chain_forward_nograd_ms=\(noGrad)")
    print("chain_backward_ms=\(backward)")
}

// Item 4: forward+backward of mean(tanh(A @ B)), n x n float64.
if which == "matmul" || which == "all" {
    let n = option("--n", 512)
    let a = Variable(random([n, n]), requiresGrad: true)
    let b = Variable(random([n, n]), requiresGrad: true)
    let gemm = try median(runs) { _ = try Tensor.batchedProduct(a.value, b.value) }
    let full = try median(runs) {
        a.grad = nil
        b.grad = nil
        try a.matmul(b).tanh().mean().backward()
    }
    let plain = try median(runs) {
        a.grad = nil
        b.grad = nil
        try a.matmul(b).mean().backward()
    }
    print("matmul_n=\(n)")
    print("matmul_gemm_ms=\(gemm)")
    print("matmul_gemm_gflops=\(2 * Double(n * n * n) / gemm / 1e6)")
    print("matmul_plain_fwdbwd_ms=\(plain)")
    print("matmul_tanh_fwdbwd_ms=\(full)")
}
