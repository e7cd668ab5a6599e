import Autograd

// The norms PyTorch composes from vector norms, singular values and amax/amin, composed here
// the same way (aten/src/ATen/native/LinearAlgebra.cpp): `linalg.matrix_norm`, `linalg.norm`
// with `ord`, and `torch.norm` with `p='fro'` or `p='nuc'`.

extension Lowering {
    static let normFunctions: [(String, OpSpec)] = {
        let entry = Lowering.languageEntry
        let input = Param("input", .tensor), keepdim = Param("keepdim", .bool, default: .bool(false))
        let names = ["fro", "nuc"]
        return [
            entry("linalg.norm", [input, Param("ord", .order(names: names), default: AttrValue.none),
                                  Param("dim", .ints, default: AttrValue.none), keepdim],
                  "vector norm (ord a number, or absent) or matrix norm (ord 'fro', 'nuc', +-1, +-2, +-inf on matrices)"),
            entry("linalg.matrix_norm", [input, Param("ord", .order(names: names), default: .string("fro")),
                                         Param("dim", .ints, default: .ints([-2, -1])), keepdim],
                  "matrix norm over the (dim) planes: 'fro', 'nuc' (sum of singular values), 2/-2 (largest/smallest singular value), 1/-1 (column sums), inf/-inf (row sums)"),
        ]
    }()

    /// The value of a norm function, or nil when `name` is not one.
    func norm(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value? {
        let x = inputs[0], keepdim = attrs.bool("keepdim"), dims = attrs.optionalInts("dim")
        switch name {
        case "linalg.matrix_norm":
            return .tensor(try matrixNorm(x, attrs["ord"], dims: dims ?? [-2, -1], keepdim: keepdim, node: node))
        case "linalg.norm":
            let order = attrs["ord"]
            if let dims {
                guard dims.count == 1 || dims.count == 2 else {
                    throw Diagnostic.opFailed(.value("linalg.norm: If dim is specified, it must be of length 1 or 2. Got \(dims)"), at: node.range)
                }
            } else if order != .none, x.shape.count != 1 && x.shape.count != 2 {
                throw Diagnostic.opFailed(.value("linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got \(x.shape.count)D."), at: node.range)
            }
            let isString: Bool
            if case .string = order { isString = true } else { isString = false }
            if isString || (order != .none && (dims?.count == 2 || (dims == nil && x.shape.count == 2))) {
                return .tensor(try matrixNorm(x, order, dims: dims ?? [0, 1], keepdim: keepdim, node: node))
            }
            var vector: Attrs = ["p": order == .none ? .double(2) : order, "keepdim": .bool(keepdim)]
            if let dims { vector["dim"] = .ints(dims) }
            return .tensor(try runOp(try registryOp("norm", at: node.detail), [x], vector, node: node))
        default:
            return nil
        }
    }

    /// `torch.norm(input, p)` with `p` a name: 'fro' is the 2-norm over `dim` (all of input when
    /// absent), anything else a matrix norm over `dim` (all dimensions when absent), as
    /// torch/functional.py decides.
    func namedOrderNorm(_ order: String, _ x: Variable, _ attrs: Attrs, node: Node) throws -> Variable {
        let dims = attrs.optionalInts("dim"), keepdim = attrs.bool("keepdim")
        if order == "fro" && (dims?.count ?? 0) <= 2 {
            var vector: Attrs = ["p": .double(2), "keepdim": .bool(keepdim)]
            if let dims { vector["dim"] = .ints(dims) }
            return try runOp(try registryOp("norm", at: node.detail), [x], vector, node: node)
        }
        return try matrixNorm(x, .string(order), dims: dims ?? Array(0..<x.shape.count), keepdim: keepdim, node: node)
    }

    /// `linalg.matrix_norm(A, ord, dim, keepdim)`.
    func matrixNorm(_ a: Variable, _ order: AttrValue, dims: [Int], keepdim: Bool, node: Node) throws -> Variable {
        func fail(_ message: String) -> Diagnostic { Diagnostic.opFailed(.value("linalg.matrix_norm: " + message), at: node.range) }
        func run(_ op: String, _ operand: Variable, _ attrs: Attrs) throws -> Variable {
            try runOp(try registryOp(op, at: node.detail), [operand], attrs, node: node)
        }
        let rank = a.shape.count
        guard rank >= 2 else { throw fail("The input tensor A must have at least 2 dimensions.") }
        guard dims.count == 2 else { throw fail("dim must be a 2-tuple. Got \(dims.map(String.init).joined(separator: " "))") }
        let normalized = try dims.map { d -> Int in
            do { return try Ops.normalizedDim(d, rank: rank) } catch let error as OpError { throw Diagnostic.opFailed(error, at: node.range) }
        }
        let (d0, d1) = (normalized[0], normalized[1])
        guard d0 != d1 else { throw fail("dims must be different. Got (\(dims[0]), \(dims[1]))") }
        let ord: Double
        switch order {
        case .string("fro"):
            return try run("norm", a, ["p": .double(2), "dim": .ints(dims), "keepdim": .bool(keepdim)])
        case .string("nuc"):
            ord = 0
        case .string(let other):
            throw fail("Order \(other) not supported.")
        default:
            guard let value = Attrs(["v": order]).optionalDouble("v") else { throw fail("Order \(order) not supported.") }
            ord = value
        }
        if order == .string("nuc") || Swift.abs(ord) == 2 {
            // Singular values of the planes moved to the end, then their sum, largest or smallest.
            let permutation = (0..<rank).filter { $0 != d0 && $0 != d1 } + [d0, d1]
            let values = try run("svdvals", try run("permute", a, ["dims": .ints(permutation)]), [:])
            let reduction = order == .string("nuc") ? "sum" : ord > 0 ? "amax" : "amin"
            var result = try run(reduction, values, ["dim": .ints([-1]), "keepdim": .bool(keepdim)])
            if keepdim {
                var inverse = [Int](repeating: 0, count: rank)
                for (i, p) in permutation.enumerated() { inverse[p] = i }
                result = try run("permute", try run("unsqueeze", result, ["dim": .int(-1)]), ["dims": .ints(inverse)])
            }
            return result
        }
        guard Swift.abs(ord) == 1 || ord.isInfinite else { throw fail("Order \(Lowering.orderText(ord)) not supported.") }
        // The inf norm is the 1 norm of the transpose: sums along one dimension, extreme along the other.
        let sumDim = ord.isInfinite ? d1 : d0
        var extremeDim = ord.isInfinite ? d0 : d1
        if !keepdim && sumDim < extremeDim { extremeDim -= 1 }
        let sums = try run("norm", a, ["p": .double(1), "dim": .ints([sumDim]), "keepdim": .bool(keepdim)])
        return try run(ord > 0 ? "amax" : "amin", sums, ["dim": .ints([extremeDim]), "keepdim": .bool(keepdim)])
    }

    /// An order as PyTorch's Scalar prints it in messages: `3`, `3.5`, `inf`.
    static func orderText(_ x: Double) -> String {
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if let i = integer(x) { return String(i) }
        return String(x)
    }
}
