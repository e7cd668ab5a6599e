import Autograd
import Glibc

// Names, tensor literals and indexing.

extension Lowering {
    /// The language's constants; a variable of the same name wins, with a warning.
    static let constants: [String: Double] = [
        "pi": Double.pi, "e": M_E, "inf": Double.infinity, "nan": Double.nan, "true": 1, "false": 0,
    ]

    /// The value of a name: an input or binding, else a constant.
    mutating func lookUp(_ name: String, at range: SourceRange) throws -> Variable {
        if let value = environment[name] {
            if Lowering.constants[name] != nil && warnedNames.insert(name).inserted {
                warnings.append(.constantShadowed(name, at: range))
            }
            return value
        }
        if let constant = Lowering.constants[name] {
            let dtype: DType = name == "true" || name == "false" ? .bool : .float64
            return tagged(Variable(wrappedNumber: constant, dtype: dtype), range)
        }
        if Registry.lookup(name) != nil { throw Diagnostic.functionUsedAsValue(name, at: range) }
        let candidates = environment.keys.sorted() + Lowering.constants.keys.sorted()
        throw Diagnostic.unknownVariable(name, suggestion: Suggestions.closest(to: name, among: candidates), at: range)
    }

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

    /// `base[items]`: each integer index selects (removing a dimension), each slice keeps
    /// its dimension, left to right over the dimensions of `base`.
    mutating func index(_ base: Variable, items: [Int], node: Node) throws -> Variable {
        var value = base
        var dim = 0
        for item in items {
            let range = tree[item].range
            if case .slice = tree[item].kind {
                guard let spec = Registry.lookup("slice") else {
                    throw Diagnostic.unknownFunction("slice", suggestion: nil, at: range)
                }
                let bounds = Array(tree.children(of: item))
                var attrs: Attrs = ["dim": .int(dim)]
                for (name, child) in zip(["start", "end", "step"], bounds) {
                    if case .omitted = tree[child].kind {
                        let declared = spec.params.first { $0.name == name }?.defaultValue
                        attrs[name] = declared ?? (name == "step" ? .int(1) : AttrValue.none)
                    } else {
                        attrs[name] = .int(try indexValue(child))
                    }
                }
                value = try applyNamed(spec, [value], attrs, node: node, at: range)
                dim += 1
            } else {
                guard let spec = Registry.lookup("select") else {
                    throw Diagnostic.unknownFunction("select", suggestion: nil, at: range)
                }
                value = try applyNamed(spec, [value], ["dim": .int(dim), "index": .int(indexValue(item))],
                                       node: node, at: range)
            }
        }
        return value
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

    /// An evaluated index or slice bound, which must be an integer.
    mutating func indexValue(_ n: Int) throws -> Int {
        let v = try takeTensor(n)
        guard let i = integer(v) else { throw Diagnostic.invalidIndex(found: describe(v), at: tree[n].range) }
        return i
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
