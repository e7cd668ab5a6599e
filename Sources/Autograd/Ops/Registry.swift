/// The op registry: every op gradcli knows, each defined once as an `OpSpec`.
///
/// The Swift API, the expression language, the CLI's help and its "did you mean"
/// suggestions all read from here.
public enum Registry {
    /// Every op, grouped by family in the order help lists them.
    public static let all: [OpSpec] = Ops.arithmetic + Ops.elementwise + Ops.comparisons
        + Ops.reductions + Ops.softmaxFamily + Ops.linearAlgebra + Ops.shapes + Ops.indexing + Ops.indexSelectOps + Ops.sorting + Ops.copies + Ops.moreActivations + Ops.moreBinary + Ops.layers + Ops.factories + Ops.losses + Ops.autograd + Ops.conversions

    /// Ops by every name they answer to.
    private static let byName: [String: OpSpec] = {
        var table: [String: OpSpec] = [:]
        for spec in all {
            for name in [spec.name] + spec.aliases {
                precondition(table[name] == nil, "two registry entries are named '\(name)'")
                table[name] = spec
            }
        }
        return table
    }()

    /// The op named `name` (a canonical name or an alias), if any.
    public static func lookup(_ name: String) -> OpSpec? { byName[name] }

    /// Every name an op answers to, for suggestions.
    public static var allNames: [String] { Array(byName.keys).sorted() }
}

/// Namespace for the registry entries, one `static let` per op.
public enum Ops {}

// Shorthands used by the entries.
extension Ops {
    static let input = Param("input", .tensor)
    static let other = Param("other", .tensor)
    static let optionalDim = Param("dim", .ints, default: AttrValue.none)
    static let keepdim = Param("keepdim", .bool, default: .bool(false))

    /// An elementwise op of one tensor: `f` on values, `rule(x, grad)` as its VJP.
    static func unary(_ name: String, aliases: [String] = [], gradFn: String, summary: String,
                      kinks: String? = nil, range: ClosedRange<Double> = -2...2,
                      _ f: @escaping (Double) -> Double,
                      vjp rule: @escaping (VJPContext, Variable) throws -> Variable) -> OpSpec {
        OpSpec(name, aliases: aliases, params: [input], gradFn: gradFn, summary: summary, kinks: kinks,
               samples: [OpSample([[3, 2]], range: range)],
               forward: { args in args[0].map(f) },
               derivative: .vjp { ctx, g in [try rule(ctx, g)] }).withDType(.floating)
    }

    /// The gradcheck samples of a broadcasting binary op: equal shapes, a broadcast row, a scalar.
    static func binarySamples(_ range: ClosedRange<Double>) -> [OpSample] {
        [OpSample([[3, 2], [3, 2]], range: range), OpSample([[2, 3], [3]], range: range), OpSample([[4, 1], []], range: range)]
    }

    /// A broadcasting elementwise op of two tensors.
    static func binary(_ name: String, aliases: [String] = [], params: [Param]? = nil, gradFn: String,
                       gradFnForInputs: (([Variable], Attrs) -> String)? = nil,
                       summary: String, kinks: String? = nil, range: ClosedRange<Double> = -2...2,
                       _ f: @escaping (Double, Double) -> Double,
                       forward custom: ((ForwardArgs, ElementwiseKernel?) throws -> Tensor)? = nil,
                       vjp rule: @escaping (VJPContext, Variable) throws -> [Variable?]) -> OpSpec {
        let kernel = ElementwiseKernel(opName: name)
        return OpSpec(name, aliases: aliases, params: params ?? [input, other], gradFn: gradFn,
               gradFnForInputs: gradFnForInputs, summary: summary,
               kinks: kinks,
               samples: [OpSample([[3, 2], [3, 2]], range: range), OpSample([[2, 3], [3]], range: range),
                         OpSample([[4, 1], []], range: range)],
               forward: { args in try custom?(args, kernel) ?? Tensor.zip(args[0], args[1], kernel: kernel, f) },
               derivative: .vjp(rule))
    }

    /// Normalises a possibly negative dimension index against `rank`.
    static func normalize(dim: Int, rank: Int) throws -> Int {
        let size = Swift.max(rank, 1)
        guard dim >= -size && dim < size else {
            throw OpError.value("Dimension out of range (expected to be in range of [\(-size), \(size - 1)], but got \(dim))")
        }
        return dim < 0 ? dim + size : dim
    }

    /// The reduced dimensions named by `attrs["dim"]`, normalised; all dimensions when absent.
    static func reductionDims(_ attrs: Attrs, rank: Int) throws -> [Int] {
        guard let dims = attrs.optionalInts("dim") else { return Array(0..<rank) }
        let normalized = try dims.map { try normalize(dim: $0, rank: rank) }
        return rank == 0 ? [] : Array(Set(normalized)).sorted()
    }
}
