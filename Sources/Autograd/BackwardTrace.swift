// A record of one backward pass as the engine ran it, for `gradcli trace`. It observes the
// real engine through `Engine.observer` rather than re-deriving the gradients.

/// What receives a gradient in a trace: a node of the graph or a leaf variable.
public enum TraceTarget {
    case node(GradFn)
    case leaf(Variable)
}

/// One gradient sent along one edge during backward.
public struct TraceEdge {
    /// The input's position in the node's inputs.
    public let inputIndex: Int
    public let target: TraceTarget
    public let gradient: Tensor
    /// The sum the target held before this gradient, when it had already received one: the `+=`.
    public let previousTotal: Tensor?
    /// The target's sum after this gradient.
    public let runningTotal: Tensor
}

/// One node of the backward sweep, in the engine's order.
public struct TraceBackwardStep {
    public let node: GradFn
    public let incoming: Tensor
    public let edges: [TraceEdge]
}

/// The forward nodes (inputs before the nodes that use them) and the backward sweep.
public struct BackwardTrace {
    public let forward: [GradFn]
    /// Each forward node's output value, in the order of `forward`.
    public let values: [Tensor]
    public let backward: [TraceBackwardStep]
}

extension Variable {
    /// Runs backward from this variable, as `backward(gradient:)` does (gradients accumulate
    /// into leaf `grad`), and records each node's incoming gradient and each edge's gradient.
    public func traceBackward(gradient: Variable? = nil, retainGraph: Bool = false, createGraph: Bool = false) throws -> BackwardTrace {
        let forward = forwardNodes()
        let values = try forward.map { fn in
            guard let value = fn.savedResult else {
                if fn.released { throw GradFn.releasedError }
                throw OpError.autograd("the graph was recorded without the values a trace shows (its nodes keep only what backward reads)")
            }
            return value
        }
        var totals: [ObjectIdentifier: Tensor] = [:]
        var steps: [TraceBackwardStep] = []
        var failure: Error?
        Engine.observer = { fn, incoming, sent in
            var edges: [TraceEdge] = []
            for (i, grad) in sent.enumerated() {
                guard let grad else { continue }
                // The node the gradient went to: the one the input had when `fn` was made.
                let input = fn.inputs[i], node = fn.edge(i).node
                let target: TraceTarget = node.map { .node($0) } ?? .leaf(input)
                let key = node.map(ObjectIdentifier.init) ?? ObjectIdentifier(input)
                let previous = totals[key]
                var total = grad.value
                if let previous {
                    do { total = try Tensor.zip(previous, grad.value, +) } catch { failure = error }
                }
                totals[key] = total
                edges.append(TraceEdge(inputIndex: i, target: target, gradient: grad.value, previousTotal: previous, runningTotal: total))
            }
            steps.append(TraceBackwardStep(node: fn, incoming: incoming.value, edges: edges))
        }
        defer { Engine.observer = nil }
        try backward(gradient: gradient, retainGraph: retainGraph, createGraph: createGraph)
        if let failure { throw failure }
        return BackwardTrace(forward: forward, values: values, backward: steps)
    }

    /// The nodes behind this variable, each after the nodes that produce its inputs
    /// (an iterative post-order walk, so deep chains need no stack).
    public func forwardNodes() -> [GradFn] {
        guard let root = gradFn else { return [] }
        var order: [GradFn] = []
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var stack: [(GradFn, Int)] = [(root, 0)]
        while let (fn, next) = stack.popLast() {
            if next < fn.inputs.count {
                stack.append((fn, next + 1))
                if let child = fn.edge(next).node, seen.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(fn)
            }
        }
        return order
    }
}
