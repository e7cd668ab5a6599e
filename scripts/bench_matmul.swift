// Benchmark harness for scripts/bench_matmul.sh: compiled into one module with Autograd's
// sources, so it can reach the internal GEMM. Prints median milliseconds.
import Glibc

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = now()
        try body()
        times.append(now() - start)
    }
    return times.sorted()[runs / 2] * 1e3
}

/// tanh from the registry when the elementwise family provides it, else from exp.
func tanh(_ x: Variable) throws -> Variable {
    if let spec = Registry.lookup("tanh") { return try apply(spec, [x]) }
    let e = try (x * -2).exp()
    return try (1 - e) / (1 + e)
}

let n = Int(CommandLine.arguments.dropFirst().first ?? "512") ?? 512
let runs = 11
var generator = RandomGenerator(seed: 1)
func random(_ shape: [Int]) -> Tensor {
    Tensor(shape: shape, data: (0..<Tensor.count(of: shape)).map { _ in generator.nextNormal() })
}
let a = Variable(random([n, n]), requiresGrad: true)
let b = Variable(random([n, n]), requiresGrad: true)

let mm = try median(runs) { _ = try Tensor.batchedProduct(a.value, b.value) }
let full = try median(runs) {
    a.grad = nil
    b.grad = nil
    try tanh(a.matmul(b)).mean().backward()
}
let plain = try median(runs) {
    a.grad = nil
    b.grad = nil
    try a.matmul(b).mean().backward()
}
print("swift \(n)x\(n): mean(A@B) fwd+bwd \(plain) ms")
print("swift \(n)x\(n): gemm \(mm) ms (\(2 * Double(n * n * n) / mm / 1e6) GFLOP/s), mean(tanh(A@B)) fwd+bwd \(full) ms")
