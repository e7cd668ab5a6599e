import Autograd

/// What a command computed, rendered either as JSON (schema 1) or as text for people.
struct Report {
    var command: Command
    var source: String
    var value: Tensor?
    var gradFn: String?
    /// The elements of a tuple output, which `value` and `gradFn` then do not describe.
    var tuple: [(value: Tensor, gradFn: String?)]?
    /// A dtype output (`x.dtype`), which has no shape or grad_fn.
    var dtypeValue: DType?
    var grads: [(name: String, value: Tensor)] = []
    var retained: [(name: String, value: Tensor)] = []
    var jacobian: [(name: String, value: Tensor)] = []
    /// How the Jacobian was computed (mode and reason), for `jacobian`.
    var jacobianMethod: JacobianMethod?
    var hessian: [(name: String, blocks: [(name: String, value: Tensor)])] = []
    /// The leaves' shapes, for labelling Jacobian and Hessian tables.
    var inputShapes: [String: [Int]] = [:]
    var check: CheckReport?
    /// The graph command's rendering (tree or DOT).
    var graph: String?
    var warnings: [Warning] = []

    /// 0 unless a check failed.
    var exitCode: Int32 { check.map { $0.passed ? 0 : 1 } ?? 0 }

    // MARK: JSON

    var json: JSON {
        var fields: [(String, JSON)] = [("schema", .integer(1)), ("command", .string(command.rawValue)), ("expr", .string(source))]
        if let dtypeValue {
            fields.append(("value", .string(dtypeValue.torchName)))
        } else if let tuple {
            // A tuple output: arrays with one entry per element.
            fields += [("value", .array(tuple.map { JSON($0.value) })), ("shape", .array(tuple.map { JSON(shape: $0.value.shape) })),
                       ("dtype", .array(tuple.map { .string($0.value.dtype.rawValue) })),
                       ("grad_fn", .array(tuple.map { $0.gradFn.map(JSON.string) ?? .null }))]
        } else if let value {
            fields += [("value", JSON(value)), ("shape", JSON(shape: value.shape)), ("dtype", .string(value.dtype.rawValue)),
                       ("grad_fn", gradFn.map(JSON.string) ?? .null)]
        }
        func table(_ entries: [(name: String, value: Tensor)]) -> JSON { .object(entries.map { ($0.name, JSON($0.value)) }) }
        if command == .grad { fields.append(("grad", table(grads))) }
        if !retained.isEmpty { fields.append(("retained", table(retained))) }
        if command == .jacobian { fields.append(("jacobian", table(jacobian))) }
        if let jacobianMethod { fields += [("mode", .string(jacobianMethod.mode)), ("mode_reason", .string(jacobianMethod.reason))] }
        if command == .hessian { fields.append(("hessian", .object(hessian.map { ($0.name, table($0.blocks)) }))) }
        if let check { fields.append(("check", check.json)) }
        if let graph { fields.append(("graph", .string(graph))) }
        fields.append(("warnings", .array(warnings.map { $0.json(source: source) })))
        return .object(fields)
    }

    // MARK: Text

    /// `shape [2]`, with the dtype when it is not the run's default (`shape [2], dtype=int64`).
    static func shapeNote(_ t: Tensor) -> String {
        let shape = "shape \(describe(shape: t.shape))"
        return t.dtype == DefaultDType.current ? shape : shape + ", dtype=\(t.dtype.rawValue)"
    }

    func text(style: NumberStyle) -> String {
        var out = ""
        if let graph { return graph }
        let printer = TensorText(style: style)
        if let dtypeValue {
            out += "value = \(dtypeValue.torchName)\n"
        } else if let tuple {
            for (i, element) in tuple.enumerated() {
                var note = Report.shapeNote(element.value)
                if let gradFn = element.gradFn { note += ", grad_fn=<\(gradFn)>" }
                out += block("value[\(i)]", printer.render(element.value), note: note)
            }
        } else if let value, command != .check {
            var note = Report.shapeNote(value)
            if let gradFn { note += ", grad_fn=<\(gradFn)>" }
            out += block("value", printer.render(value), note: note)
        }
        for (name, g) in grads where command == .grad { out += block("grad \(name)", printer.render(g), note: Report.shapeNote(g)) }
        for (name, g) in retained { out += block("grad \(name) (retained)", printer.render(g), note: Report.shapeNote(g)) }
        let outShape = value?.shape ?? []
        if let jacobianMethod { out += "mode: \(jacobianMethod.mode) (\(jacobianMethod.reason))\n" }
        for (name, j) in jacobian {
            let inShape = inputShapes[name] ?? []
            out += "jacobian d(output)/d(\(name))  shape \(describe(shape: j.shape)): rows = output \(describe(shape: outShape)), columns = \(name) \(describe(shape: inShape))\n"
            out += MatrixTable(style: style).render(j, rows: ("out", outShape), columns: (name, inShape)) + "\n"
        }
        for (first, blocks) in hessian {
            for (second, h) in blocks {
                out += "hessian d2(output)/d(\(first))d(\(second))  shape \(describe(shape: h.shape)): rows = \(first), columns = \(second)\n"
                out += MatrixTable(style: style).render(h, rows: (first, inputShapes[first] ?? []), columns: (second, inputShapes[second] ?? [])) + "\n"
            }
        }
        if let check { out += check.text(style: style) }
        return out
    }

    /// `label = value   (note)` on one line, or the label line then the block for matrices.
    private func block(_ label: String, _ rendered: String, note: String) -> String {
        if rendered.contains("\n") { return "\(label)  (\(note)) =\n\(rendered)\n" }
        return "\(label) = \(rendered)   (\(note))\n"
    }
}

/// A Jacobian-like tensor laid out as a matrix with labelled rows and columns:
/// rows are the elements of the first part of the shape, columns of the second.
struct MatrixTable {
    var style: NumberStyle
    /// Wider tables fall back to nested brackets.
    var maxColumns = 12
    var maxRows = 200

    func render(_ tensor: Tensor, rows: (name: String, shape: [Int]), columns: (name: String, shape: [Int])) -> String {
        let rowCount = Tensor.count(of: rows.shape), columnCount = Tensor.count(of: columns.shape)
        guard columnCount <= maxColumns, rowCount <= maxRows, rowCount * columnCount == tensor.count else {
            return TensorText(style: style).render(tensor)
        }
        func label(_ name: String, _ shape: [Int], _ offset: Int) -> String {
            shape.isEmpty ? name : name + "[" + Tensor.index(ofOffset: offset, in: shape).map(String.init).joined(separator: ",") + "]"
        }
        let rowLabels = (0..<rowCount).map { label(rows.name, rows.shape, $0) }
        let columnLabels = (0..<columnCount).map { label(columns.name, columns.shape, $0) }
        let cells = tensor.data.map(style.string)
        let labelWidth = rowLabels.map(\.count).max() ?? 0
        let widths = (0..<columnCount).map { c in
            max(columnLabels[c].count, (0..<rowCount).map { cells[$0 * columnCount + c].count }.max() ?? 0)
        }
        func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var lines = [String(repeating: " ", count: labelWidth) + zip(columnLabels, widths).map { "  " + pad($0, $1) }.joined()]
        for r in 0..<rowCount {
            lines.append(rowLabels[r] + String(repeating: " ", count: labelWidth - rowLabels[r].count)
                         + (0..<columnCount).map { "  " + pad(cells[r * columnCount + $0], widths[$0]) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
