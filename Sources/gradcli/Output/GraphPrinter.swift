import Autograd

/// Prints the graph behind an output: a tree of grad_fn nodes with shapes and the
/// expression text each came from, or Graphviz DOT styled as torchviz styles it.
/// Both walk the graph with an explicit stack, so a chain of 10^6 nodes prints.
struct GraphPrinter {
    /// The program's UTF-8 bytes, which node tags index into.
    let source: [UInt8]
    let leaves: [(name: String, variable: Variable)]
    init(source: String, leaves: [(name: String, variable: Variable)]) {
        self.source = Array(source.utf8)
        self.leaves = leaves
    }

    /// The tree indents no deeper than this; deeper nodes line up at this depth.
    var maxIndent = 40
    /// The tree stops after this many lines, and says so.
    var maxLines = 5000

    private func text(of tag: SourceRange?) -> String? {
        guard let tag, tag.start >= 0, tag.end <= source.count, tag.start < tag.end else { return nil }
        let snippet = String(decoding: source[tag.start..<min(tag.end, tag.start + 240)], as: UTF8.self)
        let flat = snippet.split(whereSeparator: { $0 == "\n" }).joined(separator: "; ")
        return flat.count > 60 ? String(flat.prefix(57)) + "..." : flat
    }

    private func leafName(_ v: Variable) -> String? { leaves.first { $0.variable === v }?.name }

    /// One line describing a variable that is not produced by a recorded op.
    private func describeLeaf(_ v: Variable) -> String {
        let shape = describe(shape: v.shape)
        if let name = leafName(v) { return "\(name)  \(shape)  " + (v.requiresGrad ? "leaf, requires grad" : "input, constant") }
        let what = text(of: v.tag) ?? (v.value.count == 1 ? String(v.value.data[0]) : "tensor")
        return "\(what)  \(shape)  constant"
    }

    /// The tree, output first, inputs indented under the node that consumes them.
    func tree(_ output: Variable) -> String {
        guard output.gradFn != nil else { return describeLeaf(output) + "\n" }
        var lines: [String] = []
        var seen = Set<ObjectIdentifier>()
        // Each entry: the variable, the prefix for its own line, the prefix for its children.
        var stack: [(Variable, String, String, Int)] = [(output, "", "", 0)]
        var cut = false
        while let (v, lead, childLead, depth) = stack.popLast() {
            if lines.count >= maxLines { cut = true; break }
            guard let fn = v.gradFn else { lines.append(lead + describeLeaf(v)); continue }
            var line = lead + "\(fn.name)  \(describe(shape: fn.resultShape))"
            if let text = text(of: fn.tag) { line += "  " + text }
            guard seen.insert(ObjectIdentifier(fn)).inserted else { lines.append(line + "  (shown above)"); continue }
            lines.append(line)
            let inputs = fn.inputs
            for (i, input) in inputs.enumerated().reversed() {
                let last = i == inputs.count - 1
                let indent = depth < maxIndent
                stack.append((input, childLead + (last ? "└── " : "├── "),
                              childLead + (indent ? (last ? "    " : "│   ") : ""), depth + 1))
            }
        }
        if cut { lines.append("... (the tree is cut after \(maxLines) lines; use --dot for the whole graph)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Graphviz DOT: ops grey boxes, leaves that require grad blue, constants white and
    /// dashed, the output green (torchviz's colours).
    func dot(_ output: Variable) -> String {
        var lines = ["digraph gradcli {", "  rankdir=BT;",
                     "  node [shape=box, style=filled, fillcolor=lightgray, fontname=\"monospace\"];"]
        var ids: [ObjectIdentifier: Int] = [:]
        /// A quoted DOT label; newlines become DOT's line breaks.
        func label(_ s: String) -> String {
            let escaped = s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
            return "\"" + escaped.replacingAll("\n", with: "\\n") + "\""
        }
        func id(_ key: ObjectIdentifier, _ declare: (Int) -> String) -> Int {
            if let existing = ids[key] { return existing }
            let n = ids.count
            ids[key] = n
            lines.append(declare(n))
            return n
        }
        func node(for v: Variable) -> Int {
            if let fn = v.gradFn {
                return id(ObjectIdentifier(fn)) { n in
                    var text = fn.name + "\n" + describe(shape: fn.resultShape)
                    if let snippet = self.text(of: fn.tag) { text += "\n" + snippet }
                    let colour = v === output ? ", fillcolor=darkolivegreen1" : ""
                    return "  n\(n) [label=\(label(text))\(colour)];"
                }
            }
            return id(ObjectIdentifier(v)) { n in
                let name = leafName(v) ?? text(of: v.tag) ?? "constant"
                let style = v.requiresGrad ? "shape=ellipse, fillcolor=lightblue" : "shape=ellipse, style=dashed, fillcolor=white"
                return "  n\(n) [label=\(label(name + "\n" + describe(shape: v.shape))), \(style)];"
            }
        }
        _ = node(for: output)
        var stack: [Variable] = output.gradFn == nil ? [] : [output]
        var expanded = Set<ObjectIdentifier>()
        while let v = stack.popLast() {
            guard let fn = v.gradFn, expanded.insert(ObjectIdentifier(fn)).inserted else { continue }
            let target = node(for: v)
            for input in fn.inputs {
                lines.append("  n\(node(for: input)) -> n\(target);")
                if input.gradFn != nil { stack.append(input) }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// This string with every occurrence of `target` replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
