import Glibc

// Running scans along a dimension: `cumprod`, `logcumsumexp`, `cummax`, `cummin` (the last
// two return `(values, indices)` in the language). Where a closed form divides by the input
// (`cumprod` at a zero) or overflows (`logcumsumexp`), the VJPs use the n x n form over
// pairs of positions (k, j >= k) instead, which stays exact and differentiable.

extension Ops {
    static let scans: [OpSpec] = [cumprod, logcumsumexp, cummax, cummin]

    /// Runs `step(previous, x)` along each lane of `dim`, writing each result in place.
    static func scanned(_ x: Tensor, dim: Int, _ step: (Double, Double) -> Double) -> Tensor {
        guard x.rank > 0 else { return x }
        let (outer, size, inner) = x.lanes(dim)
        var out = x
        for o in 0..<outer {
            for j in 1..<Swift.max(size, 1) {
                for i in 0..<inner {
                    let at = (o * size + j) * inner + i
                    out.data[at] = step(out.data[at - inner], out.data[at])
                }
            }
        }
        return out
    }

    static let scanDim = Param("dim", .int)

    /// Masks over pairs (k at `dim`, j at `dim + 1`) of one lane of size n, shaped to broadcast
    /// against a tensor of rank `rank + 1`: `j == k` and `j >= k`.
    static func pairMasks(n: Int, dim: Int, rank: Int) -> (diagonal: Variable, upper: Variable) {
        let shape = [n, n] + [Int](repeating: 1, count: rank - dim - 1)
        func mask(_ keep: (Int, Int) -> Bool) -> Variable {
            Variable(Tensor(shape: shape, data: (0..<n * n).map { keep($0 / n, $0 % n) ? 1 : 0 }, dtype: .bool))
        }
        return (mask(==), mask { k, j in j >= k })
    }

    /// `cumprod(input, dim)`: running products along dim.
    public static let cumprod: OpSpec = OpSpec(
        "cumprod", params: [input, scanDim], gradFn: "CumprodBackward0", summary: "running products along dim",
        kinks: "exact at zeros (each position's gradient is the product of the others before each later position)",
        samples: [OpSample([[3, 4]], attrs: ["dim": .int(1)]), OpSample([[4, 2]], attrs: ["dim": .int(0)]),
                  OpSample([[4]], attrs: ["dim": .int(0)], fixed: [0: Tensor([1.5, 0, -0.7, 2])])],
        dtype: .integralToInt64,
        forward: exactInt64 { args in
            guard args[0].rank > 0 else { return args[0] }
            return scanned(args[0], dim: try normalize(dim: args.attrs.int("dim"), rank: args[0].rank), *)
        },
        derivative: .vjp { ctx, g in
            let x = ctx[0]
            guard x.shape.count > 0 else { return [g] }
            let d = try normalize(dim: ctx.attrs.int("dim"), rank: x.shape.count)
            if !x.value.data.contains(0) {
                // Sums from each position to the end of g * out, divided by x.
                let dims: Attrs = ["dims": .ints([d])]
                let reversed = try apply(flip, [try g * ctx.result()], dims)
                return [try apply(flip, [try apply(cumsum, [reversed], ["dim": .int(d)])], dims) / x]
            }
            // gx_k = sum over j >= k of g_j * prod_{i <= j, i != k} x_i.
            let n = x.shape[d]
            let (diagonal, upper) = pairMasks(n: n, dim: d, rank: x.shape.count)
            var expanded = x.shape
            expanded.insert(n, at: d)
            let others = try Variable.where(diagonal, Variable(1), try x.unsqueeze(d).expand(expanded))
            let products = try apply(cumprod, [others], ["dim": .int(d + 1)])
            let terms = try Variable.where(upper, try products * g.unsqueeze(d), Variable(0))
            return [try terms.sum(dim: [d + 1])]
        }).savingResult()

    /// `logcumsumexp(input, dim)`: log of the running sums of exp(input) along dim.
    public static let logcumsumexp: OpSpec = OpSpec(
        "logcumsumexp", params: [input, scanDim], gradFn: "LogcumsumexpBackward0",
        summary: "log(cumsum(exp(input), dim)), computed without overflow",
        samples: [OpSample([[3, 4]], attrs: ["dim": .int(1)]), OpSample([[4, 2]], attrs: ["dim": .int(0)])],
        dtype: .floatingKernel("logcumsumexp_out_cpu"),
        forward: { args in
            guard args[0].rank > 0 else { return args[0] }
            return scanned(args[0], dim: try normalize(dim: args.attrs.int("dim"), rank: args[0].rank)) { a, b in
                let hi = Swift.max(a, b), lo = Swift.min(a, b)
                if hi == -.infinity || hi == .infinity || hi.isNaN || lo.isNaN { return hi.isNaN || lo.isNaN ? .nan : hi }
                return hi + Glibc.log1p(Glibc.exp(lo - hi))
            }
        },
        derivative: .vjp { ctx, g in
            // gx_k = sum over j >= k of g_j * exp(x_k - out_j); the exponent is <= 0 there.
            let x = ctx[0]
            guard x.shape.count > 0 else { return [g] }
            let d = try normalize(dim: ctx.attrs.int("dim"), rank: x.shape.count)
            let (_, upper) = pairMasks(n: x.shape[d], dim: d, rank: x.shape.count)
            let exponent = try x.unsqueeze(d + 1) - ctx.result().unsqueeze(d)
            let weights = try Variable.where(upper, exponent, Variable(-Double.infinity)).exp()
            return [try (weights * g.unsqueeze(d)).sum(dim: [d + 1])]
        }).savingResult()

    /// The running extremum of each lane and where it was last reached (ties and NaN as
    /// PyTorch: a value equal to the running one moves the index; NaN stays once seen).
    static func runningExtremum(_ x: Tensor, dim: Int, largest: Bool) -> (values: Tensor, indices: Tensor) {
        guard x.rank > 0 else { return (x, Tensor(shape: [], data: [0], dtype: .int64)) }
        let (outer, size, inner) = x.lanes(dim)
        var values = x, indices = Tensor(shape: x.shape, data: [Double](repeating: 0, count: x.count), dtype: .int64)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                for j in 0..<size {
                    let at = (o * size + j) * inner + i, bestAt = (o * size + best) * inner + i
                    let v = x.data[at], current = x.data[bestAt]
                    if j == 0 || v.isNaN || (!current.isNaN && (largest ? v >= current : v <= current)) { best = j }
                    values.data[at] = x.data[(o * size + best) * inner + i]
                    indices.data[at] = Double(best)
                }
            }
        }
        return (values, indices)
    }

    static func cumulativeExtremum(_ name: String, largest: Bool) -> (values: OpSpec, indices: OpSpec) {
        func dim(_ x: Tensor, _ attrs: Attrs) throws -> Int { x.rank == 0 ? 0 : try normalize(dim: attrs.int("dim"), rank: x.rank) }
        let values = OpSpec(
            name, params: [input, scanDim], gradFn: largest ? "CummaxBackward0" : "CumminBackward0",
            summary: "the running \(largest ? "maximum" : "minimum") along dim (with indices: a tuple)",
            kinks: "ties go to the later position, where the gradient flows",
            samples: [OpSample([[3, 4]], attrs: ["dim": .int(1)]), OpSample([[4, 2]], attrs: ["dim": .int(0)])],
            forward: { args in runningExtremum(args[0], dim: try dim(args[0], args.attrs), largest: largest).values },
            derivative: .vjp { ctx, g in
                let x = ctx[0]
                guard x.shape.count > 0 else { return [g] }
                let index = runningExtremum(x.value, dim: try dim(x.value, ctx.attrs), largest: largest).indices
                return [try apply(scatterAdd, [Ops.filled(x.shape, with: 0, dtype: g.dtype), Variable(index), g], ["dim": ctx.attrs["dim"]])]
            })
        let indices = OpSpec(
            name + "_indices", params: [input, scanDim], gradFn: "", summary: "the indices of \(name)",
            dtype: .custom { _, _ in .int64 },
            forward: { args in runningExtremum(args[0], dim: try dim(args[0], args.attrs), largest: largest).indices },
            derivative: .notDifferentiable("indices are integers; they do not require grad"))
        return (values, indices)
    }

    static let cummaxPair = cumulativeExtremum("cummax", largest: true)
    /// `cummax(input, dim)`: the running maximum (a tuple with indices in the language).
    public static let cummax = cummaxPair.values
    /// The indices `cummax` returns.
    public static let cummaxIndices = cummaxPair.indices
    static let cumminPair = cumulativeExtremum("cummin", largest: false)
    /// `cummin(input, dim)`: the running minimum (a tuple with indices in the language).
    public static let cummin = cumminPair.values
    /// The indices `cummin` returns.
    public static let cumminIndices = cumminPair.indices
}
