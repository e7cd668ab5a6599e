import Autograd

// Indexing with several index tensors (`x[i, j]`, `x[mask, j]`, `x[i, :, j]`), as PyTorch
// does it: the index tensors (integers among them count as 0-d ones, a boolean mask as its
// nonzero positions) broadcast together; when they are adjacent the broadcast shape takes
// their place, when slices, None or ... separate them it comes first. The indexed
// dimensions are merged into one and picked with a single linear index, so the output is
// one IndexBackward0 node whose gradient adds into repeated positions.

extension Lowering {
    /// One indexed dimension of `x[...]`: where it is once slices and None are applied, and
    /// the integer index tensor for it.
    struct IndexedDimension {
        let dim: Int
        let index: Tensor
        let range: SourceRange
    }

    /// `base[items]` with the items' values already evaluated (`nil` for a slice).
    mutating func multipleIndex(_ base: Variable, items: [Int], values: [Value?], named: Int, node: Node) throws -> Variable {
        var value = base
        var dim = 0
        var indexed: [IndexedDimension] = []
        for (item, itemValue) in zip(items, values) {
            let range = tree[item].range
            if try basicIndexItem(itemValue, item: item, value: &value, dim: &dim, rank: base.shape.count, named: named, node: node) { continue }
            switch itemValue {
            case .tensor(let v)? where v.value.dtype == .bool:
                // A mask over k dimensions is k index tensors: its true positions, one coordinate each.
                let mask = v.value
                for j in 0..<mask.rank where mask.shape[j] != value.shape[dim + j] {
                    throw Diagnostic.opFailed(.value("The shape of the mask \(Autograd.describe(shape: mask.shape)) at index \(j) does not match the shape of the indexed tensor \(Autograd.describe(shape: base.shape)) at index \(dim + j)"), at: range)
                }
                let positions = mask.data.indices.filter { mask.data[$0] != 0 }.map { Tensor.index(ofOffset: $0, in: mask.shape) }
                for j in 0..<mask.rank {
                    indexed.append(IndexedDimension(dim: dim + j, index: Tensor(shape: [positions.count], data: positions.map { Double($0[j]) }, dtype: .int64), range: range))
                }
                dim += mask.rank
            case .tensor(let v)?:
                // Integral values of any dtype index, as the single index tensor does (inputs arrive as numbers).
                guard v.value.data.allSatisfy({ $0 == $0.rounded() }) else {
                    throw Diagnostic.opFailed(.value("tensors used as indices must be long, int, byte or bool tensors"), at: range)
                }
                indexed.append(IndexedDimension(dim: dim, index: v.value, range: range))
                dim += 1
            case let other?:
                _ = try tensor(of: other, at: range)  // a string or a list: the message says which
            case nil:
                break  // a slice: `basicIndexItem` applied it
            }
        }
        return try pick(value, indexed, node: node)
    }

    /// `value` with the dimensions of `indexed` picked by their broadcast index tensors.
    func pick(_ start: Variable, _ indexed: [IndexedDimension], node: Node) throws -> Variable {
        var value = start
        let shapes = indexed.map(\.index.shape)
        var broadcast: [Int] = []
        for shape in shapes {
            guard let b = Tensor.broadcastShape(broadcast, shape) else {
                throw Diagnostic.opFailed(.shape("shape mismatch: indexing tensors could not be broadcast together with shapes " + shapes.map { Autograd.describe(shape: $0) }.joined(separator: ", ")), at: node.range)
            }
            broadcast = b
        }
        var dims = indexed.map(\.dim)
        let adjacent = zip(dims, dims.dropFirst()).allSatisfy { $1 == $0 + 1 }
        if !adjacent {
            // Separated index tensors: their dimensions go first, as PyTorch places them.
            let rest = (0..<value.shape.count).filter { !dims.contains($0) }
            value = try applyNamed(try registryOp("permute", at: node.range), [value], ["dims": .ints(dims + rest)], node: node, at: node.range)
            dims = Array(0..<dims.count)
        }
        let first = dims[0], shape = value.shape
        let sizes = dims.map { shape[$0] }
        // Each index broadcast, checked against its dimension, and folded into one linear index.
        var linear = [Int](repeating: 0, count: Tensor.count(of: broadcast))
        for (j, entry) in indexed.enumerated() {
            let expanded: Tensor
            do { expanded = try entry.index.expanded(to: broadcast) } catch let error as OpError { throw Diagnostic.opFailed(error, at: entry.range) }
            for (k, raw) in expanded.data.enumerated() {
                let i = Int(raw)
                guard i >= -sizes[j] && i < sizes[j] else {
                    throw Diagnostic.opFailed(.value("index \(i) is out of bounds for dimension \(indexed[j].dim) with size \(sizes[j])"), at: entry.range)
                }
                linear[k] = linear[k] * sizes[j] + (i < 0 ? i + sizes[j] : i)
            }
        }
        let merged = Array(shape[..<first]) + [sizes.reduce(1, *)] + Array(shape[(first + dims.count)...])
        // One index tensor needs no reshape (and PyTorch's graph shows none).
        if merged != shape {
            value = try applyNamed(try registryOp("reshape", at: node.range), [value], ["shape": .ints(merged)], node: node, at: node.range)
        }
        let index = Variable(Tensor(shape: broadcast, data: linear.map(Double.init), dtype: .int64))
        return try applyNamed(Ops.index, [value, index], ["dim": .int(first)], node: node, at: node.range)
    }
}
