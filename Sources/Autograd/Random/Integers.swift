// Random integers and permutations, as PyTorch's CPU kernels draw them:
// `random_from_to_kernel` (ATen/core/DistributionsHelper.h, `uniform_int_from_to_distribution`)
// and `randperm_cpu` (ATen/native/TensorFactories.cpp).

extension TorchGenerator {
    /// `count` integers from [low, high), like `torch.randint(low, high, (count,))`: each is
    /// `draw % (high - low) + low`, with a 64-bit draw when the range is 2^28 or more and a
    /// 32-bit one otherwise. Requires low < high.
    public func fillIntegers(count: Int, low: Int64, high: Int64) -> [Int64] {
        precondition(low < high, "randint needs low < high")
        let range = UInt64(bitPattern: high &- low)
        let base = UInt64(bitPattern: low)
        return (0..<count).map { _ in
            let draw = range >= 1 << 28 ? random64() : UInt64(random())
            return Int64(bitPattern: draw % range &+ base)
        }
    }

    /// A random permutation of 0..<n, like `torch.randperm(n)` for n below 2^32 / 20: the
    /// identity, then for each i < n - 1 a swap of i with i + `random() % (n - i)`.
    public func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<n)
        guard n > 1 else { return values }
        for i in 0..<(n - 1) {
            let z = Int(UInt64(random()) % UInt64(n - i))
            values.swapAt(i, i + z)
        }
        return values
    }

    /// One 0/1 sample per probability, like `torch.bernoulli(p)`: 1 when a uniform draw is
    /// below p. A float64 `p` draws float64 uniforms, any other dtype float32 ones (as PyTorch's
    /// `bernoulli_distribution<double>` and `<float>`). Probabilities must lie in [0, 1].
    public func bernoulli(probabilities: [Double], dtype: DType) -> [Double] {
        if dtype == .float64 {
            return probabilities.map { uniformDouble() < $0 ? 1 : 0 }
        }
        return probabilities.map { uniformFloat() < Float($0) ? 1 : 0 }
    }

    /// `count` 0/1 samples with probability `p`, like `torch.empty(count).bernoulli_(p)`: 1 when
    /// a float64 uniform is below p (PyTorch 2.13's wheels no longer use MKL's stream here).
    public func bernoulli(count: Int, p: Double) -> [Double] {
        (0..<count).map { _ in uniformDouble() < p ? 1 : 0 }
    }
}
