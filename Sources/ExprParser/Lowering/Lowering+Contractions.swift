import Autograd

// Products and distances PyTorch composes from matrix products and reductions, composed here
// the same way: `tensordot` (permute, reshape, mm), `bilinear` (x1^T W x2 + b) and `cdist`
// (a norm of differences, or for many points PyTorch's matrix-product form of the 2-norm).

extension Lowering {
    static let contractionFunctions: [(String, OpSpec)] = {
        let entry = Lowering.languageEntry
        return [
            entry("tensordot", [Param("a", .tensor), Param("b", .tensor), Param("dims", .tensor, default: .int(2))],
                  "a and b contracted over dims: the last dims of a with the first of b, or two lists of dims"),
            entry("bilinear", [Param("input1", .tensor), Param("input2", .tensor), Param("weight", .tensor),
                               Param("bias", .tensor, default: AttrValue.none)],
                  "input1^T weight[k] input2 + bias[k] for each output k"),
            entry("cdist", [Param("x1", .tensor), Param("x2", .tensor), Param("p", .double, default: .double(2)),
                            Param("compute_mode", .string(choices: cdistModes), default: AttrValue.none)],
                  "the p-norm distance between each row of x1 and each row of x2 (batches broadcast)"),
        ]
    }()

    static let cdistModes = ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"]

    /// The value of a contraction, or nil when `name` is not one.
    func contraction(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value? {
        switch name {
        case "tensordot": return .tensor(try tensordot(inputs[0], inputs[1], inputs[2].value, node: node))
        case "bilinear": return .tensor(try bilinear(inputs, attrs, node: node))
        case "cdist": return .tensor(try cdist(inputs[0], inputs[1], attrs, node: node))
        default: return nil
        }
    }

    private func fail(_ message: String, _ node: Node) -> Diagnostic { Diagnostic.opFailed(.value(message), at: node.range) }

    private func run(_ op: String, _ operands: [Variable], _ attrs: Attrs = [:], gradFn: String? = nil, node: Node) throws -> Variable {
        let spec = try registryOp(op, at: node.detail)
        return try runOp(gradFn.map { Lowering.renamed(spec, gradFn: $0) } ?? spec, operands, attrs, node: node)
    }

    /// `tensordot(a, b, dims)`: `dims` is a count (the last `dims` of a with the first of b) or
    /// a pair of lists of dims.
    func tensordot(_ a: Variable, _ b: Variable, _ dims: Tensor, node: Node) throws -> Variable {
        let (ra, rb) = (a.shape.count, b.shape.count)
        var dimsA: [Int], dimsB: [Int]
        if dims.rank == 0 {
            guard let k = Lowering.integer(dims.data[0]) else { throw fail("tensordot expects dims to be an integer or two lists", node) }
            guard k >= 0 else { throw fail("tensordot expects dims >= 0, but got dims=\(k)", node) }
            guard k <= Swift.min(ra, rb) else { throw fail("tensordot expects dims < ndim_a or ndim_b, but got dims=\(k)", node) }
            dimsA = Array((ra - k)..<ra)
            dimsB = Array(0..<k)
        } else if dims.rank == 1 {
            throw fail("tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not int", node)
        } else if dims.shape.first == 2, dims.rank == 2 {
            let half = dims.count / 2
            let ints = dims.data.compactMap(Lowering.integer)
            guard ints.count == dims.count else { throw fail("tensordot expects dims to be an integer or two lists", node) }
            dimsA = Array(ints[..<half])
            dimsB = Array(ints[half...])
        } else {
            throw fail("both dimension lists should have same length", node)
        }
        func normalized(_ d: Int, _ rank: Int) throws -> Int {
            do { return try Ops.normalizedDim(d, rank: rank) } catch let error as OpError { throw Diagnostic.opFailed(error, at: node.range) }
        }
        dimsA = try dimsA.map { try normalized($0, ra) }
        dimsB = try dimsB.map { try normalized($0, rb) }
        for (da, db) in zip(dimsA, dimsB) where a.shape[da] != b.shape[db] {
            throw fail("contracted dimensions need to match, but first has size \(a.shape[da]) in dim \(da) and second has size \(b.shape[db]) in dim \(db)", node)
        }
        let freeA = (0..<ra).filter { !dimsA.contains($0) }, freeB = (0..<rb).filter { !dimsB.contains($0) }
        func product(_ shape: [Int], _ dims: [Int]) -> Int { dims.reduce(1) { $0 * shape[$1] } }
        let left = try run("reshape", [try run("permute", [a], ["dims": .ints(freeA + dimsA)], node: node)],
                           ["shape": .ints([product(a.shape, freeA), product(a.shape, dimsA)])], node: node)
        let right = try run("reshape", [try run("permute", [b], ["dims": .ints(dimsB + freeB)], node: node)],
                            ["shape": .ints([product(b.shape, dimsB), product(b.shape, freeB)])], node: node)
        let shape = freeA.map { a.shape[$0] } + freeB.map { b.shape[$0] }
        return try run("reshape", [try run("mm", [left, right], node: node)], ["shape": .ints(shape)], gradFn: "ViewBackward0", node: node)
    }

    /// `bilinear(input1, input2, weight, bias=None)`: `y[..., k] = input1 @ weight[k] @ input2 + bias[k]`.
    func bilinear(_ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Variable {
        let x1 = inputs[0], x2 = inputs[1], w = inputs[2]
        guard x1.shape.count == x2.shape.count else {
            throw fail("bilinear(): input dimensions do not match: got \(x1.shape.count) and \(x2.shape.count)", node)
        }
        guard x1.shape.dropLast() == x2.shape.dropLast() else {
            throw fail("bilinear(): input batch dimensions do not match: got \(Array(x1.shape.dropLast())) and \(Array(x2.shape.dropLast()))", node)
        }
        guard w.shape.count == 3 else { throw fail("bilinear(): weight must be 3-dimensional, got \(w.shape.count)-dimensional", node) }
        guard x1.shape.last == w.shape[1] else {
            throw fail("bilinear(): input1 size does not match weight size: got \(x1.shape.last ?? 0) but expected \(w.shape[1])", node)
        }
        guard x2.shape.last == w.shape[2] else {
            throw fail("bilinear(): input2 size does not match weight size: got \(x2.shape.last ?? 0) but expected \(w.shape[2])", node)
        }
        // x1 [..., 1, 1, I] @ W [O, I, J] -> [..., O, 1, J], times x2 [..., 1, J], summed over J.
        let rows = try run("unsqueeze", [try run("unsqueeze", [x1], ["dim": .int(-2)], node: node)], ["dim": .int(-2)], node: node)
        let left = try run("squeeze", [try run("matmul", [rows, w], node: node)], ["dim": .ints([-2])], node: node)
        let terms = try run("mul", [left, try run("unsqueeze", [x2], ["dim": .int(-2)], node: node)], node: node)
        let hasBias = attrs.bool("bias")
        let sum = try run("sum", [terms], ["dim": .ints([-1])], gradFn: hasBias ? nil : "ViewBackward0", node: node)
        return hasBias ? try run("add", [sum, inputs[3]], node: node) : sum
    }

    /// `cdist(x1, x2, p=2.0, compute_mode=None)`. For p = 2 with more than 25 rows on either side
    /// (or when asked) PyTorch uses |a|^2 - 2 a.b + |b|^2 from one matrix product, clamped at
    /// 1e-30 before the square root; otherwise the norm of the differences.
    func cdist(_ x1: Variable, _ x2: Variable, _ attrs: Attrs, node: Node) throws -> Variable {
        guard x1.shape.count >= 2 else { throw fail("cdist only supports at least 2D tensors, X1 got: \(x1.shape.count)D", node) }
        guard x2.shape.count >= 2 else { throw fail("cdist only supports at least 2D tensors, X2 got: \(x2.shape.count)D", node) }
        guard x1.shape.last == x2.shape.last else {
            throw fail("X1 and X2 must have the same number of columns. X1: \(x1.shape.last ?? 0) X2: \(x2.shape.last ?? 0)", node)
        }
        let p = try attrs.double("p")
        guard p >= 0 else { throw fail("cdist only supports non-negative p values", node) }
        let mode: String
        if case .string(let m) = attrs["compute_mode"] { mode = m } else { mode = Lowering.cdistModes[0] }
        let r1 = x1.shape[x1.shape.count - 2], r2 = x2.shape[x2.shape.count - 2]
        if p == 2 && (mode == "use_mm_for_euclid_dist" || (mode == Lowering.cdistModes[0] && (r1 > 25 || r2 > 25))) {
            func squaredNorms(_ x: Variable) throws -> Variable {
                try run("sum", [try run("pow", [x, Variable(wrappedNumber: 2, dtype: .int64)], node: node)],
                        ["dim": .ints([-1]), "keepdim": .bool(true)], node: node)
            }
            let n1 = try squaredNorms(x1), n2 = try squaredNorms(x2)
            let ones1 = Variable(Tensor(shape: n1.shape, data: [Double](repeating: 1, count: n1.value.count), dtype: n1.value.dtype))
            let ones2 = Variable(Tensor(shape: n2.shape, data: [Double](repeating: 1, count: n2.value.count), dtype: n2.value.dtype))
            let scaled = try run("mul", [x1, Variable(wrappedNumber: -2, dtype: .int64)], node: node)
            let left = try run("cat", [scaled, n1, ones1], ["dim": .int(-1)], node: node)
            let right = try run("cat", [x2, ones2, n2], ["dim": .int(-1)], node: node)
            let products = try run("matmul", [left, try run("transpose", [right], ["dim0": .int(-2), "dim1": .int(-1)], node: node)], node: node)
            let clamped = try run("clamp_min", [products], ["min": .double(1e-30)], node: node)
            return try run("sqrt", [clamped], gradFn: "ViewBackward0", node: node)
        }
        let differences = try run("sub", [try run("unsqueeze", [x1], ["dim": .int(-2)], node: node),
                                          try run("unsqueeze", [x2], ["dim": .int(-3)], node: node)], node: node)
        if p == .infinity {
            // PyTorch's cdist backward gives every tied largest |difference| the whole gradient
            // (norm's splits it): sum the tied ones and subtract the surplus copies as constants.
            let magnitudes = try run("abs", [differences], node: node)
            let largest = magnitudes.value.reduced(dims: [magnitudes.shape.count - 1], keepdim: true, initial: 0) { Swift.max($0, $1) }
            let mask = try Tensor.zip(magnitudes.value, try largest.expanded(to: magnitudes.shape)) { $0 == $1 ? 1 : 0 }
            let surplus = try Tensor.zip(mask.summed(toShape: largest.shape), largest) { ($0 - 1) * $1 }
            let tied = try run("sum", [try run("mul", [magnitudes, Variable(mask)], node: node)], ["dim": .ints([-1])], node: node)
            return try run("sub", [tied, Variable(surplus.reshaped(tied.shape))], gradFn: "CdistBackward0", node: node)
        }
        return try run("norm", [differences], ["p": .double(p), "dim": .ints([-1])], gradFn: "CdistBackward0", node: node)
    }
}
