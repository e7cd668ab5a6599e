// float32 and float64 `var`, `std`, `var_mean` and `std_mean` as PyTorch's CPU kernels compute
// them (aten/src/ATen/native/ReduceOps.cpp `std_var_out`, `std_var_all_cpu`; SharedReduceOps.h
// `WelfordOps`), so that they round exactly as PyTorch's do. Both paths work in double and
// round once at the end (float32) or not at all (float64):
//
// - one output (a full reduction, or one whose result has one element), `var`/`std` only:
//   two passes, the `mean()` (PyTorch's sum order, then divided, in the tensor's dtype) widened
//   to double, then the sum of squared deviations in double, in memory order, split across
//   PyTorch's threads above its parallel grain as `at::parallel_reduce` splits it;
// - otherwise, and always for `var_mean`/`std_mean`: Welford's update in double per output,
//   over its elements in memory order; `var_mean`'s mean is Welford's mean (rounded for float32).
//
// PyTorch splits a Welford reduction above its parallel grain (32768 elements per output)
// across threads and combines the parts; such sizes may differ in the last bit.

extension Tensor {
    /// The variance (or standard deviation with `takeSqrt`) of a float32 or float64 tensor over
    /// `dims` (sorted, normalised), divided by max(0, n - correction). `forMean` selects
    /// `var_mean`'s path.
    func torchVariance(dims: [Int], keepdim: Bool, correction: Double, takeSqrt: Bool, forMean: Bool = false) -> Tensor {
        precondition(dtype.isFloatingPoint)
        let (outShape, groups) = reductionGroups(dims: dims, keepdim: keepdim)
        let n = groups.first?.count ?? 0
        let rounded: (Double) -> Double = dtype.isFloat32 ? { Double(Float($0)) } : { $0 }
        func finish(_ sumOfSquares: Double) -> Double {
            let variance = sumOfSquares / Swift.max(0, Double(n) - correction)
            return rounded(takeSqrt ? variance.squareRoot() : variance)
        }
        if groups.count == 1 && !forMean && n > 0 {
            let sum = summed(dims: Array(0..<rank), keepdim: false).data[0]
            let mean = dtype.isFloat32 ? Double(Float(sum) / Float(n)) : sum / Double(n)
            var total = 0.0
            for part in TorchThreads.parts(of: count) {
                var partTotal = 0.0
                for x in data[part] {
                    let d = x - mean
                    partTotal += d * d
                }
                total += partTotal
            }
            return Tensor(shape: outShape, data: [finish(total)], dtype: dtype)
        }
        return Tensor(shape: outShape, data: groups.map { finish(Welford(data, $0).m2) }, dtype: dtype)
    }

    /// `var_mean`'s mean over `dims`: Welford's running mean (rounded for float32).
    func welfordMean(dims: [Int], keepdim: Bool) -> Tensor {
        let (outShape, groups) = reductionGroups(dims: dims, keepdim: keepdim)
        let rounded: (Double) -> Double = dtype.isFloat32 ? { Double(Float($0)) } : { $0 }
        return Tensor(shape: outShape, data: groups.map { rounded(Welford(data, $0).mean) }, dtype: dtype)
    }

    /// The output shape of a reduction over `dims`, and for each output (row-major) the flat
    /// indices of its elements in memory order.
    func reductionGroups(dims: [Int], keepdim: Bool) -> (shape: [Int], groups: [[Int]]) {
        var kept = shape
        for d in dims { kept[d] = 1 }
        let outShape = keepdim ? kept : shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
        var groups = [[Int]](repeating: [], count: Tensor.count(of: kept))
        let outStrides = Tensor.strides(of: kept)
        var index = [Int](repeating: 0, count: rank)
        for flat in 0..<count {
            var o = 0
            for d in 0..<rank where kept[d] != 1 { o += index[d] * outStrides[d] }
            groups[o].append(flat)
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return (outShape, groups)
    }
}

/// Welford's running mean and sum of squared deviations (`WelfordOps::reduce`), in double.
struct Welford {
    var mean = 0.0
    var m2 = 0.0

    init(_ data: [Double], _ indices: [Int]) {
        var n = 0.0
        for i in indices {
            let x = data[i]
            n += 1
            let delta = x - mean
            mean += delta / n
            m2 += delta * (x - mean)
        }
    }
}
