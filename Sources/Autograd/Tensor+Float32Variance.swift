// float32 `var`, `std`, `var_mean` and `std_mean` as PyTorch's CPU kernels compute them
// (aten/src/ATen/native/ReduceOps.cpp `std_var_out`, `std_var_all_cpu`; SharedReduceOps.h
// `WelfordOps`), so that they round exactly as PyTorch's do. Both paths work in double on the
// float32 elements and round once at the end:
//
// - one output (a full reduction, or one whose result has one element), `var`/`std` only:
//   two passes, the float32 `mean()` (PyTorch's float32 sum order, then divided) widened to
//   double, then the sum of squared deviations in double, in memory order;
// - otherwise, and always for `var_mean`/`std_mean`: Welford's update in double per output,
//   over its elements in memory order; `var_mean`'s mean is Welford's mean rounded.
//
// PyTorch splits a reduction above its parallel grain (32768 elements per output) across
// threads and combines the parts; such sizes may differ in the last bit.

extension Tensor {
    /// The float32 variance (or standard deviation with `takeSqrt`) over `dims` (sorted,
    /// normalised), divided by max(0, n - correction). `forMean` selects `var_mean`'s path.
    func float32Variance(dims: [Int], keepdim: Bool, correction: Double, takeSqrt: Bool, forMean: Bool = false) -> Tensor {
        let (outShape, groups) = reductionGroups(dims: dims, keepdim: keepdim)
        let n = groups.first?.count ?? 0
        func finish(_ sumOfSquares: Double) -> Double {
            let variance = sumOfSquares / Swift.max(0, Double(n) - correction)
            return Double(Float(takeSqrt ? variance.squareRoot() : variance))
        }
        if groups.count == 1 && !forMean && n > 0 {
            let mean = Double(Float(float32Sum(dims: Array(0..<rank), keepdim: false).data[0]) / Float(n))
            var total = 0.0
            for x in data {
                let d = x - mean
                total += d * d
            }
            return Tensor(shape: outShape, data: [finish(total)], dtype: .float32)
        }
        return Tensor(shape: outShape, data: groups.map { finish(Welford(data, $0).m2) }, dtype: .float32)
    }

    /// `var_mean`'s float32 mean over `dims`: Welford's running mean, rounded.
    func float32WelfordMean(dims: [Int], keepdim: Bool) -> Tensor {
        let (outShape, groups) = reductionGroups(dims: dims, keepdim: keepdim)
        return Tensor(shape: outShape, data: groups.map { Double(Float(Welford(data, $0).mean)) }, dtype: .float32)
    }

    /// The output shape of a reduction over `dims`, and for each output (row-major) the flat
    /// indices of its elements in memory order.
    private func reductionGroups(dims: [Int], keepdim: Bool) -> (shape: [Int], groups: [[Int]]) {
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
