import Autograd

/// `gradcli help conventions`: the value gradcli (as PyTorch) uses at each recorded kink or tie,
/// next to the one-sided slopes and to what JAX returns for the same function.
enum ConventionsTable {
    static var text: String {
        let style = NumberStyle()
        func n(_ x: Double) -> String { x.isNaN ? "undefined" : style.string(x) }
        var lines = [
            "CONVENTIONS AT KINKS AND TIES (d/dx[0] at the point; PyTorch 2.13 and jax 0.10.2, float64)",
            "",
            "Where the one-sided slopes differ, any value between them is a subgradient and each framework",
            "picks one. gradcli returns PyTorch's value everywhere; JAX's is shown for comparison.",
            "",
        ]
        let header = ["expression", "at", "left slope", "right slope", "gradcli = PyTorch", "JAX", "JAX function"]
        var rows = [header]
        for c in KinkConvention.all {
            rows.append([c.expression, c.place, n(c.left), n(c.right), n(c.pytorch), c.jax.isNaN ? "nan" : n(c.jax), c.jaxExpression])
        }
        let widths = header.indices.map { col in rows.map { $0[col].count }.max() ?? 0 }
        for (i, row) in rows.enumerated() {
            let padded = row.enumerated().map { col, cell in cell + String(repeating: " ", count: widths[col] - cell.count) }
            lines.append("  " + padded.joined(separator: "  ").trimmingTrailingSpaces())
            if i == 0 { lines.append("  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        lines += ["", "`gradcli check` and `gradcli trace` name these values when an input sits at one of the points."]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The lines `check` and `trace` add for op `name`: its recorded points and JAX's value there.
    static func notes(for node: GradFn) -> [String] {
        // Only the ops with recorded points have their input values read: a node may hold
        // stand-ins for inputs whose values its backward does not need.
        guard !KinkConvention.of(node.spec.name).isEmpty else { return [] }
        return notes(for: node.spec.name, at: (node.inputs.map(\.value), node.attrs))
    }

    /// The notes of op `name`: every recorded point, or those `at` (input values and attributes) sits at.
    static func notes(for name: String, at node: (inputs: [Tensor], attrs: Attrs)? = nil) -> [String] {
        let style = NumberStyle()
        func n(_ x: Double) -> String { x.isNaN ? "nan" : style.string(x) }
        return KinkConvention.of(name).filter { c in node.map { c.applies(to: $0.inputs, attrs: $0.attrs) } ?? true }.map { c in
            "\(c.expression) at \(c.place): one-sided slopes \(n(c.left)) and \(n(c.right)); gradcli and PyTorch use \(n(c.pytorch)), JAX (\(c.jaxExpression)) gives \(n(c.jax))"
        }
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
