import Autograd

// The linear-algebra functions that return tuples or are composed from other ops as PyTorch
// composes them: `eigh`, `linalg.svd` and `torch.svd`, `linalg.qr` and `torch.qr`,
// `slogdet`, `matrix_power`, `linalg.cross`. Each tuple element is its own registry op
// (`eigvalsh` and eigh's eigenvectors), whose VJP is its share of PyTorch's.

extension Lowering {
    /// The value of a decomposition call, or nil when `name` is not one.
    func decomposition(_ name: String, _ inputs: [Variable], _ attrs: Attrs, node: Node) throws -> Value? {
        func run(_ spec: OpSpec, _ attrs: Attrs = [:], _ operands: [Variable]? = nil) throws -> Variable {
            try runOp(spec, operands ?? inputs, attrs, node: node)
        }
        switch name {
        case "eigh":
            let uplo: Attrs = ["UPLO": attrs["UPLO"]]
            return .tuple([try run(Ops.eigvalsh, uplo), try run(Ops.eighVectors, uplo)], names: ["eigenvalues", "eigenvectors"], origin: name)
        case "linalg.svd", "svd":
            let full = name == "svd" ? !attrs.bool("some") : attrs.bool("full_matrices")
            if name == "svd" && !attrs.bool("compute_uv") {
                throw Diagnostic.notSupported("torch.svd` with `compute_uv=False", at: node.detail)
            }
            let u = try run(Ops.svdU, ["full_matrices": .bool(full)]), s = try run(Ops.svdvals)
            let vh = try run(Ops.svdVh, ["full_matrices": .bool(full)])
            if name == "svd" {
                // torch.svd returns V, the transpose of linalg.svd's Vh.
                let v = try run(try registryOp("transpose", at: node.detail), ["dim0": .int(-2), "dim1": .int(-1)], [vh])
                return .tuple([u, s, v], names: ["U", "S", "V"], origin: name)
            }
            return .tuple([u, s, vh], names: ["U", "S", "Vh"], origin: name)
        case "linalg.qr", "qr":
            let mode: Attrs = ["mode": .string(name == "qr" ? (attrs.bool("some") ? "reduced" : "complete") : attrs.string("mode") ?? "reduced")]
            return .tuple([try run(Ops.qrQ, mode), try run(Ops.qrR, mode)], names: ["Q", "R"], origin: name)
        case "slogdet":
            let sign = try run(Ops.slogdetSign)
            return .tuple([sign, try run(Ops.slogdet)], names: ["sign", "logabsdet"], origin: name)
        case "linalg.cross":
            return .tensor(try run(try registryOp("cross", at: node.detail), ["dim": attrs["dim"]]))
        case "matrix_power":
            return .tensor(try matrixPower(inputs[0], try attrs.int("n"), node: node))
        default:
            return nil
        }
    }

    /// PyTorch's `matrix_power`: n = 0 the identity, 1 a clone, 2 and 3 plain products, more
    /// by binary powers; n < 0 the same of the inverse.
    func matrixPower(_ x: Variable, _ power: Int, node: Node) throws -> Variable {
        let shape = x.shape
        guard shape.count >= 2, shape[shape.count - 1] == shape[shape.count - 2] else {
            throw Diagnostic.opFailed(.shape("linalg.matrix_power: A must be batches of square matrices, but they are \(shape.count >= 2 ? "\(shape[shape.count - 2]) by \(shape[shape.count - 1])" : "not") matrices"), at: node.range)
        }
        func op(_ name: String) throws -> OpSpec { try registryOp(name, at: node.detail) }
        func mul(_ a: Variable, _ b: Variable) throws -> Variable { try runOp(try op("matmul"), [a, b], [:], node: node) }
        let n = shape[shape.count - 1]
        if power == 0 {
            let eye = Tensor(shape: [n, n], data: (0..<n * n).map { $0 / n == $0 % n ? 1 : 0 })
            return try runOp(try op("expand"), [Variable(eye)], ["size": .ints(shape)], node: node).detached()
        }
        let a = power < 0 ? try runOp(try op("inverse"), [x], [:], node: node) : x
        var k = Swift.abs(power)
        if k == 1 { return try runOp(try op("clone"), [a], [:], node: node) }
        if k == 2 { return try mul(a, a) }
        if k == 3 { return try mul(try mul(a, a), a) }
        var z: Variable?, result: Variable?
        while k > 0 {
            let bit = k % 2
            k /= 2
            let square = try z.map { try mul($0, $0) } ?? a
            z = square
            if bit == 1 {
                let next = try result.map { try mul($0, square) } ?? square
                if k == 0 { return next }
                result = next
            }
        }
        return result ?? a
    }
}
