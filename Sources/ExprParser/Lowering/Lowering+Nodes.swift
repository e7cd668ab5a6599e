import Autograd

// Tensor literals and indexing.

extension Lowering {
    /// A tensor literal: its elements stacked along a new first dimension. Constant elements
    /// are copied directly; elements that require grad go through the `stack` op.
    func stack(_ elements: [Variable], children: [Int], node: Node) throws -> Variable {
        guard let first = elements.first else { return tagged(Variable(Tensor(shape: [0], data: [])), node.range) }
        for (i, element) in elements.enumerated() where element.shape != first.shape {
            throw Diagnostic.raggedLiteral(element: i, shape: element.shape, expected: first.shape,
                                           at: tree[children[i]].range)
        }
        guard elements.contains(where: \.requiresGrad) && GradMode.isEnabled else {
            do { _ = try Tensor.checkedCount(of: [elements.count] + first.shape) } catch let error as OpError {
                throw Diagnostic.opFailed(error, at: node.range)
            }
            var data: [Double] = []
            data.reserveCapacity(elements.count * first.value.count)
            for element in elements { data += element.value.data }
            // `torch.tensor([...])`'s dtype: ints give int64, any float the default dtype.
            let dtype = elements.map { $0.isWrappedNumber && $0.value.dtype.isFloatingPoint ? DefaultDType.current : $0.value.dtype }
                .reduce(DType.bool, DType.promote)
            let literal = Tensor(shape: [elements.count] + first.shape, data: data).converted(to: dtype)
            return tagged(Variable(literal), node.range)
        }
        guard let spec = Registry.lookup("stack") else {
            throw Diagnostic.unknownFunction("stack", suggestion: nil, at: node.range)
        }
        return try applyNamed(spec, elements, ["dim": .int(0)], node: node, at: node.range)
    }

    /// `base[items]`, as PyTorch indexes: an integer selects (removing a dimension), a slice
    /// keeps its dimension, `None` inserts one, `...` stands for the dimensions no other item
    /// names, and integer or boolean index tensors pick entries (`x[idx]`, `x[x > 0]`, `x[i, j]`).
    mutating func index(_ base: Variable, items: [Int], node: Node) throws -> Variable {
        // Evaluated items first: how many dimensions each consumes decides what `...` covers.
        var values: [Value?] = []
        for item in items {
            if case .slice = tree[item].kind { values.append(nil) } else { values.append(takeResult(item)) }
        }
        func consumed(_ value: Value?) -> Int {
            switch value {
            case nil: return 1
            case .none?, .ellipsis?: return 0
            case .tensor(let v)?: return v.value.dtype == .bool ? v.value.rank : (v.value.rank == 0 ? 1 : 1)
            default: return 1
            }
        }
        let named = values.map(consumed).reduce(0, +)
        guard values.filter({ if case .ellipsis? = $0 { return true } else { return false } }).count <= 1 else {
            throw Diagnostic.opFailed(.value("an index can only have a single ellipsis ('...')"), at: node.range)
        }
        guard named <= Swift.max(base.shape.count, 0) || base.shape.isEmpty && named == 0 else {
            throw Diagnostic.opFailed(.value("too many indices for tensor of dimension \(base.shape.count)"), at: node.range)
        }
        // With an index tensor, PyTorch treats integers as index tensors too (`x[idx, 1]` is one
        // IndexBackward0); they must then be adjacent, or PyTorch moves the indexed dimensions first.
        func isAdvanced(_ v: Value?) -> Bool { if case .tensor? = v { return true } else { return false } }
        func isIndexTensor(_ v: Value?) -> Bool { if case .tensor(let t)? = v { return t.value.dtype == .bool || t.value.rank > 0 } else { return false } }
        let tensorCount = values.filter(isIndexTensor).count
        let combined = tensorCount > 0
        if combined, let first = values.firstIndex(where: isAdvanced), let last = values.lastIndex(where: isAdvanced),
           tensorCount > 1 || !values[first...last].allSatisfy(isAdvanced) {
            return try multipleIndex(base, items: items, values: values, named: named, node: node)
        }
        let selectSpec = try registryOp("select", at: node.range)
        var advanced = 0
        var value = base
        var dim = 0
        for (item, itemValue) in zip(items, values) {
            let range = tree[item].range
            if try basicIndexItem(itemValue, item: item, value: &value, dim: &dim, rank: base.shape.count, named: named, node: node) { continue }
            switch itemValue {
            case .tensor(let v)? where v.value.dtype == .bool || v.value.rank > 0:
                advanced += 1
                guard advanced == 1 else {
                    throw Diagnostic.opFailed(.value("gradcli supports one index tensor per indexing"), at: range)
                }
                value = try applyNamed(Ops.index, [value, v], ["dim": .int(dim)], node: node, at: range)
                dim += v.value.dtype == .bool ? 1 : v.value.rank
            case .tensor(let v)?:
                guard let i = integer(v) else { throw Diagnostic.invalidIndex(found: describe(v), at: range) }
                value = try applyNamed(combined ? Lowering.renamed(selectSpec, gradFn: "IndexBackward0") : selectSpec, [value],
                                       ["dim": .int(dim), "index": .int(i)], node: node, at: range)
            case let other?:
                _ = try tensor(of: other, at: range)  // a string or a list: the message says which
            case nil:
                break  // a slice: `basicIndexItem` applied it
            }
        }
        // Only full slices (`x[:]`, `x[:, :]`): PyTorch still makes one alias node.
        if value === base && values.contains(where: { $0 == nil }), let slice = Registry.lookup("slice"), let clone = Registry.lookup("clone") {
            // `x[:]` is a SliceBackward0, `x[:, :]` an AliasBackward0.
            if values.count == 1 { return try applyNamed(slice, [value], ["dim": .int(0), "step": .int(1)], node: node, at: node.range) }
            return try applyNamed(Lowering.renamed(clone, gradFn: "AliasBackward0"), [value], [:], node: node, at: node.range)
        }
        return value
    }

    /// A slice, `None` or `...` item of an index, applied to `value` at `dim` (both advanced past
    /// it); false for any other item, which the caller handles.
    mutating func basicIndexItem(_ itemValue: Value?, item: Int, value: inout Variable, dim: inout Int,
                                 rank: Int, named: Int, node: Node) throws -> Bool {
        switch itemValue {
        case nil:
            value = try slice(value, item: item, dim: dim, node: node)
            dim += 1
        case .none?:
            let range = tree[item].range
            value = try applyNamed(try registryOp("unsqueeze", at: range), [value], ["dim": .int(dim)], node: node, at: range)
            dim += 1
        case .ellipsis?:
            dim += rank - named
        default:
            return false
        }
        return true
    }

    /// `value[start:end:step]` along `dim`; a full slice `:` is no node, as in PyTorch.
    mutating func slice(_ value: Variable, item: Int, dim: Int, node: Node) throws -> Variable {
        let range = tree[item].range
        let spec = try registryOp("slice", at: range)
        let bounds = Array(tree.children(of: item))
        var attrs: Attrs = ["dim": .int(dim)]
        var full = true
        for (name, child) in zip(["start", "end", "step"], bounds) {
            if case .omitted = tree[child].kind {
                let declared = spec.params.first { $0.name == name }?.defaultValue
                attrs[name] = declared ?? (name == "step" ? .int(1) : AttrValue.none)
            } else {
                let bound = try indexValue(child)
                attrs[name] = .int(bound)
                if name != "step" || bound != 1 { full = false }
            }
        }
        if full && value.shape.count > dim { return value }
        return try applyNamed(spec, [value], attrs, node: node, at: range)
    }

    /// The registry op `name`, which the language lowers syntax to.
    func registryOp(_ name: String, at range: SourceRange) throws -> OpSpec {
        guard let spec = Registry.lookup(name) else { throw Diagnostic.unknownFunction(name, suggestion: nil, at: range) }
        return spec
    }

    /// `x.T`: all dimensions of `x` reversed through `permute`, so the node prints
    /// `PermuteBackward0` as PyTorch's does (a 0-D or 1-D `x` keeps its value, with a node).
    mutating func reverseDimensions(_ x: Variable, node: Node) throws -> Variable {
        guard let spec = Registry.lookup("permute") else {
            throw Diagnostic.unknownFunction("permute", suggestion: nil, at: node.detail)
        }
        if x.shape.count != 2 && !warnedTranspose {
            warnedTranspose = true
            warnings.append(.transposeNotMatrix(rank: x.shape.count, at: node.detail))
        }
        return try applyNamed(spec, [x], ["dims": .ints(Array((0..<x.shape.count).reversed()))], node: node, at: node.detail)
    }

    /// An evaluated slice bound, which must be an integer. Any size is allowed: as Python
    /// does, a bound beyond the 64-bit range is clamped to it, and the slice clamps it further.
    mutating func indexValue(_ n: Int) throws -> Int {
        let v = try takeTensor(n)
        if let i = integer(v) { return i }
        guard v.value.count == 1, v.value.rank <= 1, let x = v.value.data.first, x.isFinite, x == x.rounded() else {
            throw Diagnostic.invalidIndex(found: describe(v), at: tree[n].range)
        }
        return x >= 0x1p63 ? Int.max : x < -0x1p63 ? Int.min : Int(x)
    }

    /// Applies an op the parser calls by name (`stack`, `select`, `slice`), passing only the
    /// attributes the op declares, and points failures at `range`.
    func applyNamed(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs, node: Node,
                    at range: SourceRange) throws -> Variable {
        var declared = Attrs()
        for param in spec.params where attrs.contains(param.name) { declared[param.name] = attrs[param.name] }
        do {
            return tagged(try apply(spec, inputs, declared), node.range)
        } catch let error as OpError {
            throw Diagnostic.opFailed(error, at: range)
        }
    }
}
