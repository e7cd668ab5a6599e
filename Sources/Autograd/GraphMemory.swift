// What a graph keeps alive. A node holds its inputs as variables, which are its edges, but it
// needs their values only when its VJP reads them, as PyTorch's nodes keep only the tensors
// they save. An input whose value the node does not need is replaced in the node by a stand-in:
// a variable with the input's edge (its node and grad flag as the node saw them), shape, dtype,
// tag and saved version, and no elements. The input's value is then freed as soon as nothing
// else holds it: `sum(x^2)` need not keep `x^2`, and a backward pass frees each saved value
// once its node has run, instead of when the whole graph goes.
//
// A stand-in's value is never read: reading it traps (`Variable.value`). Only nodes whose VJP
// reads no input value (`OpSpec.readsInputValues` false) hold stand-ins before backward;
// released nodes hold them only when a second pass is refused (they save tensors) or reads no
// input value either. A trace, which shows every value after its pass, keeps them all
// (`GradMode.keepingValues`).

extension GradFn {
    /// Below this many elements a value stays in the node: a stand-in costs about as much to
    /// make as such a value would free (a 10^6-node chain of scalars makes none).
    static let standInMinimumElements = 1024

    /// True for an input whose value is large enough to be worth a stand-in, and is not one.
    private func worthStandingIn(_ input: Variable) -> Bool {
        !input.isStandIn && input.storedValue.data.count >= GradFn.standInMinimumElements
    }

    /// Replaces input `i` by its stand-in: its edge as this node saw it, and the version it saved.
    private func standIn(at i: Int) {
        storedInputs[i] = Variable(standingInFor: storedInputs[i], edge: edge(i), version: savedVersions[i])
    }

    /// Stand-ins for the inputs made by other nodes, for an op whose VJP reads only its inputs'
    /// shapes and dtypes: the values stay with whoever else holds them. A leaf or a constant
    /// stays itself (gradients accumulate into a leaf, and the graph printers name both).
    func standInForIntermediateInputs() {
        for i in storedInputs.indices where storedInputs[i].storedGradFn != nil && worthStandingIn(storedInputs[i]) {
            standIn(at: i)
        }
    }

    /// Stand-ins, once a backward pass has released the node, for the inputs that only this
    /// node holds (their values are then freed): not for a leaf that requires grad, whose
    /// identity receives its gradient, and not when a second pass through the node may run and
    /// read them. What else reads the inputs of a released node (`edge`, `savesTensors`, the
    /// version checks) reads the same of a stand-in: its grad flag, node and version are the input's.
    func standInForInputsOnlyTheGraphHolds() {
        guard !ThreadState.current.keepsValues else { return }
        var secondPassRefusedOrBlind: Bool?  // asked once, and only when some input qualifies
        for i in storedInputs.indices {
            // Read in place: a local reference would make the input look shared.
            guard worthStandingIn(storedInputs[i]),
                  storedInputs[i].storedGradFn != nil || !storedInputs[i].storedRequiresGrad,
                  isKnownUniquelyReferenced(&storedInputs[i]) else { continue }
            if secondPassRefusedOrBlind == nil { secondPassRefusedOrBlind = !spec.readsInputValues || savesTensors }
            guard secondPassRefusedOrBlind == true else { return }
            standIn(at: i)
        }
    }
}
