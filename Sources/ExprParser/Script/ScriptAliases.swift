import Autograd

// The storage that `.data`, `detach()`, `nn.Parameter` and `x.data = y` share between tensors,
// and the in-place updates that write through it.

/// Which tensors share storage: made by `.data` and `detach()`. An in-place update of one writes
/// the new value into every live alias. `detach()` also shares the version counter, as in
/// PyTorch (an in-place update of the detached tensor invalidates what a backward saved of the
/// original); `.data` does not. Each member of a group holds the group (`Variable.storageShare`),
/// so a group lives as long as one of its members; the group lists its members unowned, each
/// leaving as it is freed (weak references would give every aliased tensor a side table).
struct AliasTable {
    private final class Group: StorageShare {
        struct Member {
            /// Safe to hold unowned: a member leaves the group as it is freed.
            unowned let variable: Variable
            let id: ObjectIdentifier
            /// Members with the same number share one version counter.
            let versionGroup: Int
        }
        var members: [Member] = []

        func memberEnded(_ member: ObjectIdentifier) { members.removeAll { $0.id == member } }

        func valueChanged(of member: Variable, modified: Bool) throws {
            guard let own = members.first(where: { $0.id == ObjectIdentifier(member) })?.versionGroup else { return }
            for other in members where other.id != ObjectIdentifier(member) {
                try other.variable.replaceValue(member.value)
                if modified && other.versionGroup == own { other.variable.markModified() }
            }
        }
    }
    private var nextVersionGroup = 0

    /// A new leaf that shares `v`'s storage (and with `sharingVersion`, its version counter)
    /// and does not require grad.
    mutating func alias(of v: Variable, sharingVersion: Bool) -> Variable {
        let alias = Variable(v.value)
        let group = self.group(of: v)
        let source = group.members.first { $0.id == ObjectIdentifier(v) }!.versionGroup
        group.members.append(Group.Member(variable: alias, id: ObjectIdentifier(alias),
                                          versionGroup: sharingVersion ? source : newVersionGroup()))
        alias.storageShare = group
        return alias
    }

    /// True when another live tensor shares `v`'s storage.
    func sharesStorage(_ v: Variable) -> Bool {
        ((v.storageShare as? Group)?.members.count ?? 0) > 1
    }

    /// `v.data = source`: `v` leaves the tensors it shared storage with and shares `source`'s
    /// instead, keeping its own version counter (PyTorch's `set_data`).
    mutating func moveStorage(of v: Variable, to source: Variable) {
        if let old = v.storageShare as? Group {
            old.memberEnded(ObjectIdentifier(v))
            v.storageShare = nil
        }
        guard source !== v else { return }
        let group = self.group(of: source)
        group.members.append(Group.Member(variable: v, id: ObjectIdentifier(v), versionGroup: newVersionGroup()))
        v.storageShare = group
    }

    /// The storage group `v` belongs to, made (with `v` its first member) when it has none.
    private mutating func group(of v: Variable) -> Group {
        if let shared = v.storageShare as? Group { return shared }
        let group = Group()
        group.members.append(Group.Member(variable: v, id: ObjectIdentifier(v), versionGroup: newVersionGroup()))
        v.storageShare = group
        return group
    }

    private mutating func newVersionGroup() -> Int {
        nextVersionGroup += 1
        return nextVersionGroup
    }
}

extension Interpreter {
    /// Runs `spec` in place on `t` and writes the result into its aliases.
    func inPlace(_ t: Variable, _ spec: OpSpec, _ others: [Variable], _ attrs: Attrs) throws {
        let version = t.version
        try t.applyInPlace(spec, others, attrs)
        try share(t, modified: t.version != version)
    }

    /// Refuses to show a view whose tensor changed after it was made (see
    /// `Variable.checkViewIsCurrent`): the tensors in `values`, and in their lists and tuples.
    func checkViewsCurrent(_ values: [PyValue]) throws {
        for value in values {
            switch value {
            case .tensor(let t): try t.checkViewIsCurrent()
            case .tuple(let items): try checkViewsCurrent(items)
            case .list(let list): try checkViewsCurrent(list.items)
            case .dict(let dict): try checkViewsCurrent(dict.keys.compactMap { dict.values[$0] })
            case .object(is PyNumpyScalar):
                throw PyException.torch("printing or formatting the result of numpy() is not supported in gradcli run (numpy is outside the subset); use item() or the tensor itself")
            default: break
            }
        }
    }

    /// Writes `t`'s new value into its aliases; those sharing its version counter count the
    /// update too when `modified`.
    func share(_ t: Variable, modified: Bool) throws {
        try t.storageShare?.valueChanged(of: t, modified: modified)
    }

    /// Overwrites `t` with `value` everywhere it is shared, counting an in-place update when
    /// `modifies` (`fill_`; not `x.data = v`); under grad mode a leaf that requires grad is
    /// refused, as PyTorch refuses it.
    func overwrite(_ t: Variable, with value: Tensor, modifies: Bool) throws {
        try overwrite(t, modifies: modifies) { try t.replaceValue(value) }
    }

    /// `overwrite` with the value `replace` writes into `t` (`fill_` writes into its storage).
    func overwrite(_ t: Variable, modifies: Bool, _ replace: () throws -> Void) throws {
        if GradMode.isEnabled && t.isLeaf && t.requiresGrad { throw OpError.autograd(Variable.leafInPlaceMessage) }
        try replace()
        if modifies { t.markModified() }
        try share(t, modified: modifies)
    }

}
