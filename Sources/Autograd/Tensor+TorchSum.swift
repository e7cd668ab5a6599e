// float32 and float64 sums in PyTorch's CPU order (aten/src/ATen/native/cpu/SumKernel.cpp,
// `cascade_sum`), so that a `sum`, `mean` and what builds on them round exactly as PyTorch's do.
//
// PyTorch adds each dtype in itself, in a fixed order: 32-byte vectors (8 float32 or 4 float64
// lanes, the width its reduction kernel uses on this x86-64 build, AVX2 and AVX-512 alike), 4
// interleaved accumulators ("ilp"), and up to 4 cascade levels that add chunks of similar
// magnitude. Reproduced here: a full reduction or one over trailing dimensions (each output a
// contiguous run), and one over a block of leading or middle dimensions (each output a
// column). Other sets of dimensions (not one contiguous block) add sequentially and may
// differ from PyTorch in the last bit. Above PyTorch's parallel grain (32768 elements) a full
// reduction is split as PyTorch splits it across its threads (see `TorchThreads`); a partial
// one, which PyTorch splits by output, keeps its order.

/// A value the cascade adds: a scalar or a vector of lanes (lane-wise adds).
protocol SumLanes {
    static var zero: Self { get }
    static func + (a: Self, b: Self) -> Self
}

/// A dtype's scalar and the vector of lanes PyTorch's sum kernel adds it in.
protocol SumScalar: SumLanes, BinaryFloatingPoint, SIMDScalar {
    associatedtype Lanes: SIMD & SumLanes where Lanes.Scalar == Self
    /// The dtype whose values these are.
    static var dtype: DType { get }
    /// A tensor's storage (doubles) as values of this type, and back.
    static func values(_ data: [Double]) -> [Self]
    static func storage(_ values: [Self]) -> [Double]
}

extension Float: SumScalar {
    typealias Lanes = SIMD8<Float>
    static var dtype: DType { .float32 }
    static func values(_ data: [Double]) -> [Float] { data.map { Float($0) } }
    static func storage(_ values: [Float]) -> [Double] { values.map { Double($0) } }
}

extension Double: SumScalar {
    typealias Lanes = SIMD4<Double>
    static var dtype: DType { .float64 }
    static func values(_ data: [Double]) -> [Double] { data }
    static func storage(_ values: [Double]) -> [Double] { values }
}
extension SIMD8: SumLanes where Scalar == Float {}
extension SIMD4: SumLanes where Scalar == Double {}

/// Where a sum's values come from: a buffer, or an elementwise product or negation of buffers
/// computed as it is read, each value rounded as the separate op rounds it. A gradient folded
/// onto a broadcast input (`g * other` or `-g`, then summed) is then summed without being
/// stored: one pass over memory instead of three, and no large allocation.
protocol SumSource {
    associatedtype Scalar: SumScalar
    var count: Int { get }
    subscript(i: Int) -> Scalar { get }
    /// The `Scalar.Lanes.scalarCount` values from `i`.
    func lanes(at i: Int) -> Scalar.Lanes
}

extension UnsafeBufferPointer: SumSource where Element: SumScalar {
    @inline(__always)
    func lanes(at i: Int) -> Element.Lanes { TorchSum.vector(self, i) }
}

/// `a * b`, elementwise (same shape).
struct ProductSource<Scalar: SumScalar>: SumSource {
    let a: UnsafeBufferPointer<Scalar>, b: UnsafeBufferPointer<Scalar>
    init(_ a: UnsafeBufferPointer<Scalar>, _ b: UnsafeBufferPointer<Scalar>) {
        precondition(a.count == b.count)
        self.a = a
        self.b = b
    }
    var count: Int { a.count }
    @inline(__always) subscript(i: Int) -> Scalar { a[i] * b[i] }
    @inline(__always) func lanes(at i: Int) -> Scalar.Lanes { a.lanes(at: i) * b.lanes(at: i) }
}

/// `-a`, elementwise.
struct NegatedSource<Scalar: SumScalar>: SumSource {
    let a: UnsafeBufferPointer<Scalar>
    var count: Int { a.count }
    @inline(__always) subscript(i: Int) -> Scalar { -a[i] }
    @inline(__always) func lanes(at i: Int) -> Scalar.Lanes { -a.lanes(at: i) }
}

/// PyTorch's sum loops, on a buffer of one dtype's values (or values computed from buffers).
enum TorchSum {

    /// `utils::CeilLog2`.
    static func ceilLog2(_ x: Int) -> Int {
        x <= 2 ? 1 : (Int.bitWidth - (x - 1).leadingZeroBitCount)
    }

    /// Four running sums, one per row of `multi_row_sum` (PyTorch's callers all pass 4 rows).
    struct Rows<T: SumLanes> {
        var r0 = T.zero, r1 = T.zero, r2 = T.zero, r3 = T.zero

        @inline(__always)
        static func + (a: Rows, b: Rows) -> Rows {
            Rows(r0: a.r0 + b.r0, r1: a.r1 + b.r1, r2: a.r2 + b.r2, r3: a.r3 + b.r3)
        }

        @inline(__always)
        subscript(k: Int) -> T {
            switch k {
            case 0: return r0
            case 1: return r1
            case 2: return r2
            default: precondition(k == 3); return r3
            }
        }
    }

    /// `multi_row_sum` with 4 rows: 4 sums at once over `size` steps, with cascade levels. The
    /// levels live in registers and `load` is inlined: one call per element was most of a
    /// column sum's time.
    @inline(__always)
    static func multiRowSum<T: SumLanes>(_ size: Int, _ load: (Int, Int) -> T) -> Rows<T> {
        let levelPower = Swift.max(4, ceilLog2(size) / 4)
        let levelStep = 1 << levelPower
        let levelMask = levelStep - 1
        @inline(__always) func loads(_ i: Int) -> Rows<T> {
            Rows(r0: load(i, 0), r1: load(i, 1), r2: load(i, 2), r3: load(i, 3))
        }
        var level0 = Rows<T>(), level1 = Rows<T>(), level2 = Rows<T>(), level3 = Rows<T>()
        var i = 0
        while i + levelStep <= size {
            for _ in 0..<levelStep {
                level0 = level0 + loads(i)
                i += 1
            }
            // Each full chunk moves up a level, as far as `i` is a multiple of that level's span.
            level1 = level1 + level0
            level0 = Rows()
            if i & (levelMask << levelPower) != 0 { continue }
            level2 = level2 + level1
            level1 = Rows()
            if i & (levelMask << (2 * levelPower)) != 0 { continue }
            level3 = level3 + level2
            level2 = Rows()
        }
        while i < size {
            level0 = level0 + loads(i)
            i += 1
        }
        return ((level0 + level1) + level2) + level3
    }

    /// `row_sum`: one sum, as 4 interleaved partial sums, the leftover, then the partials.
    @inline(__always)
    static func rowSum<T: SumLanes>(_ size: Int, _ load: (Int) -> T) -> T {
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
        let partial = multiRowSum(sizeIlp) { i, k in load(i * ilp + k) }
        var total = partial.r0
        for i in (sizeIlp * ilp)..<size { total = total + load(i) }
        return ((total + partial.r1) + partial.r2) + partial.r3
    }

    /// The sum of `n` contiguous values from `start` (`vectorized_inner_sum` / `scalar_inner_sum`).
    static func inner<P: SumSource>(_ p: P, _ start: Int, _ n: Int) -> P.Scalar {
        let lanes = P.Scalar.Lanes.scalarCount
        guard n >= lanes else { return rowSum(n) { p[start + $0] } }
        let vectors = n / lanes
        let vec = vectors < 64 ? shortVectorSum(p, start, vectors) : rowSum(vectors) { i in p.lanes(at: start + i * lanes) }
        var total: P.Scalar = 0
        for k in (vectors * lanes)..<n { total += p[start + k] }
        for k in 0..<lanes { total += vec[k] }
        return total
    }

    /// `rowSum` of fewer than 64 vectors from `start` (below one cascade step: four running
    /// sums), written out: a sum over a short last dimension, one per output, spent most of its
    /// time calling the load closure.
    @inline(__always)
    static func shortVectorSum<P: SumSource>(_ p: P, _ start: Int, _ vectors: Int) -> P.Scalar.Lanes {
        let lanes = P.Scalar.Lanes.scalarCount
        var p0 = P.Scalar.Lanes.zero, p1 = P.Scalar.Lanes.zero, p2 = P.Scalar.Lanes.zero, p3 = P.Scalar.Lanes.zero
        var at = start
        for _ in 0..<(vectors / 4) {
            p0 = p0 + p.lanes(at: at)
            p1 = p1 + p.lanes(at: at + lanes)
            p2 = p2 + p.lanes(at: at + 2 * lanes)
            p3 = p3 + p.lanes(at: at + 3 * lanes)
            at += 4 * lanes
        }
        for _ in 0..<(vectors % 4) {
            p0 = p0 + p.lanes(at: at)
            at += lanes
        }
        return ((p0 + p1) + p2) + p3
    }

    /// The total of `p` as PyTorch's full reduction adds it: below the parallel grain one
    /// cascade; above, one per thread's part (`two_pass_reduction`), each added to a zero in a
    /// buffer of one entry per thread, then the buffer's total.
    static func total<P: SumSource>(_ p: P) -> P.Scalar {
        guard TorchThreads.splits(p.count) else { return 0 + inner(p, 0, p.count) }
        let parts = TorchThreads.parts(of: p.count)
        var buffer = [P.Scalar](repeating: 0, count: Swift.max(TorchThreads.count, parts.count))
        for (t, part) in parts.enumerated() { buffer[t] = 0 + inner(p, part.lowerBound, part.count) }
        return buffer.withUnsafeBufferPointer { 0 + inner($0, 0, $0.count) }
    }

    /// The column sums of an `n` x `m` row-major block at `start`, into `out[outStart...]`
    /// (`vectorized_outer_sum` for m of a vector or more, else `scalar_outer_sum`).
    static func outer<P: SumSource>(_ p: P, _ start: Int, _ n: Int, _ m: Int,
                                    into out: inout [P.Scalar], at outStart: Int) {
        let lanes = P.Scalar.Lanes.scalarCount
        var j = 0
        if m >= lanes {
            while j + 4 * lanes <= m {
                let sums = multiRowSum(n) { i, k in p.lanes(at: start + i * m + j + k * lanes) }
                for k in 0..<4 { for l in 0..<lanes { out[outStart + j + k * lanes + l] = 0 + sums[k][l] } }
                j += 4 * lanes
            }
            while j + lanes <= m {
                let sums = rowSum(n) { i in p.lanes(at: start + i * m + j) }
                for l in 0..<lanes { out[outStart + j + l] = 0 + sums[l] }
                j += lanes
            }
        } else {
            while j + 3 < m {
                let sums = multiRowSum(n) { i, k in p[start + i * m + j + k] }
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
    static func vector<S: SumScalar>(_ p: UnsafeBufferPointer<S>, _ at: Int) -> S.Lanes {
        precondition(at >= 0 && at <= p.count - S.Lanes.scalarCount, "a sum's vector load out of bounds")
        return UnsafeRawPointer(p.baseAddress! + at).loadUnaligned(as: S.Lanes.self)
    }
}

extension Tensor {
    /// The sum over `dims` (sorted, normalised): in PyTorch's order for a float32 or float64
    /// tensor, in sequence otherwise.
    public func summed(dims: [Int], keepdim: Bool) -> Tensor {
        switch dtype {
        case .float32: return torchSum(Float.self, dims: dims, keepdim: keepdim)
        case .float64: return torchSum(Double.self, dims: dims, keepdim: keepdim)
        default: return reduced(dims: dims, keepdim: keepdim, initial: 0, +)
        }
    }

    /// The float32 sum over `dims`, in PyTorch's order, whatever the dtype label.
    func float32Sum(dims: [Int], keepdim: Bool) -> Tensor { torchSum(Float.self, dims: dims, keepdim: keepdim) }

    /// The sum of every element of a float32 or float64 tensor of two or more elements, in the
    /// order its sum over all dimensions adds them (nil for other dtypes): the additions of the
    /// general path below without its intermediate arrays.
    func floatingTotal() -> Double? {
        precondition(count > 1)
        switch dtype {
        case .float32:
            let total = withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { buffer in
                for (i, x) in data.enumerated() { buffer.initializeElement(at: i, to: Float(x)) }
                return TorchSum.total(UnsafeBufferPointer(buffer))
            }
            return Double(total)
        case .float64:
            return data.withUnsafeBufferPointer { TorchSum.total($0) }
        default:
            return nil
        }
    }

    /// The sum over `dims` (sorted, normalised) in `S`, in PyTorch's order (see above).
    func torchSum<S: SumScalar>(_: S.Type, dims: [Int], keepdim: Bool) -> Tensor {
        // Over every dimension (a full `sum()` or `mean()`): the total alone, no shape bookkeeping.
        if dims.count == rank && count > 1, dtype == S.dtype, let total = floatingTotal() {
            return Tensor(shape: keepdim ? [Int](filling: 1, count: rank) : [], data: [total], dtype: S.dtype)
        }
        var kept = shape
        for d in dims { kept[d] = 1 }
        let outShape = keepdim ? kept : shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
        if count > 1 && Tensor.count(of: kept) == 1, dtype == S.dtype, let total = floatingTotal() {
            return Tensor(shape: outShape, data: [total], dtype: S.dtype)
        }
        let values = S.values(data)
        let out = values.withUnsafeBufferPointer { p in Tensor.torchSum(p, shape: shape, kept: kept) }
        return Tensor(shape: outShape, data: S.storage(out), dtype: S.dtype)
    }

    /// The sums of the values `p` gives for a tensor of `shape`, over the dimensions that are 1
    /// in `kept`, in PyTorch's order; one per element of `kept`.
    static func torchSum<P: SumSource>(_ p: P, shape: [Int], kept: [Int]) -> [P.Scalar] {
        let count = p.count
        let outCount = Tensor.count(of: kept)
        // Dimensions of size 1 do not change the order (PyTorch's iterator drops them).
        let reduced = shape.indices.filter { kept[$0] == 1 && shape[$0] != 1 }
        guard count > 0 else { return [P.Scalar](repeating: 0, count: outCount) }
        guard let first = reduced.first, let last = reduced.last else { return (0..<count).map { p[$0] } }
        var out = [P.Scalar](repeating: 0, count: outCount)
        let n = reduced.reduce(1) { $0 * shape[$1] }
        let isBlock = (first...last).allSatisfy { reduced.contains($0) || shape[$0] == 1 }
        let m = Tensor.count(of: Array(shape[(last + 1)...]))
        if isBlock && m == 1 {
            for o in 0..<outCount { out[o] = 0 + TorchSum.inner(p, o * n, n) }
        } else if isBlock {
            for o in 0..<(outCount / m) { TorchSum.outer(p, o * n * m, n, m, into: &out, at: o * m) }
        } else {
            sequentialSum(p, shape: shape, kept: kept, into: &out)
        }
        return out
    }

    /// `(a * b).summed(toShape: target)` for two float64 tensors of one shape, the products
    /// summed as they are made (see `SumSource`); nil for other dtypes or shapes.
    static func summedProduct(_ a: Tensor, _ b: Tensor, toShape target: [Int]) -> Tensor? {
        guard a.shape == b.shape, a.dtype.isFloat64, b.dtype.isFloat64, let kept = a.keptShape(summingTo: target) else { return nil }
        let sums = a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in folded(ProductSource(pa, pb), shape: a.shape, kept: kept) }
        }
        return Tensor(shape: target, data: sums, dtype: a.dtype)
    }

    /// `(-a).summed(toShape: target)` for a float64 tensor (see `summedProduct`).
    static func summedNegation(_ a: Tensor, toShape target: [Int]) -> Tensor? {
        guard a.dtype.isFloat64, let kept = a.keptShape(summingTo: target) else { return nil }
        let sums = a.data.withUnsafeBufferPointer { folded(NegatedSource(a: $0), shape: a.shape, kept: kept) }
        return Tensor(shape: target, data: sums, dtype: a.dtype)
    }

    /// The sums `summed(toShape:)` makes of a float64 tensor, of values from `p`: onto one
    /// element, the total of a full reduction (split as PyTorch's threads split it).
    private static func folded<P: SumSource>(_ p: P, shape: [Int], kept: [Int]) -> [P.Scalar] {
        p.count > 1 && Tensor.count(of: kept) == 1 ? [TorchSum.total(p)] : torchSum(p, shape: shape, kept: kept)
    }

    /// This shape with 1 where `summed(toShape: target)` sums (the leading dimensions `target`
    /// lacks and those it has as 1); nil unless `target` broadcasts to this shape and differs.
    private func keptShape(summingTo target: [Int]) -> [Int]? {
        guard target != shape, target.count <= rank, Tensor.broadcastShape(target, shape) == shape else { return nil }
        let lead = rank - target.count
        var kept = shape
        for d in 0..<rank where d < lead || target[d - lead] == 1 { kept[d] = 1 }
        return kept
    }

    /// Each output's elements added in row-major order.
    private static func sequentialSum<P: SumSource>(_ p: P, shape: [Int], kept: [Int], into out: inout [P.Scalar]) {
        let outStrides = Tensor.broadcastStrides(from: kept, to: shape)
        let own = Tensor.strides(of: shape)
        for i in 0..<p.count {
            var o = 0
            for d in 0..<shape.count { o += (i / own[d]) % shape[d] * outStrides[d] }
            out[o] += p[i]
        }
    }
}
