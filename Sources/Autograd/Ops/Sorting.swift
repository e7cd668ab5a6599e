// Sorting and order statistics along a dimension: `sort`, `argsort`, `topk`, `kthvalue`,
// `median`, `mode`, `argmax`, `argmin`. Each picks positions along each lane of `dim`; the
// values are the input at those positions and their gradient is scattered back to them.
// In the language, `sort`, `topk`, `kthvalue`, `median(x, dim)` and `mode` return
// `(values, indices)`: the values op below and its indices op, which gives int64 positions.

extension Ops {
    static let sorting: [OpSpec] = [sort, argsort, topk, kthvalue, median, nanmedian, mode, argmax, argmin]

    /// Chooses positions in one lane (the values along `dim` at fixed other indices).
    typealias LaneChoice = ([Double], Attrs) throws -> [Int]

    /// The dimension an order op runs along: `dim` (the last when absent; all, flattened, for
    /// `flattenWithoutDim` ops), and the shape it sees.
    static func laneDim(_ x: Tensor, _ attrs: Attrs, flattenWithoutDim: Bool) throws -> (Tensor, Int) {
        if flattenWithoutDim && attrs["dim"] == .none { return (x.reshaped([x.count]), 0) }
        if x.rank == 0 { return (x.reshaped([1]), 0) }
        return (x, try normalize(dim: attrs.optionalInt("dim") ?? -1, rank: x.rank))
    }

    /// The chosen positions as an index tensor of `x`'s rank (size `m` along `dim`), with the
    /// lane view and dim it refers to.
    /// `reduction` names an op that reduces each lane to one position (`argmax`, `median`), which
    /// PyTorch refuses on an empty lane; `sort` and `topk` take empty lanes.
    static func chosenIndices(_ x: Tensor, _ attrs: Attrs, flattenWithoutDim: Bool, reduction: String?,
                              choose: LaneChoice) throws -> (Tensor, Tensor, Int) {
        let (view, dim) = try laneDim(x, attrs, flattenWithoutDim: flattenWithoutDim)
        let (outer, size, inner) = view.lanes(dim)
        if let reduction, size == 0, outer * inner > 0 {
            if flattenWithoutDim && attrs["dim"] == .none {
                throw OpError.value("\(reduction)(): Expected reduction dim to be specified for input.numel() == 0.")
            }
            throw OpError.value("\(reduction)(): Expected reduction dim \(dim) to have non-zero size.")
        }
        var picks: [[Int]] = []
        picks.reserveCapacity(outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                let lane = (0..<size).map { view.data[(o * size + $0) * inner + i] }
                picks.append(try choose(lane, attrs))
            }
        }
        let m = picks.first?.count ?? 0
        var data = [Double](repeating: 0, count: outer * m * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                for (j, p) in picks[o * inner + i].enumerated() { data[(o * m + j) * inner + i] = Double(p) }
            }
        }
        var shape = view.shape
        shape[dim] = m
        return (view, Tensor(shape: shape, data: data, dtype: .int64), dim)
    }

    /// The result shape: `index`'s, with a size-1 `dim` removed unless kept.
    static func finalShape(_ index: Tensor, dim: Int, squeeze: Bool, _ attrs: Attrs, rank: Int) -> [Int] {
        if rank == 0 { return [] }
        guard squeeze && !attrs.bool("keepdim") else { return index.shape }
        var shape = index.shape
        shape.remove(at: dim)
        return shape
    }

    /// The values op and the indices op of one order statistic.
    static func laneSelection(_ name: String, gradFn: String, gradFnForInputs: (([Variable], Attrs) -> String)? = nil,
                              params: [Param], summary: String, kinks: String,
                              squeeze: Bool, flattenWithoutDim: Bool = false, samples: @autoclosure @escaping () -> [OpSample],
                              boolRefusal: ((Attrs) -> String)? = nil, emptyWithoutDim: Double? = nil,
                              reducesLanes: Bool = true,
                              choose: @escaping LaneChoice) -> (values: OpSpec, indices: OpSpec) {
        // An op that reduces each lane to one position refuses an empty lane; sort and topk take it.
        let reduction = reducesLanes ? name : nil
        // PyTorch's error for a bool input, where its kernel has no bool version.
        func refusal(_ inputs: [Variable], _ attrs: Attrs) -> String? {
            guard let boolRefusal, inputs.first?.value.dtype == .bool else { return nil }
            return boolRefusal(attrs)
        }
        let values = OpSpec(
            name, params: params, gradFn: gradFn, gradFnForInputs: gradFnForInputs, summary: summary, kinks: kinks, samples: samples(),
            dtype: .promoteRefusing(accepted: boolRefusal == nil ? "all; result as `torch.result_type`" : DTypeRule.boolRefused) { inputs, attrs, _ in refusal(inputs, attrs) },
            forward: { args in
                // median() of an empty tensor is NaN, as PyTorch's.
                if let emptyWithoutDim, args[0].count == 0, flattenWithoutDim, args.attrs["dim"] == .none {
                    return Tensor(shape: [], data: [emptyWithoutDim], dtype: args[0].dtype)
                }
                let (view, index, dim) = try chosenIndices(args[0], args.attrs, flattenWithoutDim: flattenWithoutDim, reduction: reduction, choose: choose)
                // A 0-d input is its own result, as in PyTorch (whatever k picks, once k is valid).
                if args[0].rank == 0 { return args[0] }
                let picked = Tensor(shape: index.shape, data: try gatherOffsets(view.shape, dim: dim, index: index).map { view.data[$0] },
                                    dtype: args[0].dtype)
                return picked.reshaped(finalShape(index, dim: dim, squeeze: squeeze, args.attrs, rank: args[0].rank))
            },
            derivative: .vjp { ctx, g in
                let x = ctx[0]
                if x.shape.isEmpty { return [g] }
                let (view, index, dim) = try chosenIndices(x.value, ctx.attrs, flattenWithoutDim: flattenWithoutDim, reduction: reduction, choose: choose)
                let zeros = Ops.filled(view.shape, with: 0, dtype: g.dtype)
                let spread = try apply(scatterAdd, [zeros, Variable(index), g.reshaped(to: index.shape)], ["dim": .int(dim)])
                return [try spread.reshaped(to: x.shape)]
            })
        let indices = OpSpec(
            name + "_indices", params: params, gradFn: "", summary: "the indices of \(name)",
            dtype: .custom { inputs, attrs in
                if let message = refusal(inputs, attrs) { throw OpError.value(message) }
                return .int64
            },
            forward: { args in
                let (_, index, dim) = try chosenIndices(args[0], args.attrs, flattenWithoutDim: flattenWithoutDim, reduction: reduction, choose: choose)
                if args[0].rank == 0 { return Tensor(shape: [], data: [0], dtype: .int64) }
                return index.reshaped(finalShape(index, dim: dim, squeeze: squeeze, args.attrs, rank: args[0].rank))
            },
            derivative: .notDifferentiable("indices are integers; they do not require grad"))
        return (values, indices)
    }

    /// The position in `lane` of its k-th smallest value (0-based; NaN counts as largest),
    /// found as PyTorch's CPU quickselect finds it (median-of-three pivot, Hoare partition), so
    /// that among equal values the index, and with it the gradient, is the one PyTorch picks.
    static func quickSelect(_ lane: [Double], _ k: Int) -> Int {
        var values = lane, index = Array(lane.indices)
        func greaterOrNaN(_ x: Double, _ y: Double) -> Bool { (x.isNaN && !y.isNaN) || x > y }
        func swapAt(_ i: Int, _ j: Int) { values.swapAt(i, j); index.swapAt(i, j) }
        var low = 0, high = lane.count - 1
        while high > low {
            if high == low + 1 {
                if greaterOrNaN(values[low], values[high]) { swapAt(low, high) }
                break
            }
            swapAt(low + (high - low) / 2, low + 1)
            if greaterOrNaN(values[low + 1], values[high]) { swapAt(low + 1, high) }
            if greaterOrNaN(values[low], values[high]) { swapAt(low, high) }
            if greaterOrNaN(values[low + 1], values[low]) { swapAt(low + 1, low) }
            var i = low + 1, j = high
            let pivot = values[low]
            while true {
                repeat { i += 1 } while greaterOrNaN(pivot, values[i])
                repeat { j -= 1 } while greaterOrNaN(values[j], pivot)
                if j < i { break }
                swapAt(i, j)
            }
            swapAt(low, j)
            if j <= k { low = i }
            if j >= k { high = j - 1 }
        }
        return index[k]
    }

    /// Positions of `lane` in ascending order (NaN last, as PyTorch sorts), stable; descending reverses the order of values, ties stay in order.
    static func order(_ lane: [Double], descending: Bool) -> [Int] {
        func key(_ v: Double) -> Double { v.isNaN ? .infinity : v }
        return lane.indices.sorted { a, b in
            let x = lane[a], y = lane[b]
            if x.isNaN != y.isNaN { return descending ? x.isNaN : y.isNaN }
            if key(x) != key(y) { return descending ? key(x) > key(y) : key(x) < key(y) }
            return a < b
        }
    }

    static let sortDim = Param("dim", .int, default: .int(-1))

    static let sortPair = laneSelection(
        "sort", gradFn: "SortBackward0",
        // `stable=` picks PyTorch's sort.stable overload, whose node is SortBackward1.
        gradFnForInputs: { _, attrs in attrs["stable"] == .none ? "SortBackward0" : "SortBackward1" },
        params: [input, sortDim, Param("descending", .bool, default: .bool(false)), Param("stable", .bool, default: AttrValue.none)],
        summary: "the values along dim in order (with indices: a tuple)", kinks: "ties keep their order; the gradient follows each value to its place",
        squeeze: false, samples: [OpSample([[3, 4]]), OpSample([[5]], attrs: ["descending": .bool(true)])],
        reducesLanes: false
    ) { lane, attrs in order(lane, descending: attrs.bool("descending")) }
    /// `sort(input, dim=-1, descending=False)`: the sorted values (a tuple with indices in the language).
    public static let sort = sortPair.values
    /// The indices `sort` returns.
    public static let sortIndices = sortPair.indices

    /// `argsort(input, dim=-1, descending=False)`: the positions that sort `input` along `dim`.
    public static let argsort = OpSpec(
        "argsort", params: sortPair.values.params, gradFn: "", summary: "the indices that sort input along dim",
        dtype: .custom { _, _ in .int64 },
        forward: sortIndices.forward, derivative: .notDifferentiable("indices are integers; they do not require grad"))

    static let topkPair = laneSelection(
        "topk", gradFn: "TopkBackward0",
        params: [input, Param("k", .int), sortDim, Param("largest", .bool, default: .bool(true)), Param("sorted", .bool, default: .bool(true))],
        summary: "the k largest (or smallest) values along dim (with indices: a tuple)",
        kinks: "among ties the values, indices and gradient go where PyTorch's CPU kernel (libstdc++'s nth_element or partial_sort) puts them", squeeze: false,
        samples: [OpSample([[3, 4]], attrs: ["k": .int(2)]), OpSample([[5]], attrs: ["k": .int(3), "largest": .bool(false)])],
        boolRefusal: { _ in "topk does not support bool dtypes on CPU" },
        reducesLanes: false
    ) { lane, attrs in
        let k = try attrs.int("k")
        guard k >= 0 && k <= lane.count else { throw OpError.value("selected index k out of range") }
        return topkPositions(lane, k: k, largest: attrs.bool("largest"), sorted: attrs.bool("sorted"))
    }
    /// `topk(input, k, dim=-1, largest=True, sorted=True)`: the k largest values.
    public static let topk = topkPair.values
    /// The indices `topk` returns.
    public static let topkIndices = topkPair.indices

    static let kthvaluePair = laneSelection(
        "kthvalue", gradFn: "KthvalueBackward0",
        params: [input, Param("k", .int), sortDim, keepdim],
        summary: "the k-th smallest value along dim (with its index: a tuple)",
        kinks: "among ties the gradient goes to the index PyTorch's quickselect picks", squeeze: true,
        samples: [OpSample([[3, 4]], attrs: ["k": .int(2)]), OpSample([[2, 5]], attrs: ["k": .int(5), "keepdim": .bool(true)])],
        boolRefusal: { _ in DTypeRule.notImplemented("kthvalue_cpu", .bool) }
    ) { lane, attrs in
        let k = try attrs.int("k")
        guard k >= 1 && k <= lane.count else { throw OpError.value("kthvalue(): selected number k out of range for dimension \(attrs.optionalInt("dim") ?? -1)") }
        return [quickSelect(lane, k - 1)]
    }
    /// `kthvalue(input, k, dim=-1, keepdim=False)`: the k-th smallest value (1-based).
    public static let kthvalue = kthvaluePair.values
    /// The index `kthvalue` returns.
    public static let kthvalueIndices = kthvaluePair.indices

    static let medianPair = laneSelection(
        "median", gradFn: "MedianBackward1",
        params: [input, Param("dim", .int, default: AttrValue.none), keepdim],
        summary: "the lower median, over all elements or along dim (with dim and indices: a tuple)",
        kinks: "of an even count the lower of the two middle values; along dim the gradient goes to the index median returns",
        squeeze: true, flattenWithoutDim: true,
        samples: [OpSample([[5]]), OpSample([[3, 4]], attrs: ["dim": .int(1)])],
        boolRefusal: { attrs in DTypeRule.notImplemented(attrs["dim"] == .none ? "median_cpu" : "median_out", .bool) },
        emptyWithoutDim: .nan
    ) { lane, _ in
        let sorted = order(lane, descending: false)
        // NaN propagates: PyTorch's median of a lane holding NaN is NaN (at the first NaN).
        if let nan = lane.firstIndex(where: \.isNaN) { return [nan] }
        return [sorted[(lane.count - 1) / 2]]
    }
    /// `median(input)` or `median(input, dim, keepdim=False)`: the lower median.
    public static let median = OpSpec(
        "median", params: medianPair.values.params, gradFn: "MedianBackward0",
        gradFnWithDim: "MedianBackward1", summary: medianPair.values.summary,
        kinks: "of an even count the lower of the two middle values; over all elements, tied elements share the gradient evenly (PyTorch's MedianBackward0); along dim it goes to the index median returns",
        samples: medianPair.values.samples, dtype: medianPair.values.dtypeRule,
        forward: medianPair.values.forward,
        derivative: .vjp { ctx, g in
            // Without dim PyTorch uses evenly_distribute_backward, as max() does; with dim the
            // whole gradient goes to the selected index.
            guard ctx.attrs["dim"] != .none else { return [try evenlyDistributed(ctx, g, nanAware: true)] }
            guard case .vjp(let alongDim) = medianPair.values.derivative else { return [nil] }
            return try alongDim(ctx, g)
        }).savingResult()
    /// The index `median(input, dim)` returns.
    public static let medianIndices = medianPair.indices

    static let nanmedianPair = laneSelection(
        "nanmedian", gradFn: "NanmedianBackward1",
        params: medianPair.values.params,
        summary: "the lower median of the values that are not NaN (NaN when all are), over all elements or along dim (with dim and indices: a tuple)",
        kinks: "as median, with NaN left out", squeeze: true, flattenWithoutDim: true,
        samples: [OpSample([[5]]), OpSample([[3, 4]], attrs: ["dim": .int(1)])],
        emptyWithoutDim: .nan
    ) { lane, _ in
        // PyTorch's nth_element orders NaN last; a lane of NaN only picks its first element.
        let count = lane.filter { !$0.isNaN }.count
        return [order(lane, descending: false)[Swift.max(0, count - 1) / 2]]
    }
    /// `nanmedian(input)` or `nanmedian(input, dim, keepdim=False)`: the lower median, NaN ignored.
    public static let nanmedian = OpSpec(
        "nanmedian", params: nanmedianPair.values.params, gradFn: "NanmedianBackward0",
        gradFnWithDim: "NanmedianBackward1", summary: nanmedianPair.values.summary,
        kinks: "as median, with NaN left out: over all elements, the elements equal to the result share the gradient evenly (all the NaN when the result is NaN)",
        samples: nanmedianPair.values.samples,
        forward: nanmedianPair.values.forward,
        derivative: .vjp { ctx, g in
            guard ctx.attrs["dim"] != .none else { return [try evenlyDistributed(ctx, g, nanAware: true)] }
            guard case .vjp(let alongDim) = nanmedianPair.values.derivative else { return [nil] }
            return try alongDim(ctx, g)
        }).savingResult()
    /// The index `nanmedian(input, dim)` returns.
    public static let nanmedianIndices = nanmedianPair.indices

    static let modePair = laneSelection(
        "mode", gradFn: "ModeBackward0", params: [input, sortDim, keepdim],
        summary: "the most frequent value along dim, the smallest of equally frequent ones (with its index: a tuple)",
        kinks: "the gradient goes to the last occurrence of the value", squeeze: true,
        samples: [OpSample([[3, 4]]), OpSample([[2, 3]], attrs: ["dim": .int(0), "keepdim": .bool(true)])]
    ) { lane, _ in
        var best = 0, bestCount = 0
        for (i, v) in lane.enumerated() {
            let count = lane.filter { $0 == v }.count
            if count > bestCount || (count == bestCount && v < lane[best]) { (best, bestCount) = (i, count) }
        }
        return [lane.lastIndex(of: lane[best]) ?? best]
    }
    /// `mode(input, dim=-1, keepdim=False)`: the most frequent value.
    public static let mode = modePair.values
    /// The index `mode` returns.
    public static let modeIndices = modePair.indices

    /// The position of the first extremum of a lane (the first NaN if any), as `max(x, dim)` returns it.
    static func firstExtremum(_ lane: [Double], largest: Bool) -> [Int] {
        if let nan = lane.firstIndex(where: \.isNaN) { return [nan] }
        var best = 0
        for (i, v) in lane.enumerated() where largest ? v > lane[best] : v < lane[best] { best = i }
        return [best]
    }

    static func argExtremum(_ name: String, largest: Bool, refusesBool: Bool = false) -> OpSpec {
        laneSelection(name, gradFn: "", params: [input, Param("dim", .int, default: AttrValue.none), keepdim],
                      summary: "the index of the \(largest ? "largest" : "smallest") element (flattened when dim is absent)",
                      kinks: "", squeeze: true, flattenWithoutDim: true, samples: [],
                      boolRefusal: refusesBool ? { _ in "\(name)(): does not support bool input" } : nil) { lane, _ in
            firstExtremum(lane, largest: largest)
        }.indices
    }

    /// `argmax(input, dim=None, keepdim=False)`.
    public static let argmax = rename(argExtremum("argmax", largest: true, refusesBool: true), to: "argmax")
    /// `argmin(input, dim=None, keepdim=False)`.
    public static let argmin = rename(argExtremum("argmin", largest: false, refusesBool: true), to: "argmin")

    /// The indices `max(input, dim)` returns (the first occurrence; not in the registry).
    public static let maxIndices = argExtremum("max", largest: true)
    /// The indices `min(input, dim)` returns.
    public static let minIndices = argExtremum("min", largest: false)

    /// `spec` under another name (for index ops that are public functions of their own).
    static func rename(_ spec: OpSpec, to name: String) -> OpSpec {
        OpSpec(name, params: spec.params, gradFn: "", summary: spec.summary, dtype: spec.dtypeRule, forward: spec.forward,
               derivative: .notDifferentiable("indices are integers; they do not require grad"))
    }
}

extension Ops {
    /// `dim` normalised against `rank` (negative counts from the end), with PyTorch's error.
    public static func normalizedDim(_ dim: Int, rank: Int) throws -> Int { try normalize(dim: dim, rank: rank) }
}
