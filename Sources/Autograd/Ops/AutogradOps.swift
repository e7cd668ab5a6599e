// Ops about the graph itself rather than about values.

extension Ops {
    static let autograd: [OpSpec] = [detach]

    /// `detach(input)`: the same value as a constant, so gradients stop here. The registry
    /// form of `Variable.detached()`; both give a new leaf that does not require grad.
    public static let detach = OpSpec(
        "detach", params: [input], gradFn: "",
        summary: "input's value as a constant: gradients do not flow through it",
        forward: { args in args[0] },
        derivative: .notDifferentiable("detach stops gradients by definition; its output does not require grad"))
}
