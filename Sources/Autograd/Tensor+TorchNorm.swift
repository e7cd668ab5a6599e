import Glibc

// Vector norms as PyTorch's CPU kernel computes them (aten/src/ATen/native/cpu/ReduceOpsKernel.cpp
// `norm_kernel_tensor_iterator_impl`, SharedReduceOps.h's Norm*Ops), so that they round exactly
// as PyTorch's do. The accumulator has the tensor's dtype (float for float32).
//
// - p = 2 over the last dimension of a contiguous block (a full reduction included): the AVX2
//   kernel, which AVX-512 CPUs run too (measured), lanes of 8 float32 or 4 float64 adding
//   `x * x` (not fused), the lanes folded in order, then the elements after the last whole
//   vector: float32's in groups of 4 with rounded products and the rest one fused multiply-add
//   each, float64's all fused (measured against PyTorch's AVX2 build; none fused under
//   `default`); then the square root;
// - otherwise, each output over its elements in memory order: `acc + x * x` for p = 2,
//   `acc + |x|` for 1, the count of nonzeros for 0, the largest or smallest |x| (NaN wins) for
//   +-inf, else `acc + pow(|x|, p)` and `pow(acc, 1 / p)`. A single output above PyTorch's
//   parallel grain is split across its threads, each part from 0, the parts added in order.

extension Tensor {
    /// The p-norm over `dims` (sorted, normalised) of a float32 or float64 tensor.
    func torchNorm(p: Double, dims: [Int], keepdim: Bool) -> Tensor {
        precondition(dtype.isFloatingPoint)
        return dtype.isFloat32 ? norm(Float.self, p: p, dims: dims, keepdim: keepdim)
                               : norm(Double.self, p: p, dims: dims, keepdim: keepdim)
    }

    private func norm<T: BinaryFloatingPoint & ElementaryPowers>(_: T.Type, p: Double, dims: [Int], keepdim: Bool) -> Tensor {
        let values = data.map { T($0) }
        // Dimensions of size 1 do not change the order (PyTorch's iterator drops them).
        let reduced = dims.filter { shape[$0] != 1 }
        let sized = (0..<rank).filter { shape[$0] != 1 }
        let trailing = !reduced.isEmpty && reduced == Array(sized.suffix(reduced.count))
        if p == 2 && (trailing || reduced.isEmpty) && count > 0 {
            let rowLength = reduced.reduce(1) { $0 * shape[$1] }
            var kept = shape
            for d in dims { kept[d] = 1 }
            let outShape = keepdim ? kept : shape.enumerated().filter { !dims.contains($0.offset) }.map(\.element)
            let rows = count / rowLength
            let out = (0..<rows).map { r in Double(Tensor.twoNormOfRow(values[(r * rowLength)..<((r + 1) * rowLength)])) }
            return Tensor(shape: outShape, data: out, dtype: dtype)
        }
        let (outShape, groups) = reductionGroups(dims: dims, keepdim: keepdim)
        let (step, initial, project) = Tensor.normOps(T.self, p: p)
        let out = groups.map { group -> Double in
            guard groups.count == 1 else { return Double(project(group.reduce(initial) { step($0, values[$1]) })) }
            var total = initial
            for part in TorchThreads.parts(of: group.count) { total = Tensor.combine(total, group[part].reduce(initial) { step($0, values[$1]) }, p: p) }
            return Double(project(total))
        }
        return Tensor(shape: outShape, data: out, dtype: dtype)
    }

    /// `norm_two_reduce_step` over one contiguous row, then the fold, the tail and the root.
    private static func twoNormOfRow<T: BinaryFloatingPoint & ElementaryPowers>(_ row: ArraySlice<T>) -> T {
        let lanes = 32 / MemoryLayout<T>.size
        var acc = [T](repeating: 0, count: lanes)
        var i = row.startIndex
        while i + lanes <= row.endIndex {
            for l in 0..<lanes { acc[l] = acc[l] + row[i + l] * row[i + l] }
            i += lanes
        }
        var total = acc[0]
        for l in 1..<lanes { total = total + acc[l] }
        if T.self == Float.self && TorchFloat32Math.fusesMultiplyAdd {
            while i + 4 <= row.endIndex {
                for k in 0..<4 { total = total + row[i + k] * row[i + k] }
                i += 4
            }
        }
        while i < row.endIndex {
            total = TorchFloat32Math.multiplyAdd(row[i], row[i], total)
            i += 1
        }
        return total.squareRoot()
    }

    /// The reduce step, the initial accumulator and the projection of PyTorch's Norm*Ops for `p`.
    private static func normOps<T: BinaryFloatingPoint & ElementaryPowers>(_: T.Type, p: Double) -> ((T, T) -> T, T, (T) -> T) {
        switch p {
        case 0: return ({ acc, x in acc + (x == 0 ? 0 : 1) }, 0, { $0 })
        case 1: return ({ acc, x in acc + Swift.abs(x) }, 0, { $0 })
        case 2: return ({ acc, x in acc + x * x }, 0, { $0.squareRoot() })
        case .infinity: return ({ acc, x in acc.isNaN || x.isNaN ? .nan : Swift.max(acc, Swift.abs(x)) }, 0, { $0 })
        case -.infinity: return ({ acc, x in acc.isNaN || x.isNaN ? .nan : Swift.min(acc, Swift.abs(x)) }, .infinity, { $0 })
        default:
            let order = T(p), inverse = 1 / T(p)
            return ({ acc, x in acc + T.power(Swift.abs(x), order) }, 0, { T.power($0, inverse) })
        }
    }

    /// Norm*Ops' `combine` of two parts' accumulators.
    private static func combine<T: BinaryFloatingPoint>(_ a: T, _ b: T, p: Double) -> T {
        switch p {
        case .infinity: return a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
        case -.infinity: return a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
        default: return a + b
        }
    }
}

/// `std::pow` for the accumulator's type: `powf` for float, `pow` for double.
protocol ElementaryPowers {
    static func power(_ x: Self, _ y: Self) -> Self
}

extension Float: ElementaryPowers {
    static func power(_ x: Float, _ y: Float) -> Float { Glibc.powf(x, y) }
}

extension Double: ElementaryPowers {
    static func power(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
}
