// Tensor hooks, like `tensor.register_hook(fn)`: a function called with the tensor's gradient
// during backward, whose non-nil result replaces that gradient. A non-leaf's hooks run when its
// node's incoming gradients are all summed, before the node runs (and before `retain_grad`
// keeps the gradient); a leaf's run on the sum of its incoming gradients of the pass, before it
// is added to `grad`, as PyTorch's AccumulateGrad node runs them.

/// A function called with a gradient; a non-nil result replaces it.
public typealias GradientHook = (Variable) throws -> Variable?

/// A tensor's hooks in registration order, each with the number that removes it.
struct HookList {
    private(set) var entries: [(id: Int, hook: GradientHook)] = []
    private static var nextID = 0

    var isEmpty: Bool { entries.isEmpty }
    /// False until some hook was registered, so passes without hooks look for none.
    static var anyRegistered: Bool { nextID > 0 }

    mutating func append(_ hook: @escaping GradientHook) -> Int {
        HookList.nextID += 1
        entries.append((HookList.nextID, hook))
        return HookList.nextID
    }

    mutating func remove(_ id: Int) { entries.removeAll { $0.id == id } }

    /// `gradient` passed through every hook in order.
    func run(_ gradient: Variable) throws -> Variable {
        var g = gradient
        for (_, hook) in entries { if let replaced = try hook(g) { g = replaced } }
        return g
    }
}

/// Removes the hook it was returned for, like PyTorch's `RemovableHandle.remove()`.
public struct HookHandle {
    fileprivate weak var variable: Variable?
    fileprivate weak var node: GradFn?
    fileprivate let id: Int

    public func remove() {
        variable?.hooks.remove(id)
        node?.hooks.remove(id)
    }
}

extension Variable {
    /// PyTorch's message for a hook on a tensor that does not require grad.
    public static let hookWithoutGradMessage = "cannot register a hook on a tensor that doesn't require gradient"

    /// Registers `hook` to be called with this tensor's gradient in each backward pass.
    public func registerHook(_ hook: @escaping GradientHook) throws -> HookHandle {
        guard requiresGrad else { throw OpError.autograd(Variable.hookWithoutGradMessage) }
        if let gradFn { return HookHandle(node: gradFn, id: gradFn.hooks.append(hook)) }
        return HookHandle(variable: self, id: hooks.append(hook))
    }
}

/// The leaves with hooks that one backward pass reaches: their gradients are summed here and
/// handed to the hooks once the last incoming edge has delivered.
struct LeafHookBuffers {
    private var pending: [ObjectIdentifier: (leaf: Variable, edges: Int, sum: Variable?)] = [:]

    init() {}

    /// Counts the edges into hooked leaves from `order`'s nodes and from `roots`.
    init(order: [GradFn], roots: [Variable]) {
        for fn in order {
            for (i, input) in fn.inputs.enumerated() where !input.hooks.isEmpty {
                let edge = fn.edge(i)
                if edge.node == nil && edge.requiresGrad { count(input) }
            }
        }
        for root in roots where root.gradFn == nil && !root.hooks.isEmpty { count(root) }
    }

    private mutating func count(_ leaf: Variable) {
        pending[ObjectIdentifier(leaf), default: (leaf, 0, nil)].edges += 1
    }

    var isEmpty: Bool { pending.isEmpty }

    /// True when `leaf` is hooked and still waiting for some of its edges.
    func awaits(_ leaf: Variable) -> Bool { pending[ObjectIdentifier(leaf)] != nil }

    /// Adds `g` for `leaf`; returns the hooked total when it was the last edge, nil while others remain.
    /// A leaf this pass did not count passes `g` through unchanged.
    mutating func take(_ g: Variable, for leaf: Variable, createGraph: Bool) throws -> Variable? {
        let id = ObjectIdentifier(leaf)
        guard var entry = pending[id] else { return g }
        entry.sum = try Engine.accumulate(entry.sum, g, createGraph: createGraph)
        entry.edges -= 1
        guard entry.edges == 0, let total = entry.sum else { pending[id] = entry; return nil }
        pending[id] = nil
        return try leaf.hooks.run(total)
    }

    /// The leaves whose last edges sent no gradient (a VJP returned nil), with their hooked totals.
    mutating func flush() throws -> [(Variable, Variable)] {
        defer { pending = [:] }
        return try pending.values.compactMap { entry in try entry.sum.map { (entry.leaf, try entry.leaf.hooks.run($0)) } }
    }
}
