import Autograd
import Glibc

/// How numbers are written in text output.
struct NumberStyle {
    /// Significant digits, or nil for the shortest text that reads back to the same double.
    var precision: Int? = 6

    func string(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        guard let precision else {
            return x == x.rounded() && abs(x) < 1e16 ? String(Int64(x)) : x.description
        }
        var buffer = [CChar](repeating: 0, count: 64)
        let written = withVaList([Int32(precision), x]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, 64, "%.*g", args) }
        }
        let text = String(cString: buffer)
        return written > 0 && text == "-0" ? "-0" : text
    }
}

/// Renders tensors for people: nested brackets, right-aligned columns, and the middle of
/// very large tensors elided as NumPy and PyTorch do.
struct TensorText {
    var style: NumberStyle
    /// Tensors with more elements than this show only `edgeItems` at each end of a dimension.
    var summarizeAbove = 1000
    var edgeItems = 3

    func render(_ tensor: Tensor, indent: Int = 0) -> String {
        if tensor.isScalar { return style.string(tensor.data[0]) }
        let summarize = tensor.count > summarizeAbove
        let cells = tensor.data.map(style.string)
        let width = cells.map(\.count).max() ?? 0
        var out = ""
        renderBlock(tensor.shape, strides: Tensor.strides(of: tensor.shape), dim: 0, offset: 0, cells: cells,
                    width: width, column: indent, summarize: summarize, into: &out)
        return out
    }

    /// Writes dimension `dim` of the block at `offset`; recursion depth is the tensor's rank.
    private func renderBlock(_ shape: [Int], strides: [Int], dim: Int, offset: Int, cells: [String],
                             width: Int, column: Int, summarize: Bool, into out: inout String) {
        let size = shape[dim]
        let shown: [Int?] = summarize && size > 2 * edgeItems
            ? Array(0..<edgeItems).map { $0 } + [nil] + Array(size - edgeItems..<size).map { $0 }
            : Array(0..<size).map { $0 }
        out += "["
        let isLast = dim == shape.count - 1
        for (position, index) in shown.enumerated() {
            if position > 0 {
                if isLast {
                    out += ", "
                } else {
                    out += "," + String(repeating: "\n", count: shape.count - dim - 1)
                    out += String(repeating: " ", count: column + dim + 1)
                }
            }
            guard let index else { out += "..."; continue }
            if isLast {
                let cell = cells[offset + index * strides[dim]]
                out += String(repeating: " ", count: width - cell.count) + cell
            } else {
                renderBlock(shape, strides: strides, dim: dim + 1, offset: offset + index * strides[dim], cells: cells,
                            width: width, column: column, summarize: summarize, into: &out)
            }
        }
        out += "]"
    }
}
