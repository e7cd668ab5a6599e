// Broadcasting (NumPy/PyTorch rules), elementwise kernels and reductions over
// dimensions. Every elementwise op of the registry goes through these kernels; float64 add,
// sub, mul, div and sums run on the C kernels of Sources/CKernels/elementwise.c.
import CKernels

/// An elementwise arithmetic op with a C kernel: the loop runs in C, vectorised, instead of
/// calling a closure per element. The kernels round exactly as the closures do.
enum ElementwiseKernel {
    case add, sub, mul, div

    /// The kernel of the registry op named `opName`, if it has one.
    init?(opName: String) {
        switch opName {
        case "add": self = .add
        case "sub": self = .sub
        case "mul": self = .mul
        case "div": self = .div
        default: return nil
        }
    }

    var op: gk_binary_op {
        switch self {
        case .add: return GK_ADD
        case .sub: return GK_SUB
        case .mul: return GK_MUL
        case .div: return GK_DIV
        }
    }
}

extension Tensor {
    /// The shape two shapes broadcast to, or nil when they are incompatible.
    ///
    /// Shapes are aligned at their trailing dimensions; a dimension of size 1
    /// stretches to match the other.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        // Equal shapes and a scalar operand give an operand's shape, shared rather than rebuilt.
        if b.isEmpty || a == b { return a }
        if a.isEmpty { return b }
        let rank = Swift.max(a.count, b.count)
        var out = [Int](filling: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else { return nil }
        }
        return out
    }

    /// The shape two shapes broadcast to, or PyTorch's error naming the first clash from the
    /// trailing end, at its dimension of the result (as `at::infer_size` reports it).
    public static func broadcastShapeOrThrow(_ a: [Int], _ b: [Int]) throws -> [Int] {
        if let shape = broadcastShape(a, b) { return shape }
        let rank = Swift.max(a.count, b.count)
        for i in (0..<rank).reversed() {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da != db && da != 1 && db != 1 {
                throw OpError.shape("The size of tensor a (\(da)) must match the size of tensor b (\(db)) at non-singleton dimension \(i)")
            }
        }
        preconditionFailure("broadcastShape refused shapes \(a) and \(b) without a clash")
    }

    /// Strides for reading a tensor of `shape` as if it had `target` shape:
    /// broadcast dimensions get stride 0.
    static func broadcastStrides(from shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(of: shape)
        let lead = target.count - shape.count
        return (0..<target.count).map { i in
            i < lead || shape[i - lead] == 1 ? 0 : own[i - lead]
        }
    }

    /// Calls `body(outOffset, aOffset, bOffset, n, aStep, bStep)` for each run of the innermost
    /// dimension of `shape`, where the operands advance by the given strides.
    @inline(__always)
    static func forEachRun(shape: [Int], aStrides: [Int], bStrides: [Int],
                           _ body: (Int, Int, Int, Int, Int, Int) -> Void) {
        let rank = shape.count
        if rank == 0 { body(0, 0, 0, 1, 0, 0); return }
        let count = Tensor.count(of: shape)
        if count == 0 { return }
        let inner = shape[rank - 1]
        var index = [Int](repeating: 0, count: rank)
        var aOff = 0, bOff = 0, out = 0
        while out < count {
            body(out, aOff, bOff, inner, aStrides[rank - 1], bStrides[rank - 1])
            out += inner
            // Advance the odometer over the outer dimensions.
            var d = rank - 2
            while d >= 0 {
                index[d] += 1
                aOff += aStrides[d]
                bOff += bStrides[d]
                if index[d] < shape[d] { break }
                aOff -= aStrides[d] * shape[d]
                bOff -= bStrides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
        }
    }

    /// Combines two tensors elementwise with broadcasting.
    @inline(__always)
    public static func zip(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) throws -> Tensor {
        if a.shape == b.shape {
            let n = a.count
            let out = Tensor.storage(count: n) { buf in
                a.data.withUnsafeBufferPointer { pa in
                    b.data.withUnsafeBufferPointer { pb in
                        for i in 0..<n { buf[i] = f(pa[i], pb[i]) }
                    }
                }
            }
            return Tensor(kernelShape: a.shape, data: out)
        }
        if b.count == 1 && b.rank <= a.rank {
            let s = b.data[0]
            return a.map { f($0, s) }
        }
        if a.count == 1 && a.rank <= b.rank {
            let s = a.data[0]
            return b.map { f(s, $0) }
        }
        let shape = try broadcastShapeOrThrow(a.shape, b.shape)
        let aStrides = broadcastStrides(from: a.shape, to: shape)
        let bStrides = broadcastStrides(from: b.shape, to: shape)
        let n = try checkedCount(of: shape)
        let out = Tensor.storage(count: n) { buf in
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    forEachRun(shape: shape, aStrides: aStrides, bStrides: bStrides) { o, ao, bo, len, sa, sb in
                        for i in 0..<len { buf[o + i] = f(pa[ao + i * sa], pb[bo + i * sb]) }
                    }
                }
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// `zip(a, b, f)` where `f` is the op `kernel` names, for an op computing in `dtype`: a
    /// floating op runs on the C kernel (same-shape, scalar and broadcast runs alike), which
    /// computes in double as `f` does; the caller rounds a float32 result once, which for
    /// + - * / is the correctly rounded float32 result. Other ops run on `f`.
    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, kernel: ElementwiseKernel?, computing dtype: DType,
                    _ f: (Double, Double) -> Double) throws -> Tensor {
        if let kernel, dtype.isFloatingPoint, let out = kernelZip(a, b, kernel.op) {
            return out
        }
        return try zip(a, b, f)
    }

    /// The elementwise `op` of two float64 tensors with broadcasting, or nil when the shapes
    /// do not broadcast (the caller reports that).
    static func kernelZip(_ a: Tensor, _ b: Tensor, _ op: gk_binary_op) -> Tensor? {
        func filled(_ shape: [Int], _ n: Int, _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> Tensor {
            let out = Tensor.storage(count: n) { buf in
                if n > 0 {
                    a.data.withUnsafeBufferPointer { pa in
                        b.data.withUnsafeBufferPointer { pb in body(pa.baseAddress!, pb.baseAddress!, buf.baseAddress!) }
                    }
                }
            }
            return Tensor(kernelShape: shape, data: out)
        }
        if a.shape == b.shape {
            return filled(a.shape, a.count) { pa, pb, out in gk_binary(op, a.count, pa, pb, out) }
        }
        if b.count == 1 && b.rank <= a.rank {
            return filled(a.shape, a.count) { pa, pb, out in gk_binary_scalar_right(op, a.count, pa, pb[0], out) }
        }
        if a.count == 1 && a.rank <= b.rank {
            return filled(b.shape, b.count) { pa, pb, out in gk_binary_scalar_left(op, b.count, pa[0], pb, out) }
        }
        guard let shape = broadcastShape(a.shape, b.shape), let n = try? checkedCount(of: shape) else { return nil }
        let aStrides = broadcastStrides(from: a.shape, to: shape)
        let bStrides = broadcastStrides(from: b.shape, to: shape)
        let rank = shape.count
        if rank >= 2, aStrides[rank - 1] <= 1, bStrides[rank - 1] <= 1 {
            // Whole rows of the innermost dimension per C call: each step over the outer
            // dimensions hands the kernel a run of rows (short rows cost a call each otherwise).
            let cols = shape[rank - 1], aCol = aStrides[rank - 1], bCol = bStrides[rank - 1]
            let outer = Array(shape.dropLast()), aOuter = Array(aStrides.dropLast()), bOuter = Array(bStrides.dropLast())
            return filled(shape, n) { pa, pb, out in
                forEachRun(shape: outer, aStrides: aOuter, bStrides: bOuter) { o, ao, bo, rows, aRow, bRow in
                    gk_binary_rows(op, rows, cols, pa + ao, aRow, aCol, pb + bo, bRow, bCol, out + o * cols)
                }
            }
        }
        return filled(shape, n) { pa, pb, out in
            forEachRun(shape: shape, aStrides: aStrides, bStrides: bStrides) { o, ao, bo, len, sa, sb in
                switch (sa, sb) {
                case (1, 1): gk_binary(op, len, pa + ao, pb + bo, out + o)
                case (1, 0): gk_binary_scalar_right(op, len, pa + ao, pb[bo], out + o)
                case (0, 1): gk_binary_scalar_left(op, len, pa[ao], pb + bo, out + o)
                default:
                    for i in 0..<len { gk_binary_scalar_right(op, 1, pa + ao + i * sa, pb[bo + i * sb], out + o + i) }
                }
            }
        }
    }

    /// This tensor's elements repeated to fill `target`, a shape it broadcasts to.
    public func expanded(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard target.allSatisfy({ $0 >= 0 }), let s = Tensor.broadcastShape(shape, target), s == target else {
            throw OpError.shape("the shape \(describe(shape: shape)) cannot be expanded to \(describe(shape: target))")
        }
        let n = try Tensor.checkedCount(of: target)
        if count == 1 { return Tensor(repeating: data[0], shape: target) }
        return gathered(shape: target, strides: Tensor.broadcastStrides(from: shape, to: target), count: n)
    }

    /// A new contiguous tensor of `shape` (holding `count` elements) whose element at each
    /// index is read from this tensor at the offset the `strides` give. Broadcasting (stride 0)
    /// and permuting dimensions (reordered strides) are both such reads.
    func gathered(shape outShape: [Int], strides: [Int], count n: Int) -> Tensor {
        let out = Tensor.storage(count: n) { buf in
            data.withUnsafeBufferPointer { pa in
                Tensor.forEachRun(shape: outShape, aStrides: strides, bStrides: strides) { o, ao, _, len, sa, _ in
                    // The offsets stay inside both buffers (forEachRun walks `outShape`), so
                    // wrapping arithmetic loses no check; a repeated element (a broadcast
                    // gradient) and a contiguous run are the common cases.
                    switch sa {
                    case 0:
                        let v = pa[ao]
                        for i in 0..<len { buf[o &+ i] = v }
                    case 1:
                        for i in 0..<len { buf[o &+ i] = pa[ao &+ i] }
                    default:
                        for i in 0..<len { buf[o &+ i] = pa[ao &+ i &* sa] }
                    }
                }
            }
        }
        return Tensor(shape: outShape, data: out)
    }

    /// Sums over the dimensions that broadcasting added or stretched, giving `target` shape.
    ///
    /// This is the inverse of broadcasting for gradients: the one place where a
    /// gradient of a broadcast shape is folded back onto its input's shape.
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        // Onto one element (a gradient folded onto a scalar): the total alone, which the
        // general path below computes with the same additions.
        if count > 1, Tensor.count(of: target) == 1, let total = floatingTotal() {
            return Tensor(shape: target, data: [total], dtype: dtype)
        }
        let lead = rank - target.count
        var dims: [Int] = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 { dims.append(lead + i) }
        return summed(dims: dims, keepdim: true).reshaped(target)
    }

    /// Reduces over `dims` with `combine`, starting each output element at `initial`.
    ///
    /// With `keepdim` the reduced dimensions stay with size 1; otherwise they are removed.
    @inline(__always)
    public func reduced(dims: [Int], keepdim: Bool, initial: Double,
                        _ combine: (Double, Double) -> Double) -> Tensor {
        if dims.count == rank && count > 0 {
            // Everything reduces to one element: no index bookkeeping.
            var total = initial
            for x in data { total = combine(total, x) }
            return Tensor(shape: keepdim ? [Int](repeating: 1, count: rank) : [], data: [total])
        }
        var keptShape = shape
        for d in dims { keptShape[d] = 1 }
        let outShape = keepdim ? keptShape : shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
        var out = [Double](repeating: initial, count: Tensor.count(of: keptShape))
        if dims.isEmpty || count == 0 {
            return count == 0 ? Tensor(shape: outShape, data: out) : Tensor(shape: outShape, data: data)
        }
        let outStrides = Tensor.broadcastStrides(from: keptShape, to: shape)
        let ownStrides = Tensor.strides(of: shape)
        out.withUnsafeMutableBufferPointer { po in
            data.withUnsafeBufferPointer { pa in
                Tensor.forEachRun(shape: shape, aStrides: ownStrides, bStrides: outStrides) { _, ao, oo, len, sa, so in
                    for i in 0..<len { po[oo + i * so] = combine(po[oo + i * so], pa[ao + i * sa]) }
                }
            }
        }
        return Tensor(shape: outShape, data: out)
    }
}
