import CKernels

/// The op registry: every op gradcli knows, each defined once as an `OpSpec`.
///
/// The Swift API, the expression language, the CLI's help and its "did you mean"
/// suggestions all read from here.
public enum Registry {
    /// Every op, grouped by family in the order help lists them.
    public static let all: [OpSpec] = families.flatMap { $0().specs }

    /// The later outputs of tuple-returning ops (`eigh`'s eigenvectors, `qr`'s R): the language
    /// reaches them through their tuple, not by name; gradchecked like every entry.
    public static let parts: [OpSpec] = Ops.decompositionParts

    /// The families in that order, each built on first use: a run looks up a handful of names,
    /// and building every entry up front cost more than the rest of a small run.
    private static let families: [() -> Family] = [
        { arithmetic }, { elementwise }, { comparisons }, { reductions }, { softmaxFamily },
        { linearAlgebra }, { shapes }, { indexing }, { indexSelectOps }, { sorting }, { copies },
        { moreActivations }, { moreBinary }, { layers }, { factories }, { losses }, { autograd },
        { conversions }, { decompositions }, { scans }, { special }, { scatterPad }, { moreElementwise },
        { pointwiseCombinations }, { gammaFamily },
    ]
    private static let arithmetic = Family(Ops.arithmetic), elementwise = Family(Ops.elementwise)
    private static let comparisons = Family(Ops.comparisons), reductions = Family(Ops.reductions)
    private static let softmaxFamily = Family(Ops.softmaxFamily), linearAlgebra = Family(Ops.linearAlgebra)
    private static let shapes = Family(Ops.shapes), indexing = Family(Ops.indexing)
    private static let indexSelectOps = Family(Ops.indexSelectOps), sorting = Family(Ops.sorting)
    private static let copies = Family(Ops.copies), moreActivations = Family(Ops.moreActivations)
    private static let moreBinary = Family(Ops.moreBinary), layers = Family(Ops.layers)
    private static let factories = Family(Ops.factories), losses = Family(Ops.losses)
    private static let autograd = Family(Ops.autograd), conversions = Family(Ops.conversions)
    private static let decompositions = Family(Ops.decompositions), scans = Family(Ops.scans)
    private static let special = Family(Ops.special), scatterPad = Family(Ops.scatterPad)
    private static let moreElementwise = Family(Ops.moreElementwise), gammaFamily = Family(Ops.gammaFamily)
    private static let pointwiseCombinations = Family(Ops.pointwiseCombinations)

    /// One family's entries and the names they answer to.
    private final class Family {
        let specs: [OpSpec]
        let byName: [String: OpSpec]

        init(_ specs: [OpSpec]) {
            self.specs = specs
            var table = [String: OpSpec](minimumCapacity: 2 * specs.count)
            for spec in specs {
                table[spec.name] = spec
                for alias in spec.aliases { table[alias] = spec }
            }
            byName = table
        }
    }

    /// The op named `name` (a canonical name or an alias), if any: the families are searched in
    /// order, so only those up to the one holding `name` are built.
    public static func lookup(_ name: String) -> OpSpec? {
        for family in families {
            if let spec = family().byName[name] { return spec }
        }
        return nil
    }

    /// Every name an op answers to, once each (the registry tests check there are no repeats).
    public static var allNames: [String] { all.flatMap { [$0.name] + $0.aliases }.sorted() }
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
                      float32: ((Float) -> Float)? = nil, float32Kernel: gk_f32_unary_op? = nil,
                      float32Array: ((Int, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void)? = nil,
                      vectorized: ((Double, DType) -> Double)? = nil,
                      array: ((Int, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void)? = nil,
                      _ f: @escaping (Double) -> Double,
                      vjp rule: @escaping (VJPContext, Variable) throws -> Variable) -> OpSpec {
        OpSpec(name, aliases: aliases, params: [input], gradFn: gradFn, summary: summary, kinks: kinks,
               samples: [OpSample([[3, 2]], range: range)],
               forward: { args in
                   // PyTorch's float32 kernel in float arithmetic (`std::asinh`, `1 / sqrt`).
                   if let float32, args.dtype.isFloat32 { return TorchFloat32Math.scalar(args[0], float32) }
                   // PyTorch's vectorised float32 kernel (Sleef on whole chunks, see TorchFloat32Math).
                   if let float32Kernel, args.dtype.isFloat32 { return TorchFloat32Math.unary(args[0], float32Kernel) }
                   if let float32Array, args.dtype.isFloat32 { return TorchFloat32Math.apply(args[0]) { n, x, out, _ in float32Array(n, x, out) } }
                   // PyTorch's vectorised kernel where it differs from `f` (sinh's overflow).
                   if let vectorized { return TorchFloat32Math.chunks(args[0], vector: { vectorized($0, args.dtype) }, scalar: f) }
                   // `f` over the whole array in one loop, without a closure call per element.
                   if let array { return TorchFloat64Math.apply(args[0]) { n, x, out, _ in array(n, x, out) } }
                   return args[0].map(f)
               },
               derivative: .vjp { ctx, g in [try rule(ctx, g)] }).withDType(.floating).batchingItsVJP()
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
                       int64: IntegerArithmetic? = nil,
                       vjp rule: @escaping (VJPContext, Variable) throws -> [Variable?]) -> OpSpec {
        let kernel = ElementwiseKernel(opName: name)
        return OpSpec(name, aliases: aliases, params: params ?? [input, other], gradFn: gradFn,
               gradFnForInputs: gradFnForInputs, summary: summary,
               kinks: kinks,
               samples: [OpSample([[3, 2], [3, 2]], range: range), OpSample([[2, 3], [3]], range: range),
                         OpSample([[4, 1], []], range: range)],
               forward: { args in
                   if let int64, case .int64 = args.dtype { return try exactIntegers(args, int64) }
                   return try custom?(args, kernel) ?? Tensor.zip(args[0], args[1], kernel: kernel, computing: args.dtype, f)
               },
               derivative: .vjp(rule)).batchingItsVJP()
            // The kernel is the whole forward only for the entries without attributes or a custom one.
            .withBinaryKernel(params == nil && custom == nil ? kernel : nil)
    }

    /// Normalises a possibly negative dimension index against `rank`.
    static func normalize(dim: Int, rank: Int) throws -> Int {
        let size = Swift.max(rank, 1)
        guard dim >= -size && dim < size else {
            throw OpError.value("Dimension out of range (expected to be in range of [\(-size), \(size - 1)], but got \(dim))")
        }
        return dim < 0 ? dim + size : dim
    }

    /// `0..<rank` for the usual ranks, made once: every full reduction (`x.mean()`) asks.
    private static let allDims: [[Int]] = (0...8).map { Array(0..<$0) }

    /// The reduced dimensions named by `attrs["dim"]`, normalised; all dimensions when absent.
    static func reductionDims(_ attrs: Attrs, rank: Int) throws -> [Int] {
        guard let dims = attrs.optionalInts("dim") else { return rank < allDims.count ? allDims[rank] : Array(0..<rank) }
        let normalized = try dims.map { try normalize(dim: $0, rank: rank) }
        return rank == 0 ? [] : Array(Set(normalized)).sorted()
    }
}
