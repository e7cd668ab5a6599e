/// A half-open range `start..<end` of UTF-8 byte offsets into the program text: where a graph
/// node, a token or a diagnostic came from. Autograd only carries it on nodes; the parser makes it.
public struct SourceRange: Hashable {
    /// The first byte of the range.
    public var start: Int
    /// One past the last byte of the range.
    public var end: Int

    /// Creates the range `start..<end`.
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// The smallest range covering both `self` and `other`.
    public func merged(with other: SourceRange) -> SourceRange {
        SourceRange(start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }
}

/// A tensor that takes part in automatic differentiation, like `torch.Tensor`.
///
/// A variable is a *leaf* when the user created it (it has no `gradFn`); a leaf
/// with `requiresGrad` receives `grad` from `backward()`. A variable computed by
/// an op from inputs that require grad has a `gradFn`, the node through which
/// gradients flow back to those inputs.
public final class Variable {
    // The mutable fields are stored under internal names behind public accessors: every access
    // to a public stored property of a class is checked for exclusivity at run time, while the
    // whole-module optimiser checks internal ones statically when no two accesses overlap.
    var storedValue: Tensor
    var storedRequiresGrad: Bool
    var storedGrad: Variable?
    var storedGradFn: GradFn?
    var storedTag: SourceRange?
    var storedVersion = 0

    /// The variable's value. Replaced only by the in-place operations of `Variable+InPlace.swift`.
    public internal(set) var value: Tensor {
        get {
            precondition(!isStandIn, "a graph stand-in's value was read (see GraphMemory.swift)")
            return storedValue
        }
        set { storedValue = newValue }
    }
    /// True when gradients flow to or through this variable.
    public internal(set) var requiresGrad: Bool {
        get { storedRequiresGrad }
        set { storedRequiresGrad = newValue }
    }
    /// The accumulated gradient. Each `backward()` adds to it (`+=`), as in PyTorch;
    /// set it to nil to zero it.
    public var grad: Variable? {
        get { storedGrad }
        set { storedGrad = newValue }
    }
    /// The backward node that produced this variable, or nil for a leaf.
    public internal(set) var gradFn: GradFn? {
        get { storedGradFn }
        set { storedGradFn = newValue }
    }
    /// An optional tag saying where this node came from (kept on its `gradFn` too).
    public var tag: SourceRange? {
        get { storedTag }
        set {
            storedTag = newValue
            storedGradFn?.tag = newValue
        }
    }

    /// True for a Python number written in an expression or passed as a scalar (PyTorch's
    /// "wrapped number"): it takes part in type promotion below every tensor, a float
    /// counting as the default dtype (see `DType.resultType`).
    public let isWrappedNumber: Bool
    /// True for a node's stand-in for an input whose value the node no longer needs: it keeps
    /// the input's edge, shape and dtype, not its elements (see `GraphMemory.swift`).
    let isStandIn: Bool

    /// How many times the value was modified in place, like PyTorch's `_version`: backward
    /// compares it with the version each node saved (see `SavedVersions.swift`).
    public internal(set) var version: Int {
        get { storedVersion }
        set { storedVersion = newValue }
    }
    /// What few variables use (in-place history, views, hooks, shared storage), made on first
    /// write: an op's result, the common variable, carries one empty reference instead.
    var extras: VariableExtras?
    /// The node that saved this variable's value as its result, once an in-place update has
    /// replaced this variable's `gradFn` (it is `gradFn` until then).
    var resultOf: GradFn? {
        get { extras?.resultOf }
        set { madeExtras().resultOf = newValue }
    }
    /// Hooks on this leaf's gradient (a non-leaf's are on its node), see `GradientHooks.swift`.
    var hooks: HookList {
        get { extras?.hooks ?? HookList() }
        set { madeExtras().hooks = newValue }
    }
    /// The tensors sharing this one's storage, as the front end that made them records them
    /// (`gradcli run`'s `.data` and `detach()`); nil for a tensor that shares with none.
    public var storageShare: StorageShare? {
        get { extras?.storageShare }
        set { madeExtras().storageShare = newValue }
    }
    /// The node and grad flag of each earlier version this variable had before an in-place op
    /// recorded a new node for it (nil until one did): nodes recorded before the update take
    /// their gradient path from the version they saw, as PyTorch's edges are fixed when made.
    var earlierVersions: [EarlierVersion]? {
        get { extras?.earlierVersions }
        set { madeExtras().earlierVersions = newValue }
    }
    /// For the result of a view op (see `OpSpec.isView`): the tensor it views (the first one
    /// that is not itself a view) and that tensor's count of writes when the view was made.
    var viewBase: (base: Variable, writes: Int)? {
        get { extras?.viewBase }
        set { madeExtras().viewBase = newValue }
    }
    /// True for the result of a view op (see `viewBase`).
    public var isView: Bool { extras?.viewBase != nil }
    /// How many times the value was written in place (by any path, `.data` aliases included).
    var writes: Int {
        get { extras?.writes ?? 0 }
        set { madeExtras().writes = newValue }
    }

    private func madeExtras() -> VariableExtras {
        if let extras { return extras }
        let made = VariableExtras()
        extras = made
        return made
    }

    /// Creates a leaf holding `value`.
    ///
    /// - Precondition: a leaf that requires grad has a floating dtype (use `setRequiresGrad`
    ///   for a value a user chose, which throws PyTorch's error instead).
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        precondition(!requiresGrad || value.dtype.isFloatingPoint, Variable.integerGradMessage)
        self.storedValue = value
        self.storedRequiresGrad = requiresGrad
        self.isWrappedNumber = false
        self.isStandIn = false
    }

    /// A wrapped number (a Python scalar): `dtype` is `.int64` for a Python int, `.bool` for
    /// True/False, and a floating dtype for a Python float, which promotion counts as the
    /// default dtype. The value is kept as written (a Python float is a double).
    public init(wrappedNumber value: Double, dtype: DType) {
        self.storedValue = Tensor(shape: [], data: [value], dtype: dtype)
        self.storedRequiresGrad = false
        self.isWrappedNumber = true
        self.isStandIn = false
    }

    /// PyTorch's error for asking an integer or bool tensor to require grad.
    public static let integerGradMessage = "Only Tensors of floating point and complex dtype can require gradients"

    /// Sets whether this leaf requires grad, like `requires_grad_()`: PyTorch's errors for a
    /// non-leaf and for a non-floating dtype (`refusal`: PyTorch words it differently for a
    /// factory's `requires_grad=True`, `requires_grad_()` and the attribute).
    public func setRequiresGrad(_ flag: Bool = true, refusal: String = Variable.integerGradMessage) throws {
        guard isLeaf else {
            throw OpError.autograd("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
        }
        guard !flag || value.dtype.isFloatingPoint else { throw OpError.value(refusal) }
        requiresGrad = flag
    }

    /// Creates a 0-d leaf holding `value`.
    public convenience init(_ value: Double, requiresGrad: Bool = false) {
        self.init(Tensor(value), requiresGrad: requiresGrad)
    }

    /// Creates a 1-d leaf holding `values`.
    public convenience init(_ values: [Double], requiresGrad: Bool = false) {
        self.init(Tensor(values), requiresGrad: requiresGrad)
    }

    init(value: Tensor, gradFn: GradFn) {
        self.storedValue = value
        self.storedRequiresGrad = true
        self.storedGradFn = gradFn
        self.isWrappedNumber = false
        self.isStandIn = false
    }

    /// A stand-in for `input` as a node sees it: `edge` (its node and grad flag then), the
    /// version the node saved, the shape, dtype and tag, and no elements (see `GraphMemory.swift`).
    init(standingInFor input: Variable, edge: (node: GradFn?, requiresGrad: Bool), version: Int) {
        self.storedValue = Tensor(elementsDroppedFrom: input.storedValue)
        self.storedRequiresGrad = edge.requiresGrad
        self.storedGradFn = edge.node
        self.storedTag = input.storedTag
        self.storedVersion = version
        self.isWrappedNumber = input.isWrappedNumber
        self.isStandIn = true
    }

    /// True when the user created this variable rather than an op (no `gradFn`).
    public var isLeaf: Bool { gradFn == nil }

    /// The shape of the value.
    public var shape: [Int] { storedValue.shape }

    /// The element type of the value.
    public var dtype: DType { storedValue.dtype }

    /// What type promotion reads of this operand, without copying the value (each op asks).
    var promotionKey: (dtype: DType, isDimensioned: Bool, isWrapped: Bool) {
        (value.dtype, !value.shape.isEmpty, isWrappedNumber)
    }

    /// Asks that this non-leaf variable's gradient be kept in `grad` by `backward()`,
    /// like `Tensor.retain_grad()`. On a leaf it does nothing (leaves keep theirs).
    public func retainGrad() {
        gradFn?.retainedOutput = self
    }

    /// A new leaf sharing this value that never requires grad: gradients stop here.
    public func detached() -> Variable { Variable(value) }

    /// Tears a long chain down without recursion. Releasing a graph of 10^6 nodes
    /// through nested `deinit`s would overflow the stack, so nodes whose last
    /// reference is this one are unlinked and freed here one after another: the walk follows
    /// one input's node and keeps the other inputs' nodes in a list, which a chain never needs.
    deinit {
        extras?.storageShare?.memberEnded(ObjectIdentifier(self))
        guard var node = gradFn else { return }
        gradFn = nil
        guard isKnownUniquelyReferenced(&node) else { return }
        var next: GradFn? = node
        var branches: [GradFn] = []
        while let fn = next ?? branches.popLast() {
            next = nil
            var inputs = fn.takeInputs()
            while var input = inputs.popLast() {
                guard isKnownUniquelyReferenced(&input), var inner = input.gradFn else { continue }
                input.gradFn = nil
                guard isKnownUniquelyReferenced(&inner) else { continue }
                if next == nil { next = inner } else { branches.append(inner) }
            }
        }
    }
}

/// The fields of `GradFn` that only hooks, `retain_grad()` and in-place updates use.
final class GradFnExtras {
    var hooks = HookList()
    weak var retainedOutput: Variable?
    var outputVersion = 0
}

/// The fields of `Variable` that only in-place updates, views, hooks and shared storage use.
final class VariableExtras {
    var resultOf: GradFn?
    var hooks = HookList()
    var storageShare: StorageShare?
    var earlierVersions: [EarlierVersion]?
    var viewBase: (base: Variable, writes: Int)?
    var writes = 0
}

/// A variable's node and grad flag up to `lastVersion`, before an in-place op replaced them.
struct EarlierVersion {
    let lastVersion: Int
    let node: GradFn?
    let requiresGrad: Bool
}

/// The tensors sharing one storage, as a front end records them (see `Variable.storageShare`).
/// Each member holds its share; the share is told when a member ends, so that it can list its
/// members without weak references.
public protocol StorageShare: AnyObject {
    /// The member with this identity is being freed.
    func memberEnded(_ member: ObjectIdentifier)
    /// `member`'s value was replaced in place: every other member takes it, and those sharing
    /// its version counter count the update too when `modified`.
    func valueChanged(of member: Variable, modified: Bool) throws
}

/// A backward node: how the gradient of one op's output flows to its inputs.
///
/// Its `name` is PyTorch's (`AddBackward0`, `MeanBackward0`, ...).
public final class GradFn {
    /// The name PyTorch prints for this node, built only when asked: most nodes are never printed.
    public var name: String { nameFromInputs ?? spec.gradFnName(for: attrs) }
    /// The name `grad_fn.name()` and PyTorch's messages give: the nodes PyTorch writes by hand
    /// in C++ carry their namespace (`torch::autograd::CopySlices`).
    public var qualifiedName: String {
        let name = self.name
        return ["CopySlices", "CopyBackwards", "NotImplemented"].contains(name) ? "torch::autograd::" + name : name
    }
    /// The name, for ops whose name depends on their inputs (`matmul`, `pow`): fixed when the node
    /// is made, since an input's value (and so its shape) may later be replaced in place.
    private let nameFromInputs: String?
    /// Where the op came from, copied from its output variable.
    public internal(set) var tag: SourceRange? {
        get { storedTag }
        set { storedTag = newValue }
    }
    // Stored under internal names for static exclusivity checks (see `Variable`).
    var storedTag: SourceRange?
    var storedInputs: [Variable]
    /// The registry entry of the op.
    public let spec: OpSpec
    /// The op's attributes.
    public let attrs: Attrs
    /// The shape of the op's output.
    public let resultShape: [Int]
    /// The op's tensor inputs: the graph's edges, holding the values the VJP reads (the others
    /// are stand-ins without elements, see `GraphMemory.swift`).
    public private(set) var inputs: [Variable] {
        get { storedInputs }
        set { storedInputs = newValue }
    }
    /// The op's output as it was made, kept when the VJP reads it (`OpSpec.savesResult`) or a
    /// trace asks for every node's (nil once a pass has released the node).
    var savedResult: Tensor?
    /// The inputs' versions when the node was made, and its output's latest one.
    let savedVersions: SavedVersions
    /// The thread's count of in-place updates when the node was made.
    let madeAfterModifications: Int
    /// Bit i: input i required grad when the node was made (inputs beyond 64 are read as they are now).
    let inputsRequiringGrad: UInt64
    var outputVersion: Int {
        get { extras?.outputVersion ?? 0 }
        set { madeExtras().outputVersion = newValue }
    }
    /// Hooks on the gradient of the node's output, run before the node.
    var hooks: HookList {
        get { extras?.hooks ?? HookList() }
        set { madeExtras().hooks = newValue }
    }
    /// Set after a backward pass without `retainGraph`; a second pass is then an error.
    var released = false
    /// The dtype of the op's output (stored beside `released`, where it takes no room of its own).
    let resultDType: DType
    /// The output variable, when it asked to retain its gradient.
    var retainedOutput: Variable? {
        get { extras?.retainedOutput }
        set { madeExtras().retainedOutput = newValue }
    }
    /// What few nodes use (hooks, a retained gradient, an in-place update of the output), made on
    /// first write, so that the common node stays small.
    private var extras: GradFnExtras?

    private func madeExtras() -> GradFnExtras {
        if let extras { return extras }
        let made = GradFnExtras()
        extras = made
        return made
    }

    // Written only while a backward pass gathers its graph (see `PassGraph`), which runs no user
    // code: the pass that `discoveryMark` names found this node at `discoverySlot`.
    var discoveryMark = 0
    var discoverySlot = 0
    /// When the node was made, relative to the thread's other nodes (PyTorch's `sequence_nr`).
    let sequenceNumber: Int

    init(spec: OpSpec, inputs: [Variable], attrs: Attrs, result: Tensor) {
        self.nameFromInputs = spec.gradFnNameForInputs?(inputs, attrs)
        self.spec = spec
        self.storedInputs = inputs
        self.savedVersions = SavedVersions(inputs)
        var requiring: UInt64 = 0
        for i in 0..<Swift.min(inputs.count, 64) where inputs[i].storedRequiresGrad { requiring |= 1 << UInt64(i) }
        self.inputsRequiringGrad = requiring
        let state = ThreadState.current
        self.madeAfterModifications = state.modifications
        self.sequenceNumber = state.nextSequenceNumber()
        self.attrs = attrs
        self.savedResult = spec.savesResult || state.keepsValues ? result : nil
        self.resultShape = result.shape
        self.resultDType = result.dtype
        if !spec.readsInputValues && !state.keepsValues { standInForIntermediateInputs() }
    }

    /// The backward nodes this one feeds, one per input (nil for inputs without one).
    public var nextFunctions: [GradFn?] { inputs.indices.map { edge($0).node } }

    /// The inputs PyTorch's node lists in `next_functions`, by index: its differentiable ones.
    /// An index, mask or condition has no edge, nor has a Python number where PyTorch's
    /// overload takes a Scalar (`x ** 2`, `1 - x`, `x.clamp(min=0)`); the arithmetic operators
    /// take it as a tensor (`x * 2` lists `(None, 0)` for the 2).
    public var listedInputs: [Int] {
        let names = spec.tensorParams.map(\.name)
        let unlisted = GradFn.nonDifferentiableParams[spec.name] ?? []
        let numbersListed = GradFn.opsListingNumbers.contains(spec.name) && name != "RsubBackward1"
        return inputs.indices.filter { i in
            if i < names.count, GradFn.nonDifferentiable.contains(names[i]) || unlisted.contains(names[i]) { return false }
            return numbersListed || !inputs[i].isWrappedNumber
        }
    }

    private static let nonDifferentiable: Set<String> = ["index", "indices", "condition", "mask"]
    /// The losses' class targets and weights (the regression losses' targets are differentiable).
    private static let nonDifferentiableParams: [String: Set<String>] = [
        "nll_loss": ["target", "weight"], "cross_entropy": ["target", "weight"], "binary_cross_entropy": ["weight"],
        "binary_cross_entropy_with_logits": ["weight", "pos_weight"],
    ]
    private static let opsListingNumbers: Set<String> = ["add", "sub", "mul", "div", "where"]

    /// Where the gradient of input `i` goes: the node the input had when this node was made
    /// (nil for a leaf), and whether it required grad then.
    @inline(__always)
    public func edge(_ i: Int) -> (node: GradFn?, requiresGrad: Bool) {
        let input = inputs[i]
        let requiredGrad = i >= 64 ? input.requiresGrad : inputsRequiringGrad & (1 << UInt64(i)) != 0
        guard let earlier = input.earlierVersions, input.version != savedVersions[i] else {
            return (input.gradFn, requiredGrad && input.requiresGrad)
        }
        let seen = savedVersions[i]
        if let version = earlier.first(where: { $0.lastVersion >= seen }) {
            return (version.node, requiredGrad && version.requiresGrad)
        }
        return (input.gradFn, requiredGrad && input.requiresGrad)
    }

    fileprivate func takeInputs() -> [Variable] {
        defer { inputs = [] }
        return inputs
    }

    /// Drops what only a backward pass needs, once it has run.
    func release() {
        released = true
        savedResult = nil
        standInForInputsOnlyTheGraphHolds()
    }

    /// PyTorch's error for a pass through a released node.
    static let releasedError = OpError.autograd("Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.")
}

/// Runs `spec` on `inputs` and records a backward node when grad mode is on, the op is
/// differentiable and some input requires grad. Every op goes through here.
///
/// `inputs` are the tensor arguments in parameter order. Optional tensor parameters
/// (`weight=None`) left out are simply missing: the inputs after the required ones fill
/// the optional ones in order, unless `attrs` marks which were given (see the overload).
public func apply(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs = Attrs()) throws -> Variable {
    if spec.inputCast == .recorded, let dtype = try attrs.dtype(), let first = inputs.first {
        var rest = attrs
        rest["dtype"] = .none
        return try apply(spec, [try first.to(dtype)] + inputs.dropFirst(), rest)
    }
    let call = try evaluate(spec, inputs, attrs)
    let output: Variable
    if call.inputsRequireGrad, ThreadState.current.gradEnabled, spec.recordsNode, call.resultIsFloating {
        output = Variable(value: call.value, gradFn: GradFn(spec: spec, inputs: inputs, attrs: call.attrs, result: call.value))
    } else {
        output = Variable(call.value)
    }
    try finish(output, of: spec, inputs, call.attrs)
    return output
}

/// `apply(spec, [a, b], attrs)`: when no node will be recorded (grad mode off, or neither input
/// requires grad), the input list is the thread's spare one, so the call allocates no array.
public func apply(_ spec: OpSpec, _ a: Variable, _ b: Variable, _ attrs: Attrs = Attrs()) throws -> Variable {
    let state = ThreadState.current
    if state.gradEnabled && (a.storedRequiresGrad || b.storedRequiresGrad) { return try apply(spec, [a, b], attrs) }
    // Nothing else of `apply` concerns a kernel call (no view, no factory) unless anomaly mode watches it.
    if attrs.isEmpty, state.anomaly == nil, let value = try kernelBinaryValue(spec, a, b) { return Variable(value) }
    return try state.withInputs(a, b) { try apply(spec, $0, attrs) }
}

/// The value `apply` would give the result under `no_grad`, for an update that keeps only the
/// value (`x -= y` under `no_grad`): the result is made a variable only when a check needs one.
func applyValue(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws -> Tensor {
    let call = try evaluate(spec, inputs, attrs)
    if spec.takesRequiresGrad || spec.isView || ThreadState.current.anomaly != nil {
        try finish(Variable(call.value), of: spec, inputs, call.attrs)
    }
    return call.value
}

/// One call of an op, computed but not recorded (see `evaluate`).
private struct EvaluatedCall {
    /// The attributes with the op's defaults filled in.
    let attrs: Attrs
    /// The result, held as its dtype holds it.
    let value: Tensor
    /// True when some input requires grad.
    let inputsRequireGrad: Bool
    /// True when the result dtype the op's rule chose is floating (it may be recorded).
    let resultIsFloating: Bool
}

/// Runs `spec`'s forward on `inputs`: checks, budgets, dtypes, the forward and the rounding to
/// the result dtype.
private func evaluate(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws -> EvaluatedCall {
    if inputs.count == 2, attrs.isEmpty, let value = try kernelBinaryValue(spec, inputs[0], inputs[1]) {
        return EvaluatedCall(attrs: attrs, value: value, inputsRequireGrad: inputs[0].storedRequiresGrad || inputs[1].storedRequiresGrad,
                             resultIsFloating: true)
    }
    let anyRequiresGrad = inputs.contains { $0.storedRequiresGrad }
    // `dtype=` of a reduction: the forward reads the input cast (the node keeps the input itself).
    let castTo = spec.inputCast == .insideTheOp ? try attrs.dtype() : nil
    let inputs = try castingFirst(inputs, to: castTo, for: spec, recording: anyRequiresGrad)
    // One pass over the inputs for what the call asks of them all.
    var largest = 0
    var allFloat32 = true
    for input in inputs {
        if input.isView { try input.checkViewIsCurrent() }
        let value = input.storedValue
        if value.count > largest { largest = value.count }
        if !value.dtype.isFloat32 { allFloat32 = false }
    }
    var filled = spec.withDefaults(attrs)
    if !spec.optionalTensorNames.isEmpty { try spec.markOptionalTensors(count: inputs.count, in: &filled) }
    // Most results are at most as large as the largest input; ops that make larger ones also
    // reserve their size in `Tensor.checkedCount`.
    try MemoryBudget.reserve(elements: largest)
    // An op costs at least one operation per element of its largest input (more for
    // products, which spend in their kernels' layout; larger results in `checkedCount`).
    try WorkBudget.spend(largest + 1)
    var (compute, result) = try spec.dtypes(inputs, filled)
    if let castTo { (compute, result) = (castTo, castTo) }  // dtype= is the result's (bool too)
    // float32 computes on float32 operands (a float64 scalar is rounded first, as PyTorch
    // casts it); other dtypes hold their values exactly as doubles, so they pass as they are.
    var value: Tensor
    if compute.isFloat32 && spec.castsInputs && !allFloat32 {
        value = try spec.forward(ForwardArgs(variables: inputs, attrs: filled, spec: spec, dtype: compute,
                                             float32Values: Float32Inputs(inputs)))
    } else {
        value = try spec.forward(ForwardArgs(variables: inputs, attrs: filled, spec: spec, dtype: compute))
    }
    try Tensor.checkRank(value.rank)
    // The result dtype: float64 costs no pass; float32 is rounded once, int64 truncated.
    if spec.ruleCode == .chosenByForward {
        // The forward labelled and rounded its result itself.
    } else if !result.isFloat64 {
        roundInPlace(&value, to: result)
    } else if !value.dtype.isFloat64 {
        value.dtype = .float64
    }
    return EvaluatedCall(attrs: filled, value: value, inputsRequireGrad: anyRequiresGrad, resultIsFloating: result.isFloatingPoint)
}

/// `inputs` with the first cast to `dtype` as a constant (unchanged when `dtype` is nil or its
/// own), for a reduction's `dtype=`; PyTorch's errors for the dtypes it refuses.
private func castingFirst(_ inputs: [Variable], to dtype: DType?, for spec: OpSpec, recording: Bool) throws -> [Variable] {
    guard let dtype, let first = inputs.first else { return inputs }
    if first.isView { try first.checkViewIsCurrent() }
    if let refusal = spec.dtypeRefusal(dtype) { throw OpError.value(refusal) }
    if recording && !dtype.isFloatingPoint && ThreadState.current.gradEnabled {
        throw OpError.autograd("Autograd not support dtype: \(dtype.kernelName)")
    }
    guard first.dtype != dtype else { return inputs }
    return [Variable(first.value.converted(to: dtype))] + inputs.dropFirst()
}

/// What `apply` does with a call's result variable once made.
private func finish(_ output: Variable, of spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws {
    // `requires_grad=True` on a factory: a new leaf, PyTorch's error for a non-floating dtype.
    if spec.takesRequiresGrad && attrs.bool("requires_grad") { try output.setRequiresGrad(true) }
    if let anomaly = ThreadState.current.anomaly { anomaly.noteForward(spec: spec, inputs: inputs, output: output) }
    if spec.isView, let input = inputs.first {
        let base = input.viewBase?.base ?? input
        output.viewBase = (base, base.writes)
    }
}

/// The forward's doubles (whatever it labelled them) held as `dtype` holds them, as
/// `converted(to:)` makes them, rounded in place: the result is usually its storage's only owner.
func roundInPlace(_ value: inout Tensor, to dtype: DType) {
    value.dtype = dtype
    value.data.withUnsafeMutableBufferPointer { p in
        // float32, the usual case, with its conversion inlined in the loop.
        if dtype.isFloat32 {
            for i in p.indices { p[i] = Double(Float(p[i])) }
        } else {
            for i in p.indices { p[i] = dtype.convert(p[i]) }
        }
    }
}

/// Runs `spec` on its tensor arguments in parameter order, with nil for each optional
/// tensor parameter (`weight=None`) that is left out.
public func apply(_ spec: OpSpec, _ arguments: [Variable?], _ attrs: Attrs = Attrs()) throws -> Variable {
    var marked = attrs
    for (param, argument) in zip(spec.tensorParams, arguments) where param.isOptionalTensor {
        marked[param.name] = .bool(argument != nil)
    }
    return try apply(spec, arguments.compactMap { $0 }, marked)
}
