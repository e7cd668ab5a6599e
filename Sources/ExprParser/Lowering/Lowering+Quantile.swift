import Autograd

// `quantile` and `nanquantile` as PyTorch computes them (aten/src/ATen/native/Sorting.cpp,
// `quantile_compute`): sort along the reduced dimension, turn each q into a rank q * (n - 1),
// gather the values below and above it and interpolate with `lerp`, so values and gradients
// (through sort, gather and lerp) are PyTorch's.

extension Lowering {
    static let quantileModes = ["linear", "lower", "higher", "midpoint", "nearest"]

    static let quantileFunctions: [(String, OpSpec)] = {
        func entry(_ name: String, _ summary: String) -> (String, OpSpec) {
            let params = [Param("input", .tensor), Param("q", .tensor), Param("dim", .int, default: AttrValue.none),
                          Param("keepdim", .bool, default: .bool(false)),
                          Param("interpolation", .string(choices: quantileModes), default: .string("linear"), keywordOnly: true)]
            return Lowering.languageEntry(name, params, summary)
        }
        return [
            entry("quantile", "the q-th quantiles (q a number or a 1-D tensor in [0, 1]) over dim, or of all elements"),
            entry("nanquantile", "quantile of the values that are not NaN"),
        ]
    }()

    /// The value of `quantile` or `nanquantile`, or nil when `name` is neither.
    func quantile(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value? {
        guard name == "quantile" || name == "nanquantile" else { return nil }
        func fail(_ message: String) -> Diagnostic { Diagnostic.opFailed(.value(message), at: node.range) }
        func run(_ op: String, _ operands: [Variable], _ attrs: Attrs = [:], gradFn: String? = nil) throws -> Variable {
            let spec = try registryOp(op, at: node.detail)
            return try runOp(gradFn.map { Lowering.renamed(spec, gradFn: $0) } ?? spec, operands, attrs, node: node)
        }
        let x = inputs[0], q = inputs[1], ignoreNaN = name == "nanquantile"
        guard x.value.count > 0 else { throw fail("quantile() input tensor must be non-empty") }
        guard q.value.rank <= 1 else { throw fail("quantile() q must be a scalar or 1D tensor") }
        guard x.value.dtype.isFloatingPoint else { throw fail("quantile() input tensor must be either float or double dtype") }
        if q.isWrappedNumber {
            let v = q.value.data[0]
            guard v >= 0 && v <= 1 else { throw fail("quantile() q must be in the range [0, 1] but got \(v)") }
        } else {
            guard q.value.dtype == x.value.dtype else { throw fail("quantile() q tensor must be same dtype as the input tensor") }
            guard q.value.data.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { throw fail("quantile() q values must be in the range [0, 1]") }
        }
        let mode: String
        if case .string(let m) = attrs["interpolation"] { mode = m } else { mode = "linear" }
        let rank = x.shape.count, keepdim = attrs.bool("keepdim")
        let dim: Int?
        if case .int(let d) = attrs["dim"] {
            do { dim = try Ops.normalizedDim(d, rank: Swift.max(rank, 1)) } catch let error as OpError { throw Diagnostic.opFailed(error, at: node.range) }
        } else { dim = nil }

        // The reduced dimension last, sorted (NaN sorts last).
        let lanes: Variable
        if let dim, rank > 0 {
            lanes = try run("permute", [x], ["dims": .ints((0..<rank).filter { $0 != dim } + [dim])])
        } else {
            lanes = try run("reshape", [x], ["shape": .ints([-1])])
        }
        let sorted = try run("sort", [lanes], ["dim": .int(-1)])
        let n = sorted.shape.last ?? 1, batch = Array(sorted.shape.dropLast()), laneCount = Swift.max(1, sorted.value.count / Swift.max(n, 1))
        let single = x.value.dtype.isFloat32
        let qs = single ? q.value.data.map { Double(Float($0)) } : q.value.data
        func rounded(_ v: Double) -> Double { single ? Double(Float(v)) : v }

        // Each lane's rank for each q, as PyTorch computes it in the input's dtype.
        var below = [Double](), above = [Double](), weights = [Double]()
        for lane in 0..<laneCount {
            let values = sorted.value.data[(lane * n)..<((lane + 1) * n)]
            let valid = values.filter { !$0.isNaN }.count
            for qk in qs {
                var r: Double
                if ignoreNaN { r = Swift.max(0, rounded(qk * Double(valid - 1))) } else {
                    r = valid < n ? Double(n - 1) : rounded(qk * Double(n - 1))
                }
                switch mode {
                case "lower": r = r.rounded(.down)
                case "higher": r = r.rounded(.up)
                case "nearest": r = r.rounded(.toNearestOrEven)
                default: break
                }
                let low = r.rounded(.towardZero)
                below.append(low)
                above.append(r.rounded(.up))
                weights.append(mode == "midpoint" ? 0.5 : rounded(r - low))
            }
        }
        let indexShape = batch + [qs.count]
        func indexTensor(_ data: [Double]) -> Variable { Variable(Tensor(shape: indexShape, data: data, dtype: .int64)) }
        var result = try run("gather", [sorted, indexTensor(below)], ["dim": .int(-1)])
        if mode == "linear" || mode == "midpoint" {
            let upper = try run("gather", [sorted, indexTensor(above)], ["dim": .int(-1)])
            let w = Variable(Tensor(shape: indexShape, data: weights, dtype: x.value.dtype))
            result = try run("lerp", [result, upper, w])
        }
        // PyTorch's result shape: q's dimension first, then the reduced shape (kept as 1s with keepdim).
        var shape: [Int] = q.value.rank == 1 ? [qs.count] : []
        if let dim, rank > 0 {
            shape += keepdim ? x.shape.enumerated().map { $0.offset == dim ? 1 : $0.element } : x.shape.enumerated().filter { $0.offset != dim }.map(\.element)
        } else if keepdim {
            shape += [Int](repeating: 1, count: rank)
        }
        if q.value.rank == 1 {
            result = try run("permute", [result], ["dims": .ints([result.shape.count - 1] + Array(0..<(result.shape.count - 1)))])
        }
        return .tensor(try run("reshape", [result], ["shape": .ints(shape)], gradFn: "SqueezeBackward4"))
    }
}
