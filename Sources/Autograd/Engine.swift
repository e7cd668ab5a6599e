// The backward engine: one iterative pass over the graph in topological order.
// Nothing here recurses, so a chain of 10^6 nodes needs no more stack than a chain of 2.

extension Variable {
    /// Computes the gradient of this variable with respect to the graph leaves and adds
    /// it to their `grad`, like `Tensor.backward`.
    ///
    /// - Parameters:
    ///   - gradient: The vector `v` of the vector-Jacobian product `v^T J`, shaped like this
    ///     variable. It may be omitted only for a one-element output (then it is 1).
    ///   - retainGraph: Keep the graph so that backward can run through it again.
    ///   - createGraph: Record the backward pass itself, so the gradients can be differentiated
    ///     again (higher-order derivatives). Implies `retainGraph`.
    public func backward(gradient: Variable? = nil, retainGraph: Bool = false, createGraph: Bool = false) throws {
        _ = try Engine.run(roots: [(self, try Engine.rootGradient(self, gradient, index: 0))], inputs: nil,
                           retainGraph: retainGraph || createGraph, createGraph: createGraph, allowUnused: true)
    }
}

/// Computes the gradients of `outputs` with respect to `inputs` and returns them without
/// touching any `grad` field, like `torch.autograd.grad`.
///
/// - Parameters:
///   - gradOutputs: One vector per output for the vector-Jacobian product; nil entries
///     (allowed for one-element outputs only) mean 1.
///   - createGraph: Record the backward pass so the returned gradients are differentiable.
///   - retainGraph: Keep the graph for another pass; defaults to `createGraph`.
///   - allowUnused: Return nil for an input the outputs do not depend on instead of throwing.
///   - inputsRequireGrad: Refuse an input that does not require grad, as `torch.autograd.grad`
///     does (the CLI's own callers pass every leaf and take zeros for those).
public func grad(outputs: [Variable], inputs: [Variable], gradOutputs: [Variable?]? = nil,
                 retainGraph: Bool? = nil, createGraph: Bool = false, allowUnused: Bool = false,
                 inputsRequireGrad: Bool = false) throws -> [Variable?] {
    var roots: [(Variable, Variable)] = []
    roots.reserveCapacity(outputs.count)
    for (i, output) in outputs.enumerated() {
        roots.append((output, try Engine.rootGradient(output, gradOutputs?[i] ?? nil, index: i)))
    }
    if inputsRequireGrad && inputs.contains(where: { !$0.requiresGrad }) {
        throw OpError.autograd("One of the differentiated Tensors does not require grad")
    }
    return try Engine.run(roots: roots, inputs: inputs, retainGraph: retainGraph ?? createGraph,
                          createGraph: createGraph, allowUnused: allowUnused)
}

/// Adds `g` to `variable.grad` as a backward pass does (see `Engine.accumulate(into:_:createGraph:)`):
/// for `backward(inputs=...)`, whose gradients come from `grad(outputs:inputs:)`.
public func accumulateGrad(_ g: Variable, into variable: Variable, createGraph: Bool) throws {
    try GradMode.with(enabled: createGraph) { try Engine.accumulate(into: variable, g, createGraph: createGraph) }
}

enum Engine {
    /// Sees each node the backward pass runs: the node, its incoming gradient and the gradient
    /// sent to each input (nil where none). Nil by default; set only by `traceBackward`.
    static var observer: ((GradFn, Variable, [Variable?]) -> Void)?

    /// Runs backward from each root output with its seed gradient (see `rootGradient`). With
    /// `inputs` nil, gradients accumulate into leaf `grad` fields; otherwise the gradients of
    /// `inputs` are returned and no `grad` is touched.
    static func run(roots: [(Variable, Variable)], inputs: [Variable]?,
                    retainGraph: Bool, createGraph: Bool, allowUnused: Bool) throws -> [Variable?] {
        try GradMode.with(enabled: createGraph) {
            var pass = Pass(inputs: inputs, createGraph: createGraph)
            try pass.run(roots: roots, retainGraph: retainGraph)
            let results = try pass.results(allowUnused: allowUnused)
            pass.graph.recycle()
            return results
        }
    }

    /// The gradient that seeds backward at `output`, checked as PyTorch checks it.
    static func rootGradient(_ output: Variable, _ given: Variable?, index: Int) throws -> Variable {
        guard output.requiresGrad else {
            throw OpError.autograd("element \(index) of tensors does not require grad and does not have a grad_fn")
        }
        guard let given else {
            guard output.value.count == 1 else {
                throw OpError.autograd("grad can be implicitly created only for scalar outputs")
            }
            // 1 in the output's dtype (a floating one, which holds 1 exactly).
            var one = Tensor(repeating: 1, shape: output.shape)
            one.dtype = output.dtype
            return Variable(one)
        }
        try checkGradOutput(given, for: output, index: index)
        return given
    }
}

/// PyTorch's error for a gradient whose shape is not its output's.
func shapeMismatch(_ given: [Int], _ expected: [Int], index: Int = 0) -> OpError {
    func size(_ shape: [Int]) -> String { "torch.Size([" + shape.map(String.init).joined(separator: ", ") + "])" }
    return OpError.shape("Mismatch in shape: grad_output[\(index)] has a shape of \(size(given)) and output[\(index)] has a shape of \(size(expected)).")
}

/// Checks a vector for a vector-Jacobian product against the output it multiplies, as
/// `backward(gradient)` does: the shapes must be equal (no broadcasting), else PyTorch's error.
public func checkGradOutput(_ gradient: Variable, for output: Variable, index: Int = 0) throws {
    guard gradient.shape == output.shape else {
        throw shapeMismatch(gradient.shape, output.shape, index: index)
    }
}

extension Engine {

    /// Adds `g` to `leaf.grad` as PyTorch's AccumulateGrad does. The first gradient becomes the
    /// leaf's own tensor, never one another tensor also holds (a gradient the program passed, or
    /// the one `+` sends to both its operands); under createGraph it is a copy (CopyBackwards).
    /// Later gradients are added in place, so the grad keeps its identity and its version counts
    /// the update; under createGraph the sum is a new, recorded tensor.
    static func accumulate(into leaf: Variable, _ g: Variable, createGraph: Bool) throws {
        guard let grad = leaf.grad else {
            leaf.grad = createGraph ? try apply(Ops.copy, [Variable(Tensor.zeros(g.shape).converted(to: g.dtype)), g]) : Variable(g.value)
            return
        }
        if createGraph {
            leaf.grad = try grad + g
        } else {
            try grad.addInPlace(g.value)
        }
    }

    /// Keeps `g` in a non-leaf's `grad` that asked to retain it, as PyTorch's retain_grad hook
    /// does: a copy the first time (CloneBackward0 under createGraph), then a new sum each time.
    static func retain(_ g: Variable, in output: Variable, createGraph: Bool) throws {
        if let grad = output.grad {
            output.grad = try accumulate(grad, g, createGraph: createGraph)
        } else {
            output.grad = createGraph ? try apply(Ops.clone, [g]) : Variable(g.value)
        }
    }

    /// Adds `b` to an optional running sum `a`, recording the addition only under createGraph.
    /// The sum is a new variable (or `b` itself when there is no `a`).
    static func accumulate(_ a: Variable?, _ b: Variable, createGraph: Bool) throws -> Variable {
        guard let a else { return b }
        if createGraph { return try a + b }
        let sum = try Tensor.zip(a.value, b.value, kernel: .add, computing: .float64, +)
        let dtype = DType.promote(a.dtype, b.dtype)
        return Variable(dtype.isFloat64 ? sum : sum.converted(to: dtype))
    }
}

/// Each leaf's gradients in one backward pass, summed in the order they arrive, as PyTorch's
/// input buffer sums them before its AccumulateGrad node adds the total to `grad` once: a float32
/// `grad` then rounds as PyTorch's does, and a first gradient under createGraph is one copy.
struct LeafSums {
    private(set) var entries: [(leaf: Variable, sum: Variable, owned: Bool)] = []
    /// Where each leaf's entry is, once there are too many entries to search.
    private var index: [ObjectIdentifier: Int] = [:]
    private static let searched = 8

    mutating func add(_ g: Variable, for leaf: Variable, createGraph: Bool) throws {
        let id = ObjectIdentifier(leaf)
        let found = entries.count <= LeafSums.searched ? entries.firstIndex { $0.leaf === leaf } : index[id]
        if let i = found {
            if entries[i].owned, g.dtype == entries[i].sum.dtype, g.shape == entries[i].sum.shape {
                // A sum this pass made, which nothing else holds: the next part is added in place
                // (a leaf used 10^6 times takes no new tensor per use).
                entries[i].sum.accumulateInPlace(g.value)
            } else {
                entries[i].sum = try Engine.accumulate(entries[i].sum, g, createGraph: createGraph)
                entries[i].owned = !createGraph
            }
            return
        }
        // Room for a few leaves at once: growing from empty reallocates at each of the first leaves.
        if entries.isEmpty { entries.reserveCapacity(LeafSums.searched) }
        entries.append((leaf, g, false))
        if entries.count == LeafSums.searched + 1 {
            for (i, entry) in entries.enumerated() { index[ObjectIdentifier(entry.leaf)] = i }
        } else if entries.count > LeafSums.searched + 1 {
            index[id] = entries.count - 1
        }
    }
}

extension Variable {
    /// Adds `addend` (of this shape and dtype) into this gradient sum, which only the engine
    /// holds, rounding each element to the dtype as `Engine.accumulate` does.
    fileprivate func accumulateInPlace(_ addend: Tensor) {
        // Swapped out meanwhile, as `addInPlace` does (static exclusivity checks).
        var sum = Tensor(shape: [0], data: [])
        swap(&sum, &storedValue)
        let dtype = sum.dtype
        sum.data.withUnsafeMutableBufferPointer { out in
            addend.data.withUnsafeBufferPointer { x in
                if dtype.isFloat64 {
                    for i in out.indices { out[i] += x[i] }
                } else {
                    for i in out.indices { out[i] = dtype.convert(out[i] + x[i]) }
                }
            }
        }
        swap(&sum, &storedValue)
    }
}

/// The state of one backward pass.
private struct Pass {
    let inputs: [Variable]?
    let createGraph: Bool
    /// Gradients captured for `inputs`, keyed by the variable (leaves) or its node (non-leaves).
    var captured: [ObjectIdentifier: Variable] = [:]
    /// The gradients of hooked leaves, summed before their hooks run.
    var leafHooks = LeafHookBuffers()
    /// The gradients of the other leaves, summed over the pass and then added to their `grad`.
    var leafSums = LeafSums()
    /// The graph the pass runs, with the gradient waiting at each node.
    var graph = PassGraph()
    let targets: Set<ObjectIdentifier>

    init(inputs: [Variable]?, createGraph: Bool) {
        self.inputs = inputs
        self.createGraph = createGraph
        var targets = Set<ObjectIdentifier>()
        for input in inputs ?? [] { targets.insert(Pass.key(input)) }
        self.targets = targets
    }

    static func key(_ v: Variable) -> ObjectIdentifier {
        v.gradFn.map(ObjectIdentifier.init) ?? ObjectIdentifier(v)
    }

    /// Hands `g` to `variable` through the node at `slot` of the pass's graph (-1 for a leaf):
    /// into the node's pending sum, a captured result, or the leaf's `grad`.
    mutating func deliver(_ g: Variable, to variable: Variable, slot: Int) throws {
        if slot >= 0 {
            let pending = graph.slots[slot].pending.take()
            graph.slots[slot].pending = try Engine.accumulate(pending, g, createGraph: createGraph)
        } else if inputs != nil {
            let id = ObjectIdentifier(variable)
            if targets.contains(id) { captured[id] = try Engine.accumulate(captured[id], g, createGraph: createGraph) }
        } else if leafHooks.isEmpty || !leafHooks.awaits(variable) {
            try leafSums.add(g, for: variable, createGraph: createGraph)
        } else if let total = try leafHooks.take(g, for: variable, createGraph: createGraph) {
            try Engine.accumulate(into: variable, total, createGraph: createGraph)
        }
    }

    mutating func run(roots: [(Variable, Variable)], retainGraph: Bool) throws {
        graph = try PassGraph(roots: roots)
        if HookList.anyRegistered && inputs == nil { leafHooks = LeafHookBuffers(order: graph.slots.map(\.node), roots: roots.map(\.0)) }
        for (k, (output, seed)) in roots.enumerated() { try deliver(seed, to: output, slot: graph.rootSlots[k]) }
        let anomaly = ThreadState.current.anomaly
        let modifications = ThreadState.current.modifications
        let hooksRegistered = HookList.anyRegistered
        let observer = Engine.observer
        for slot in graph.order {
            guard var g = graph.slots[slot].pending.take() else { continue }
            let fn = graph.slots[slot].node
            if hooksRegistered && !fn.hooks.isEmpty { g = try fn.hooks.run(g) }
            if let out = fn.retainedOutput, inputs == nil {
                try Engine.retain(g, in: out, createGraph: createGraph)
            }
            if !targets.isEmpty && targets.contains(ObjectIdentifier(fn)) {
                captured[ObjectIdentifier(fn)] = g
            }
            guard case .vjp(let rule) = fn.spec.derivative else {
                if case .notImplemented(let message) = fn.spec.derivative { throw OpError.autograd(message).placed(at: fn.tag) }
                continue
            }
            // Only an update since the node was made can have modified what it saved.
            if fn.madeAfterModifications != modifications {
                try fn.checkSavedInputs()
                try fn.checkSavedOutput()
            }
            let context = VJPContext(node: fn, createGraph: createGraph)
            let grads: [Variable?]
            do { grads = try rule(context, g) } catch let error as OpError { throw error.placed(at: fn.tag) }
            try deliver(grads, of: fn, from: slot, incoming: g, observer: observer, anomaly: anomaly)
            // After `deliver`, which held the node's inputs: releasing frees the values only the node holds.
            if !retainGraph { fn.release() }
        }
        if !leafHooks.isEmpty {
            for (leaf, total) in try leafHooks.flush() {
                try Engine.accumulate(into: leaf, total, createGraph: createGraph)
            }
        }
        for (leaf, total, _) in leafSums.entries {
            try Engine.accumulate(into: leaf, total, createGraph: createGraph)
        }
    }

    /// Hands each gradient `fn`'s VJP gave to its input, folded onto the input's shape and cast
    /// to its dtype, and shows them to the observer and the anomaly recorder.
    @inline(__always)
    private mutating func deliver(_ grads: [Variable?], of fn: GradFn, from slot: Int, incoming g: Variable,
                                  observer: ((GradFn, Variable, [Variable?]) -> Void)?, anomaly: AnomalyRecorder?) throws {
        let inputs = fn.inputs
        var sent: [Variable?] = observer == nil ? [] : Array(repeating: nil, count: inputs.count)
        let firstEdge = graph.slots[slot].firstEdge
        for i in 0..<Swift.min(inputs.count, grads.count) {
            let edge = graph.edges[firstEdge + i]
            guard edge.requiresGrad, let grad = grads[i] else { continue }
            let input = inputs[i]
            var folded = grad.shape == input.shape ? grad : try grad.sumToSize(input.shape)
            // A gradient has its input's dtype, as PyTorch's engine casts it.
            let inputDType = input.dtype
            if !(folded.dtype.isFloat64 && inputDType.isFloat64) && folded.dtype != inputDType { folded = try folded.to(inputDType) }
            if let anomaly { anomaly.noteBackward(node: fn, gradient: folded) }
            if observer != nil { sent[i] = folded }
            try deliver(folded, to: input, slot: edge.slot)
        }
        observer?(fn, g, sent)
    }

    func results(allowUnused: Bool) throws -> [Variable?] {
        guard let inputs else { return [] }
        return try inputs.enumerated().map { i, input in
            if let g = captured[Pass.key(input)] {
                // A leaf's hooks see the sum of its gradients, as its AccumulateGrad node's do in
                // PyTorch (a non-leaf's ran before its node; they are in `g` already).
                return input.gradFn == nil && !input.hooks.isEmpty ? try input.hooks.run(g) : g
            }
            guard allowUnused else {
                throw OpError.autograd("The differentiated Tensor at index \(i) appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.")
            }
            return nil
        }
    }
}

/// The part of the graph one backward pass runs: its nodes, each node's edges as slots of that
/// list, the gradient waiting at each, and an order in which each node comes after every node
/// that feeds it a gradient. It belongs to the pass, not to the nodes, so a pass that a hook
/// starts inside another (through nodes both use) leaves the outer pass's state intact. The
/// nodes carry a mark only while the graph is gathered, which runs no user code.
struct PassGraph {
    /// An edge of a node: the slot of the node it leads to (-1 for a leaf or an input without
    /// one) and whether its input required grad when the node was made.
    struct Edge {
        let slot: Int
        let requiresGrad: Bool
    }

    /// One node of the pass: its edges are `edges[firstEdge ..< next slot's firstEdge]`.
    struct Slot {
        let node: GradFn
        /// Set when the node is expanded, in slot order.
        var firstEdge = 0
        /// The sum of the gradients delivered to the node so far.
        var pending: Variable?
        /// While ordering: how many edges into the node are not yet ordered.
        var dependencies = 0
    }

    /// The nodes reached from the roots, in the order found (the roots first).
    var slots: [Slot] = []
    /// Every node's edges, one per input in order, node after node.
    private(set) var edges: [Edge] = []
    /// The slot of each root's node (-1 for a root without one).
    private(set) var rootSlots: [Int] = []
    /// Slots in topological order (Kahn's algorithm).
    private(set) var order: [Int] = []
    /// Kahn's work list, while ordering (empty between passes).
    private var ready = ReadyNodes()

    /// No graph: a pass before it runs.
    init() {}

    /// Gathers the graph of `roots`' nodes iteratively (a chain of 10^6 nodes needs no deeper
    /// stack than one of 2), in the arrays of the thread's previous pass when it left them.
    init(roots: [(Variable, Variable)]) throws {
        let state = ThreadState.current
        if let spare = state.spareGraph {
            self = spare
            state.spareGraph = nil
        } else {
            // Room for a small graph up front: growing arrays from empty reallocates each
            // several times, a large share of a small backward.
            slots.reserveCapacity(16)
            edges.reserveCapacity(32)
            ready.reserveCapacity(16)
            order.reserveCapacity(16)
        }
        let mark = state.newBackwardPassMark()
        for (output, _) in roots { rootSlots.append(output.gradFn.map { find($0, mark: mark) } ?? -1) }
        let rootCount = slots.count
        // Slots from `expanded` on are still to be expanded, so the list is the work list too.
        var expanded = 0
        while expanded < slots.count {
            let fn = slots[expanded].node
            slots[expanded].firstEdge = edges.count
            expanded += 1
            if fn.released && fn.savesTensors {
                throw GradFn.releasedError
            }
            for i in fn.inputs.indices {
                let edge = fn.edge(i)
                let target = edge.node.map { find($0, mark: mark) } ?? -1
                if target >= 0 { slots[target].dependencies += 1 }
                edges.append(Edge(slot: target, requiresGrad: edge.requiresGrad))
            }
        }
        // Of the nodes whose gradients are complete, the one made last runs first, as in
        // PyTorch's engine (its ready queue is ordered by sequence number): a gradient that
        // several nodes feed then adds their parts in PyTorch's order.
        // The roots' nodes are the first slots, each once.
        for s in 0..<rootCount where slots[s].dependencies == 0 { ready.push(s, slots[s].node.sequenceNumber) }
        order.reserveCapacity(slots.count)
        while let s = ready.pop() {
            order.append(s)
            for e in edgeRange(of: s) where edges[e].slot >= 0 {
                let target = edges[e].slot
                slots[target].dependencies -= 1
                if slots[target].dependencies == 0 { ready.push(target, slots[target].node.sequenceNumber) }
            }
        }
    }

    /// Leaves this finished pass's arrays, emptied, to the thread's next pass, unless they grew
    /// beyond a small graph's (then they are freed).
    mutating func recycle() {
        guard slots.capacity <= 64 && edges.capacity <= 128 && order.capacity <= 64 && rootSlots.capacity <= 16 else { return }
        slots.removeAll(keepingCapacity: true)
        edges.removeAll(keepingCapacity: true)
        rootSlots.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        ThreadState.current.spareGraph = self
        self = PassGraph()
    }

    /// The slot of `node`, which gets the next one the first time this pass finds it.
    private mutating func find(_ node: GradFn, mark: Int) -> Int {
        if node.discoveryMark == mark { return node.discoverySlot }
        node.discoveryMark = mark
        node.discoverySlot = slots.count
        slots.append(Slot(node: node))
        return slots.count - 1
    }

    /// The positions in `edges` of the edges of the node at `slot`.
    func edgeRange(of slot: Int) -> Range<Int> {
        slots[slot].firstEdge ..< (slot + 1 < slots.count ? slots[slot + 1].firstEdge : edges.count)
    }
}

/// The slots ready to run, the one with the largest sequence number first (a binary max-heap).
private struct ReadyNodes {
    private var heap: [(slot: Int, sequence: Int)] = []

    mutating func reserveCapacity(_ n: Int) { heap.reserveCapacity(n) }

    mutating func push(_ slot: Int, _ sequence: Int) {
        heap.append((slot, sequence))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[parent].sequence < heap[child].sequence else { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last.slot }
        let top = heap[0].slot
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var largest = parent
            if left < heap.count && heap[left].sequence > heap[largest].sequence { largest = left }
            if right < heap.count && heap[right].sequence > heap[largest].sequence { largest = right }
            if largest == parent { break }
            heap.swapAt(parent, largest)
            parent = largest
        }
        return top
    }
}
