// float32 sums in PyTorch's CPU order (aten/src/ATen/native/cpu/SumKernel.cpp, `cascade_sum`),
// so that a float32 `sum`, `mean` and what builds on them round exactly as PyTorch's do.
//
// PyTorch adds float32 in float32, in a fixed order: 8-lane vectors (the lane width its
// reduction kernel uses on this x86-64 build, AVX2 and AVX-512 alike), 4 interleaved
// accumulators ("ilp"), and up to 4 cascade levels that add chunks of similar magnitude.
// Reproduced here: a full reduction or one over trailing dimensions (each output a
// contiguous run), and one over a block of leading or middle dimensions (each output a
// column). Other sets of dimensions (not one contiguous block) add sequentially and may
// differ from PyTorch in the last bit; so may tensors above PyTorch's parallel grain
// (32768 elements), which PyTorch splits across threads.

import CKernels

/// A value the cascade adds: a float32 or a vector of 8 float32 lanes (lane-wise adds).
protocol Float32Lanes {
    static var zero: Self { get }
    static func + (a: Self, b: Self) -> Self
}

extension Float: Float32Lanes {}
extension SIMD8: Float32Lanes where Scalar == Float {}

/// PyTorch's sum loops, on a buffer of float32 values.
enum Float32Sum {
    static let lanes = 8

    /// `utils::CeilLog2`.
    static func ceilLog2(_ x: Int) -> Int {
        x <= 2 ? 1 : (Int.bitWidth - (x - 1).leadingZeroBitCount)
    }

    /// `multi_row_sum`: `nrows` sums at once over `size` steps, with cascade levels.
    static func multiRowSum<T: Float32Lanes>(_ nrows: Int, _ size: Int, _ load: (Int, Int) -> T) -> [T] {
        let levels = 4
        let levelPower = Swift.max(4, ceilLog2(size) / levels)
        let levelStep = 1 << levelPower
        let levelMask = levelStep - 1
        // Level j of row k at acc[j * nrows + k]: one allocation for all levels.
        var acc = [T](filling: .zero, count: levels * nrows)
        var i = 0
        while i + levelStep <= size {
            for _ in 0..<levelStep {
                for k in 0..<nrows { acc[k] = acc[k] + load(i, k) }
                i += 1
            }
            for j in 1..<levels {
                for k in 0..<nrows {
                    acc[j * nrows + k] = acc[j * nrows + k] + acc[(j - 1) * nrows + k]
                    acc[(j - 1) * nrows + k] = .zero
                }
                if i & (levelMask << (j * levelPower)) != 0 { break }
            }
        }
        while i < size {
            for k in 0..<nrows { acc[k] = acc[k] + load(i, k) }
            i += 1
        }
        for j in 1..<levels {
            for k in 0..<nrows { acc[k] = acc[k] + acc[j * nrows + k] }
        }
        acc.removeLast(acc.count - nrows)
        return acc
    }

    /// `row_sum`: one sum, as 4 interleaved partial sums, the leftover, then the partials.
    static func rowSum<T: Float32Lanes>(_ size: Int, _ load: (Int) -> T) -> T {
        let ilp = 4
        let sizeIlp = size / ilp
        if sizeIlp < 16 {
            // Below one cascade step (at least 16) the cascade's levels only add +0 to partial
            // sums that started at +0 (which never makes them -0): four running sums, no arrays.
            var p0 = T.zero, p1 = T.zero, p2 = T.zero, p3 = T.zero
            for i in 0..<sizeIlp {
                p0 = p0 + load(i * ilp)
                p1 = p1 + load(i * ilp + 1)
                p2 = p2 + load(i * ilp + 2)
                p3 = p3 + load(i * ilp + 3)
            }
            for i in (sizeIlp * ilp)..<size { p0 = p0 + load(i) }
            return ((p0 + p1) + p2) + p3
        }
        var partial = multiRowSum(ilp, sizeIlp) { i, k in load(i * ilp + k) }
        for i in (sizeIlp * ilp)..<size { partial[0] = partial[0] + load(i) }
        for k in 1..<ilp { partial[0] = partial[0] + partial[k] }
        return partial[0]
    }

    /// The sum of `n` contiguous values from `start` (`vectorized_inner_sum` / `scalar_inner_sum`).
    static func inner(_ p: UnsafeBufferPointer<Float>, _ start: Int, _ n: Int) -> Float {
        guard n >= lanes else { return rowSum(n) { p[start + $0] } }
        let vectors = n / lanes
        let vec = rowSum(vectors) { i in vector(p, start + i * lanes) }
        var total: Float = 0
        for k in (vectors * lanes)..<n { total += p[start + k] }
        for k in 0..<lanes { total += vec[k] }
        return total
    }

    /// The column sums of an `n` x `m` row-major block at `start`, into `out[outStart...]`
    /// (`vectorized_outer_sum` for m >= 8, else `scalar_outer_sum`).
    static func outer(_ p: UnsafeBufferPointer<Float>, _ start: Int, _ n: Int, _ m: Int,
                      into out: inout [Float], at outStart: Int) {
        var j = 0
        if m >= lanes {
            while j + 4 * lanes <= m {
                let sums = multiRowSum(4, n) { i, k in vector(p, start + i * m + j + k * lanes) }
                for k in 0..<4 { for l in 0..<lanes { out[outStart + j + k * lanes + l] = 0 + sums[k][l] } }
                j += 4 * lanes
            }
            while j + lanes <= m {
                let sums = rowSum(n) { i in vector(p, start + i * m + j) }
                for l in 0..<lanes { out[outStart + j + l] = 0 + sums[l] }
                j += lanes
            }
        } else {
            while j + 3 < m {
                let sums = multiRowSum(4, n) { i, k in p[start + i * m + j + k] }
                for k in 0..<4 { out[outStart + j + k] = 0 + sums[k] }
                j += 4
            }
        }
        while j < m {
            out[outStart + j] = 0 + rowSum(n) { i in p[start + i * m + j] }
            j += 1
        }
    }

    @inline(__always)
    static func vector(_ p: UnsafeBufferPointer<Float>, _ at: Int) -> SIMD8<Float> {
        SIMD8(p[at], p[at + 1], p[at + 2], p[at + 3], p[at + 4], p[at + 5], p[at + 6], p[at + 7])
    }
}

extension Tensor {
    /// The sum over `dims` (sorted, normalised): in PyTorch's float32 order for a float32
    /// tensor, on the C kernels for float64, in sequence otherwise.
    public func summed(dims: [Int], keepdim: Bool) -> Tensor {
        switch dtype {
        case .float32: return float32Sum(dims: dims, keepdim: keepdim)
        case .float64: return float64Sum(dims: dims, keepdim: keepdim)
        default: return reduced(dims: dims, keepdim: keepdim, initial: 0, +)
        }
    }

    /// The sum of every element of a float32 or float64 tensor of two or more elements, in the
    /// order its sum over all dimensions adds them (nil for other dtypes): for float32 the
    /// additions of the general path below without its intermediate arrays, for float64 `gk_sum`.
    func floatingTotal() -> Double? {
        precondition(count > 1)
        switch dtype {
        case .float32:
            let total = withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { buffer in
                for (i, x) in data.enumerated() { buffer.initializeElement(at: i, to: Float(x)) }
                return 0 + Float32Sum.inner(UnsafeBufferPointer(buffer), 0, count)
            }
            return Double(total)
        case .float64:
            return data.withUnsafeBufferPointer { gk_sum($0.count, $0.baseAddress!) }
        default:
            return nil
        }
    }

    /// The float32 sum over `dims` (sorted, normalised), in PyTorch's order (see above).
    func float32Sum(dims: [Int], keepdim: Bool) -> Tensor {
        var kept = shape
        for d in dims { kept[d] = 1 }
        let outShape = keepdim ? kept : shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
        if count > 1 && Tensor.count(of: kept) == 1, let total = floatingTotal() {
            return Tensor(shape: outShape, data: [total], dtype: .float32)
        }
        let values = data.map { Float($0) }
        // Dimensions of size 1 do not change the order (PyTorch's iterator drops them).
        let reduced = dims.filter { shape[$0] != 1 }
        let outCount = Tensor.count(of: kept)
        var out = [Float](filling: 0, count: outCount)
        let n = reduced.reduce(1) { $0 * shape[$1] }
        if count > 0 && !reduced.isEmpty {
            let first = reduced.first!, last = reduced.last!
            let isBlock = (first...last).allSatisfy { reduced.contains($0) || shape[$0] == 1 }
            let m = Tensor.count(of: Array(shape[(last + 1)...]))
            values.withUnsafeBufferPointer { p in
                if isBlock && m == 1 {
                    for o in 0..<outCount { out[o] = 0 + Float32Sum.inner(p, o * n, n) }
                } else if isBlock {
                    for o in 0..<(outCount / m) { Float32Sum.outer(p, o * n * m, n, m, into: &out, at: o * m) }
                } else {
                    sequentialSum(p, dims: reduced, kept: kept, into: &out)
                }
            }
        } else if reduced.isEmpty {
            out = values
        }
        return Tensor(shape: outShape, data: out.map { Double($0) }, dtype: .float32)
    }

    /// Each output's elements added in row-major order, in float32.
    private func sequentialSum(_ p: UnsafeBufferPointer<Float>, dims: [Int], kept: [Int], into out: inout [Float]) {
        let outStrides = Tensor.broadcastStrides(from: kept, to: shape)
        let own = Tensor.strides(of: shape)
        for i in 0..<count {
            var o = 0
            for d in 0..<rank { o += (i / own[d]) % shape[d] * outStrides[d] }
            out[o] += p[i]
        }
    }
}
