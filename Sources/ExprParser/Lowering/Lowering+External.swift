import Autograd

// The language's functions for callers outside an expression: `gradcli run` binds Python
// arguments itself, then calls here, so `torch.max(x, 1)`, `torch.kron` or `torch.linalg.svd`
// mean in a program exactly what they mean in an expression.

extension Lowering {
    /// The function `name` means (a registry op or a language function), if any.
    static func function(named name: String) -> OpSpec? {
        languageFunctions[name] ?? Registry.lookup(name)
    }

    /// The function a dotted name of `torch.linalg` or `torch.special` means
    /// (`"linalg.svd"`), if gradcli has it.
    static func function(namespaced name: String) -> OpSpec? {
        namespaced[name].flatMap(function(named:))
    }

    /// Runs `spec` on bound arguments: `inputs` without the optional tensors left out, and
    /// `attrs` marking which were given. Errors are the expression language's diagnostics;
    /// their ranges mean nothing to the caller, only their messages do.
    static func callFunction(_ spec: OpSpec, _ inputs: [Variable], _ attrs: Attrs) throws -> Value {
        let lowering = detachedLowering
        return try lowering.dispatch(spec, inputs, attrs, node: detachedProgram.tree[0])
    }

    /// `value` with dimension `dim` of each entry picked by its integer index tensor, as
    /// advanced indexing picks them (`Lowering.pick`): one `IndexBackward0` node.
    static func pickIndexed(_ value: Variable, _ indexed: [(dim: Int, index: Tensor)]) throws -> Variable {
        let lowering = Lowering(program: detachedProgram, inputs: [])
        let node = detachedProgram.tree[0]
        return try lowering.pick(value, indexed.map { IndexedDimension(dim: $0.dim, index: $0.index, range: node.range) }, node: node)
    }

    /// A one-node program whose node stands for the call in diagnostics.
    private static let detachedProgram = try! Program.parse("f")
    /// A fresh evaluator of `detachedProgram` for `callFunction`, made once: each call copies it
    /// (sharing its storage until written), which costs less than building one per call.
    private static let detachedLowering: Lowering = {
        var lowering = Lowering(program: detachedProgram, inputs: [])
        lowering.tagsSources = false
        return lowering
    }()
}
