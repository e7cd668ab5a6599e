/// A non-tensor argument of an op: a dimension, a flag, a size list, a reduction name.
public enum AttrValue: Equatable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case ints([Int])
    case string(String)

    public var description: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .ints(let list): return "(" + list.map(String.init).joined(separator: ", ") + ")"
        case .string(let s): return "'\(s)'"
        }
    }
}

/// The non-tensor arguments of one op call, by parameter name.
public struct Attrs: Equatable, ExpressibleByDictionaryLiteral {
    /// One named value.
    struct Entry: Equatable {
        let name: String
        var value: AttrValue
    }

    /// The values given, each name once; parameters left out take the op's defaults. An op
    /// has a handful of attributes, so a linear search costs less than hashing the names.
    private(set) var entries: [Entry] = []

    /// No attributes (every op call that passes none: the default argument of `apply`).
    public init() {}

    /// Creates attributes from name-value pairs (a later pair replaces an earlier one).
    public init(_ values: KeyValuePairs<String, AttrValue>) {
        for (name, value) in values { self[name] = value }
    }

    /// Creates attributes from a literal such as `["dim": .int(0)]`.
    public init(dictionaryLiteral elements: (String, AttrValue)...) {
        for (name, value) in elements { self[name] = value }
    }

    /// True when `name` was given, even as `.none`.
    public func contains(_ name: String) -> Bool { entries.contains { $0.name == name } }

    /// True when nothing was given.
    var isEmpty: Bool { entries.isEmpty }

    /// The value of `name`, or `.none` when absent.
    public subscript(name: String) -> AttrValue {
        get { entries.first { $0.name == name }?.value ?? .none }
        set {
            if let i = entries.firstIndex(where: { $0.name == name }) { entries[i].value = newValue } else {
                entries.append(Entry(name: name, value: newValue))
            }
        }
    }

    /// Equal when the same names carry equal values, in any order.
    public static func == (lhs: Attrs, rhs: Attrs) -> Bool {
        lhs.entries.count == rhs.entries.count && lhs.entries.allSatisfy { rhs.contains($0.name) && rhs[$0.name] == $0.value }
    }

    /// An integer attribute (a `double` with an integral value is accepted).
    public func int(_ name: String) throws -> Int {
        guard let value = optionalInt(name) else { throw OpError.value("argument '\(name)' must be an integer") }
        return value
    }

    /// An integer attribute, or nil when it is `None`.
    public func optionalInt(_ name: String) -> Int? {
        switch self[name] {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// A list of integers (a single integer is a one-element list), or nil when `None`.
    public func optionalInts(_ name: String) -> [Int]? {
        if case .ints(let list) = self[name] { return list }
        return optionalInt(name).map { [$0] }
    }

    /// A floating-point attribute, or nil when it is `None`.
    public func optionalDouble(_ name: String) -> Double? {
        switch self[name] {
        case .double(let d): return d
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// A floating-point attribute.
    public func double(_ name: String) throws -> Double {
        guard let value = optionalDouble(name) else { throw OpError.value("argument '\(name)' must be a number") }
        return value
    }

    /// A flag.
    public func bool(_ name: String) -> Bool {
        switch self[name] {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        default: return false
        }
    }

    /// A string attribute such as `reduction`.
    public func string(_ name: String) -> String? {
        if case .string(let s) = self[name] { return s }
        return nil
    }
}

/// What kind of value a parameter takes.
public enum ParamKind: Equatable {
    /// A tensor; a number given here becomes a 0-d constant.
    case tensor
    /// A list of tensors, written `[a, b]` (`cat`, `stack`); must be the only tensor parameter.
    case tensorList
    /// An integer.
    case int
    /// A list of integers; the last parameter of this kind may also be written as trailing
    /// positional integers (`reshape(x, 2, 3)`, `ones(2, 3)`).
    case ints
    /// A number.
    case double
    /// A flag, `true` or `false`.
    case bool
    /// A name such as `'mean'`; `choices` lists the accepted values.
    case string(choices: [String])
    /// A norm's order: a number, or one of `names` (`'fro'`, `'nuc'`).
    case order(names: [String])
}

/// One parameter of an op: its name (usable as a keyword), kind and default.
public struct Param: Equatable {
    /// The parameter name, as PyTorch spells it.
    public let name: String
    /// The kind of value it takes.
    public let kind: ParamKind
    /// The default, or nil when the parameter is required. `.none` means "not given" (`dim=None`).
    public let defaultValue: AttrValue?

    /// True for a parameter passed only by keyword, as PyTorch's `dtype=` and `requires_grad=`
    /// (so `ones(2, 3)` stays a size).
    public let isKeywordOnly: Bool

    /// Creates a parameter description.
    public init(_ name: String, _ kind: ParamKind, default defaultValue: AttrValue? = nil, keywordOnly: Bool = false) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.isKeywordOnly = keywordOnly
    }

    /// True for tensor and tensor-list parameters, which become graph inputs.
    public var isTensor: Bool { kind == .tensor || kind == .tensorList }

    /// True for a tensor parameter that may be left out (`weight=None`): when given it is a
    /// graph input like any tensor, and the call's `attrs[name]` says whether it was given.
    public var isOptionalTensor: Bool { kind == .tensor && defaultValue == AttrValue.none }
}

/// How an op's result dtype follows from its inputs (PyTorch's rules; see `DType.resultType`).
public enum DTypeRule {
    /// `torch.result_type` of the tensor inputs: `add`, `mul`, `cat`, `reshape`, `max`.
    case promote
    /// As `promote`, with integer and bool results made the default floating dtype:
    /// `div`, `exp`, `sin`, the losses.
    case floating
    /// Computed in the promoted dtype; the result is bool (comparisons).
    case comparison
    /// Integer and bool inputs give int64, floating ones keep their dtype (`sum`, `prod`).
    case integralToInt64
    /// Floating inputs only; anything else is PyTorch's error, `message(dtypeName)`.
    case floatingOnly((String) -> String)
    /// As `promote`, with `message` as the error when the result would be bool (`-` on bools).
    case promoteRejectingBool(String)
    /// As `promote`, with PyTorch's error wherever `refusal` gives one for the inputs, the
    /// attributes and the promoted dtype (`abs` on bool, `softmax` on integers); `accepted`
    /// says which dtypes pass, for the ops table.
    case promoteRefusing(accepted: String, ([Variable], Attrs, DType) -> String?)
    /// Chosen by the op from its inputs and attributes (factories, conversions); the inputs
    /// reach the forward function uncast.
    case custom(([Variable], Attrs) throws -> DType)
    /// The forward function labels its result with the dtype it chose and rounded to
    /// (the random factories, whose choice depends on `dtype=` and on their kind).
    case chosenByForward

    /// The first input's dtype, the others read uncast (an in-place destination, indexing by a
    /// mask or positions, a fill).
    public static let ofFirstInput = DTypeRule.custom { inputs, _ in inputs[0].dtype }
}

/// The arguments a forward function receives: input values and attributes.
public struct ForwardArgs {
    /// The tensor inputs as the caller passed them, in parameter order (a tensor list
    /// flattened). Kept as variables so that a call costs no array of values; most ops read
    /// them one at a time. `pow` reads its Python-number exponent here, uncast: PyTorch's
    /// kernel takes it as a double.
    let variables: [Variable]
    /// The inputs' values rounded to float32, when the op computes in float32 and some input
    /// is not float32 (nil otherwise). A float32 result is then rounded once more by `apply`.
    private let float32Values: Float32Inputs?
    /// The non-tensor arguments, with defaults filled in.
    public let attrs: Attrs
    let spec: OpSpec
    /// The dtype the op computes in. A forward function that behaves differently by dtype
    /// (integer `//`, float32 reductions) reads it here.
    public let dtype: DType

    init(variables: [Variable], attrs: Attrs, spec: OpSpec, dtype: DType = .float64, float32Values: Float32Inputs? = nil) {
        self.variables = variables
        self.float32Values = float32Values
        self.attrs = attrs
        self.spec = spec
        self.dtype = dtype
    }

    /// The value of optional tensor parameter `name`, or nil when the call left it out.
    public func optional(_ name: String) -> Tensor? {
        spec.inputIndex(ofOptional: name, attrs).map { self[$0] }
    }

    /// The values of the tensor inputs.
    public var inputs: [Tensor] {
        guard let float32Values else { return variables.map(\.value) }
        return variables.indices.map { float32Values[$0] }
    }

    /// The value of input `i`.
    public subscript(i: Int) -> Tensor { float32Values?[i] ?? variables[i].value }
}

/// An op's input values rounded to float32 (see `ForwardArgs`): the first two held inline, so
/// the usual binary op with a Python number (`lr * w.grad`) makes no list of them.
struct Float32Inputs {
    private let first: Tensor
    private let second: Tensor?
    private let rest: [Tensor]

    init(_ inputs: [Variable]) {
        func rounded(_ v: Variable) -> Tensor {
            if v.dtype.isFloat32 { return v.value }
            return v.isWrappedNumber ? ThreadState.current.float32Value(ofWrapped: v) : v.value.converted(to: .float32)
        }
        first = rounded(inputs[0])
        second = inputs.count > 1 ? rounded(inputs[1]) : nil
        rest = inputs.count > 2 ? inputs.dropFirst(2).map(rounded) : []
    }

    subscript(i: Int) -> Tensor {
        switch i {
        case 0: return first
        case 1 where second != nil: return second!
        default: return rest[i - 2]
        }
    }
}

/// What a vector-Jacobian product receives besides the incoming gradient.
public struct VJPContext {
    /// The backward node being run: everything else is read from it, so making a context
    /// costs one reference rather than a copy of each field.
    let node: GradFn
    let createGraph: Bool

    /// The op's tensor inputs as graph nodes, so the VJP itself can be differentiated.
    public var inputs: [Variable] { node.inputs }
    /// The op's attributes, with defaults filled in.
    public var attrs: Attrs { node.attrs }
    var spec: OpSpec { node.spec }

    /// Input `i` as a graph node.
    public subscript(i: Int) -> Variable { node.inputs[i] }

    /// Optional tensor parameter `name` as a graph node, or nil when the call left it out.
    public func optional(_ name: String) -> Variable? {
        spec.inputIndex(ofOptional: name, attrs).map { inputs[$0] }
    }

    /// The op's output. A constant when no higher-order graph is being built;
    /// recomputed from the inputs (and so differentiable) under `createGraph`.
    public func result() throws -> Variable {
        try node.checkSavedResult()
        guard let saved = node.savedResult else { throw GradFn.releasedError }
        return createGraph ? try apply(spec, inputs, attrs) : Variable(saved)
    }
}

/// How an op's gradient is defined.
public enum Derivative {
    /// The vector-Jacobian product: one gradient per tensor input (nil for none),
    /// written with differentiable ops. Gradients may have the broadcast shape;
    /// the engine folds them back onto each input's shape.
    case vjp((VJPContext, Variable) throws -> [Variable?])
    /// The op is not differentiable (comparisons, factories, `detach`): its output
    /// never requires grad, and the reason says why.
    case notDifferentiable(String)
    /// PyTorch has no formula for the op but records it (`floor_divide`): its output requires
    /// grad, with a `NotImplemented` grad_fn, and a backward pass that reaches it throws this
    /// message, PyTorch's.
    case notImplemented(String)
}

/// One entry of the op registry: everything gradcli knows about an op.
public final class OpSpec {
    /// The canonical name, as PyTorch spells it (`mse_loss`).
    public let name: String
    /// True for ops whose PyTorch result is a view sharing its input's storage (`view`,
    /// `reshape`, indexing, `t`...). gradcli copies instead, so its results remember their input
    /// (`Variable.viewBase`): writing to one, or reading one after its base was written, is refused.
    public let isView: Bool
    static let viewNames: Set<String> = [
        "view", "reshape", "flatten", "squeeze", "unsqueeze", "transpose", "t", "permute", "expand",
        "broadcast_to", "narrow", "select", "slice", "diagonal", "unflatten", "movedim", "swapaxes",
        "swapdims", "view_as", "reshape_as", "expand_as", "unfold", "as_strided", "split", "chunk", "unbind",
    ]
    /// Other accepted names (`arccos` for `acos`).
    public let aliases: [String]
    /// Parameters in positional order; each may also be passed by keyword.
    public let params: [Param]
    /// The name PyTorch prints for the node's `grad_fn` (`MseLossBackward0`).
    public let gradFnName: String
    /// The name PyTorch prints when the op is called with a `dim` (`SumBackward1`), if different.
    public let gradFnNameWithDim: String?
    /// The name PyTorch prints as a function of the inputs, for ops whose PyTorch dispatch
    /// depends on them (`matmul` on ranks: `DotBackward0`, `MvBackward0`, `MmBackward0`, ...;
    /// `pow` on which side is a constant scalar).
    public let gradFnNameForInputs: (([Variable], Attrs) -> String)?
    /// A one-line summary for help text.
    public let summary: String
    /// The convention at points where the derivative does not exist, when there are any.
    public let kinks: String?
    /// Computes the output value.
    public let forward: (ForwardArgs) throws -> Tensor
    /// The gradient rule.
    public let derivative: Derivative
    /// The inputs gradcheck samples for this op in the registry-wide tests, built when asked:
    /// a run of the tool never reads them, and building them for every entry at start-up
    /// would instantiate sets, dictionaries and ranges the run does not otherwise need.
    public var samples: [OpSample] { makeSamples() }
    private let makeSamples: () -> [OpSample]
    /// How the result's dtype follows from the inputs.
    public var dtypeRule: DTypeRule { storedDTypeRule }
    /// The VJP for a batch of cotangents (see `BatchedVJP`), or nil: Jacobians through this op
    /// then run one backward pass per row.
    public var batchedVJP: BatchedVJP? { storedBatchedVJP }
    // Internal storage behind the public accessors: an internal stored property is checked
    // for exclusivity statically, a public one at run time on every access.
    private var storedDTypeRule: DTypeRule
    private var storedBatchedVJP: BatchedVJP?

    /// Creates a registry entry.
    public init(_ name: String, aliases: [String] = [], params: [Param], gradFn: String,
                gradFnWithDim: String? = nil, gradFnForInputs: (([Variable], Attrs) -> String)? = nil, summary: String, kinks: String? = nil, samples: @autoclosure @escaping () -> [OpSample] = [],
                dtype dtypeRule: DTypeRule = .promote,
                forward: @escaping (ForwardArgs) throws -> Tensor, derivative: Derivative,
                batchedVJP: BatchedVJP? = nil) {
        self.storedBatchedVJP = batchedVJP
        self.name = name
        self.isView = OpSpec.viewNames.contains(name)
        self.storedDTypeRule = dtypeRule
        (ruleCode, castsInputs) = OpSpec.derived(from: dtypeRule)
        self.aliases = aliases
        self.params = params
        self.gradFnName = gradFn
        self.gradFnNameWithDim = gradFnWithDim
        self.gradFnNameForInputs = gradFnForInputs
        self.summary = summary
        self.kinks = kinks
        self.makeSamples = samples
        self.forward = forward
        self.derivative = derivative
        switch derivative {
        case .vjp: (isDifferentiable, recordsNode) = (true, true)
        case .notImplemented: (isDifferentiable, recordsNode) = (false, true)
        case .notDifferentiable: (isDifferentiable, recordsNode) = (false, false)
        }
        self.tensorParams = params.filter(\.isTensor)
        self.takesRequiresGrad = OpSpec.hasRequiresGrad(params)
        self.optionalTensorNames = params.filter(\.isOptionalTensor).map(\.name)
        (attributeDefaults, allDefaults) = OpSpec.defaults(of: params)
    }

    /// The `grad_fn` name of a call with these attributes.
    public func gradFnName(for attrs: Attrs) -> String {
        if let withDim = gradFnNameWithDim, attrs["dim"] != .none { return withDim }
        return gradFnName
    }

    /// The `grad_fn` name of a call on these inputs with these attributes.
    public func gradFnName(for attrs: Attrs, inputs: [Variable]) -> String {
        gradFnNameForInputs?(inputs, attrs) ?? gradFnName(for: attrs)
    }

    /// The tensor parameters, which become graph inputs.
    public let tensorParams: [Param]
    /// True for factories with a `requires_grad=` parameter.
    let takesRequiresGrad: Bool
    /// The names of the optional tensor parameters, in order.
    public let optionalTensorNames: [String]
    /// The defaults of the non-tensor parameters, filled in once per call by `withDefaults`.
    private let attributeDefaults: [(name: String, value: AttrValue)]
    /// All of them as attributes: a call that gives none (`x.mean()`) takes these as they are.
    private let allDefaults: Attrs

    @inline(never)
    static func defaults(of params: [Param]) -> ([(name: String, value: AttrValue)], Attrs) {
        let list: [(name: String, value: AttrValue)] = params.compactMap { p in
            guard !p.isTensor, let value = p.defaultValue else { return nil }
            return (p.name, value)
        }
        var all = Attrs()
        for (name, value) in list { all[name] = value }
        return (list, all)
    }

    /// True when the op has a gradient rule. Stored: `apply` asks on every call, and reading
    /// `derivative` would retain its closure each time.
    public let isDifferentiable: Bool
    /// True when a call on inputs that require grad records a node: a differentiable op, or
    /// one whose node only refuses backward (see `Derivative.notImplemented`).
    public let recordsNode: Bool

    /// The dtype this op computes in and the dtype of its result, for these inputs.
    func dtypes(_ inputs: [Variable], _ attrs: Attrs) throws -> (compute: DType, result: DType) {
        // The payload-free rules are answered from a stored code: every op asks, and reading
        // `dtypeRule` would copy its payload closures.
        switch ruleCode {
        case .promote:
            let t = DType.resultType(inputs)
            return (t, t)
        case .floating:
            let t = DType.resultType(inputs)
            let f = t.isFloatingPoint ? t : DefaultDType.current
            return (f, f)
        case .comparison:
            return (DType.resultType(inputs), .bool)
        case .integralToInt64:
            let t = DType.resultType(inputs)
            let r = t.isFloatingPoint ? t : .int64
            return (r, r)
        case .chosenByForward:
            return (DefaultDType.current, DefaultDType.current)
        case .withPayload:
            break
        }
        switch storedDTypeRule {
        case .floatingOnly(let message):
            let t = DType.resultType(inputs)
            guard t.isFloatingPoint else { throw OpError.value(message(t.pytorchTypeName)) }
            return (t, t)
        case .custom(let choose):
            let t = try choose(inputs, attrs)
            return (t, t)
        case .promoteRejectingBool(let message):
            let t = DType.resultType(inputs)
            if case .bool = t { throw OpError.value(message) }
            return (t, t)
        case .promoteRefusing(_, let refusal):
            let t = DType.resultType(inputs)
            if let message = refusal(inputs, attrs, t) { throw OpError.value(message) }
            return (t, t)
        default:
            preconditionFailure("payload-free dtype rules are answered above")
        }
    }

    /// `dtypeRule` without its payload.
    enum RuleCode { case promote, floating, comparison, integralToInt64, chosenByForward, withPayload }
    private(set) var ruleCode: RuleCode

    /// Kept out of line: a small `init` lets the optimiser specialise the registry helpers
    /// (`unary`, `binary`) for each entry's closure, which keeps the elementwise loops inlined.
    @inline(never)
    static func derived(from rule: DTypeRule) -> (RuleCode, Bool) {
        switch rule {
        case .custom, .chosenByForward: return (code(of: rule), false)
        default: break
        }
        return (code(of: rule), true)
    }

    @inline(never)
    static func hasRequiresGrad(_ params: [Param]) -> Bool { params.contains { $0.name == "requires_grad" } }

    static func code(of rule: DTypeRule) -> RuleCode {
        switch rule {
        case .promote: return .promote
        case .floating: return .floating
        case .comparison: return .comparison
        case .integralToInt64: return .integralToInt64
        case .chosenByForward: return .chosenByForward
        case .floatingOnly, .custom, .promoteRejectingBool, .promoteRefusing: return .withPayload
        }
    }

    /// This entry with `rule` as its dtype rule, for the shared helpers (`unary`, `binary`)
    /// whose entries differ in it. Used only while the registry is built.
    func withDType(_ rule: DTypeRule) -> OpSpec {
        storedDTypeRule = rule
        (ruleCode, castsInputs) = OpSpec.derived(from: rule)
        return self
    }

    /// This entry with its VJP also serving batched cotangents: for elementwise ops, whose VJP
    /// combines the cotangent elementwise (with broadcasting) with values of the output's shape,
    /// so a leading batch dimension passes through. Used only while the registry is built.
    func batchingItsVJP() -> OpSpec {
        if case .vjp(let rule) = derivative { storedBatchedVJP = { ctx, g in try rule(ctx, g) } }
        return self
    }

    /// How a `dtype=` argument applies to the input: PyTorch casts the input first, inside the
    /// op for the reductions (`sum`, `mean`, `cumsum`: one node) and as a recorded cast for the
    /// softmaxes (a ToCopyBackward0 node before theirs).
    enum InputCast { case none, insideTheOp, recorded }
    private(set) var inputCast = InputCast.none
    /// PyTorch's error for a `dtype=` the op refuses, if any (nil: accepted).
    private(set) var dtypeRefusal: (DType) -> String? = { _ in nil }

    /// This entry with a keyword-only `dtype=` that casts its input (see `InputCast`), refusing
    /// the dtypes `refusal` names. Used only while the registry is built.
    func castingInputToDType(recorded: Bool, refusal: @escaping (DType) -> String? = { _ in nil }) -> OpSpec {
        inputCast = recorded ? .recorded : .insideTheOp
        dtypeRefusal = refusal
        return self
    }

    /// True when the VJP reads the op's output (`ctx.result()`): only then does a node keep it.
    private(set) var savesResult = false
    /// False when the VJP reads no input's value, only shapes and dtypes (`add`, `sum`): the
    /// node then holds stand-ins for the inputs other nodes made (see `GraphMemory.swift`).
    private(set) var readsInputValues = true

    /// This entry under another `grad_fn` name (and with another forward, when given): for a
    /// function PyTorch builds from this op (`chunk` makes `SplitBackward0` nodes). It keeps the
    /// parameters, summary, kinks, dtype rule and VJP, and which values the VJP reads; not the
    /// batched VJP, the `dtype=` cast, the name with a dim or the aliases.
    public func renamed(gradFn: String, forward: ((ForwardArgs) throws -> Tensor)? = nil) -> OpSpec {
        let copy = OpSpec(name, params: params, gradFn: gradFn, summary: summary, kinks: kinks, dtype: dtypeRule,
                          forward: forward ?? self.forward, derivative: derivative)
        copy.savesResult = savesResult
        copy.readsInputValues = readsInputValues
        return copy
    }

    /// This entry with a VJP that reads the op's output. Used only while the registry is built.
    func savingResult() -> OpSpec {
        savesResult = true
        return self
    }

    /// This entry with a VJP that reads only its inputs' shapes and dtypes (and never the
    /// output). Used only while the registry is built.
    func readingInputShapesOnly() -> OpSpec {
        // Under createGraph, `ctx.result()` recomputes the output from the inputs' values.
        precondition(!savesResult, "an op whose VJP reads its output reads its inputs' values too")
        readsInputValues = false
        return self
    }

    /// False for ops that choose their dtype themselves and read their inputs uncast.
    private(set) var castsInputs: Bool

    /// The C kernel that is this entry's whole forward, for the attribute-free arithmetic
    /// entries (`add`, `sub`, `mul`, `div`): see `kernelBinaryValue`.
    var binaryKernel: ElementwiseKernel?

    /// `attrs` with every parameter the caller left out set to its default.
    @inline(__always)
    func withDefaults(_ attrs: Attrs) -> Attrs {
        if attributeDefaults.isEmpty { return attrs }
        if attrs.isEmpty { return allDefaults }
        var filled = attrs
        for (name, value) in attributeDefaults where !filled.contains(name) { filled[name] = value }
        return filled
    }

    /// Marks in `attrs` which optional tensor parameters `count` inputs supply, unless the
    /// caller has marked them: the inputs beyond the required tensors fill the optional ones
    /// in order. Throws when the count does not fit the marks.
    func markOptionalTensors(count: Int, in attrs: inout Attrs) throws {
        let required = tensorParams.count - optionalTensorNames.count
        if !optionalTensorNames.contains(where: attrs.contains) {
            for (i, name) in optionalTensorNames.enumerated() { attrs[name] = .bool(i < count - required) }
        }
        let given = optionalTensorNames.filter { attrs.bool($0) }.count
        guard count == required + given else {
            throw OpError.value("\(name)() expects \(required + given) tensor arguments, got \(count)")
        }
    }

    /// Where optional tensor parameter `name` sits among a call's inputs, or nil when the
    /// call (its `attrs`) left it out.
    func inputIndex(ofOptional name: String, _ attrs: Attrs) -> Int? {
        guard attrs.bool(name) else { return nil }
        var index = 0
        for p in tensorParams {
            if p.name == name { return index }
            if !p.isOptionalTensor || attrs.bool(p.name) { index += 1 }
        }
        return nil
    }

}

/// Inputs on which the registry-wide tests gradcheck an op.
public struct OpSample {
    /// Shapes of the tensor inputs.
    public let shapes: [[Int]]
    /// Attributes for the call.
    public let attrs: Attrs
    /// The interval inputs are drawn from, away from kinks and domain edges.
    public let range: ClosedRange<Double>
    /// Inputs whose values must be valid class indices or 0/1 targets are not perturbed.
    public let constantInputs: Set<Int>
    /// Fixed values for inputs that need them (class indices, masks), by input index.
    public let fixed: [Int: Tensor]
    /// Inputs the op reads as symmetric matrices (`cholesky`, `eigh` read one triangle):
    /// the check perturbs them symmetrically, as PyTorch's gradcheck of these ops does.
    public let symmetric: Set<Int>

    /// Creates a sample.
    public init(_ shapes: [[Int]], attrs: Attrs = Attrs(), range: ClosedRange<Double> = -2...2,
                constantInputs: Set<Int> = [], fixed: [Int: Tensor] = [:], symmetric: Set<Int> = []) {
        self.symmetric = symmetric
        self.shapes = shapes
        self.attrs = attrs
        self.range = range
        self.constantInputs = constantInputs
        self.fixed = fixed
    }
}
