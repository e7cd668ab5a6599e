import Autograd
import CKernels
import Glibc

// Printing tensors and variables exactly as PyTorch does: the same number formats,
// alignment, line wrapping at 80 columns, summarisation of large tensors and suffixes
// (`dtype=torch.float32` unless the dtype is the default one, int64 or bool; for an empty
// tensor unless it is the default one). Integers print without a dot, bools as True/False.
// This follows torch/_tensor_str.py with its default print options.

/// PyTorch's default print options (`torch.set_printoptions(profile="default")`).
private enum PrintOptions {
    /// printf formats of a float at the default precision, 4 digits, fixed and scientific.
    static let fixedFormat: StaticString = "%.4f"
    static let scientificFormat: StaticString = "%.4e"
    static let threshold = 1000
    static let edgeitems = 3
    static let linewidth = 80
}

/// Renders `tensor` as PyTorch's `repr` does, e.g. `tensor([15., 18.])` or
/// `tensor(91.5000, grad_fn=<MeanBackward0>)`.
///
/// - Parameters:
///   - gradFn: The name of the node that produced the tensor; adds `grad_fn=<...>`.
///   - requiresGrad: Adds `requires_grad=True` when there is no `gradFn` (a leaf).
public func formatTorch(_ tensor: Tensor, gradFn: String? = nil, requiresGrad: Bool = false) -> String {
    let prefix = "tensor("
    let indent = prefix.count
    var suffixes: [String] = []
    let body: String
    let defaultDType = DefaultDType.current
    if tensor.count == 0 {
        if tensor.rank != 1 { suffixes.append("size=(" + tensor.shape.map(String.init).joined(separator: ", ") + ")") }
        if tensor.dtype != defaultDType { suffixes.append("dtype=" + tensor.dtype.torchName) }
        body = "[]"
    } else {
        let summarize = tensor.count > PrintOptions.threshold
        let formatter = TorchFormatter(summarize ? summarizedValues(tensor) : tensor.data, dtype: tensor.dtype)
        body = TensorPrinter(tensor: tensor, formatter: formatter, summarize: summarize).render(indent: indent)
        if ![defaultDType, .int64, .bool].contains(tensor.dtype) { suffixes.append("dtype=" + tensor.dtype.torchName) }
    }
    if let gradFn {
        suffixes.append("grad_fn=<\(gradFn)>")
    } else if requiresGrad {
        suffixes.append("requires_grad=True")
    }
    return addSuffixes(prefix + body, suffixes, indent: indent)
}


/// Renders `variable` as PyTorch's `repr` does, with `grad_fn=<...>` or `requires_grad=True`.
public func formatTorch(_ variable: Variable) -> String {
    formatTorch(variable.value, gradFn: variable.gradFn?.name, requiresGrad: variable.requiresGrad)
}

/// Chooses one number format for a whole tensor, as `torch._tensor_str._Formatter` does:
/// integers as `3.`, otherwise 4 decimals, switching to scientific notation when the
/// nonzero finite magnitudes span more than 1000x or leave [1e-4, 1e8].
private struct TorchFormatter {
    var intMode = true
    var sciMode = false
    var width = 1
    /// Integer and bool tensors print each value as Python's `str` does, padded to the widest.
    var integral: DType?

    init(_ values: [Double], dtype: DType) {
        if !dtype.isFloatingPoint {
            integral = dtype
            width = values.map { TorchFormatter.integralText($0, dtype).utf8.count }.max() ?? 1
            return
        }
        let finite = values.filter { $0.isFinite && $0 != 0 }
        guard !finite.isEmpty else { return }
        let magnitudes = finite.map { Swift.abs($0) }
        let lo = magnitudes.min()!, hi = magnitudes.max()!
        intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        sciMode = hi / lo > 1000 || hi > 1e8 || lo < 1e-4
        for value in finite { width = Swift.max(width, finiteText(value).utf8.count) }
    }

    /// A finite float as the chosen mode writes it, unpadded (printf's output is ASCII).
    private func finiteText(_ value: Double) -> String {
        sciMode ? cFormat(PrintOptions.scientificFormat, value)
            : intMode ? cFormat("%.0f", value) + "."
            : cFormat(PrintOptions.fixedFormat, value)
    }

    /// One element, right-aligned to the common width.
    func format(_ value: Double) -> String {
        var text: String
        if let integral {
            text = TorchFormatter.integralText(value, integral)
        } else if value.isNaN {
            text = "nan"
        } else if value.isInfinite {
            text = value < 0 ? "-inf" : "inf"
        } else {
            text = finiteText(value)
        }
        let length = text.unicodeScalars.count
        if length < width { text = String(repeating: " ", count: width - length) + text }
        return text
    }
}

extension TorchFormatter {
    /// `3`, `-4`, `True`, `False`.
    static func integralText(_ value: Double, _ dtype: DType) -> String {
        dtype == .bool ? (value != 0 ? "True" : "False") : String(Int64(value))
    }
}

/// Lays a tensor out in nested brackets, wrapping rows at the line width.
private struct TensorPrinter {
    let tensor: Tensor
    let formatter: TorchFormatter
    let summarize: Bool

    func render(indent: Int) -> String {
        if tensor.rank == 0 { return formatter.format(tensor.data[0]) }
        return render(dim: 0, offset: 0, indent: indent)
    }

    /// The sub-tensor starting at `offset` whose outermost dimension is `dim`.
    private func render(dim: Int, offset: Int, indent: Int) -> String {
        let size = tensor.shape[dim]
        let step = Tensor.count(of: Array(tensor.shape[(dim + 1)...]))
        let shown = shownIndices(size)
        if dim == tensor.rank - 1 {
            let elementsPerLine = Swift.max(1, (PrintOptions.linewidth - indent) / (formatter.width + 2))
            let items = shown.map { $0.map { formatter.format(tensor.data[offset + $0]) } ?? " ..." }
            let lines = stride(from: 0, to: items.count, by: elementsPerLine).map {
                items[$0..<Swift.min($0 + elementsPerLine, items.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let slices = shown.map { i in
            i.map { render(dim: dim + 1, offset: offset + $0 * step, indent: indent + 1) } ?? "..."
        }
        let separator = "," + String(repeating: "\n", count: tensor.rank - dim - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }

    /// The indices printed along a dimension of `size`; nil marks the elided middle.
    private func shownIndices(_ size: Int) -> [Int?] {
        let edge = PrintOptions.edgeitems
        guard summarize, size > 2 * edge else { return Array(0..<size) }
        return Array(0..<edge) + [nil] + Array((size - edge)..<size)
    }
}

/// The elements a summarised tensor shows (the edge items of every dimension), which alone
/// decide the number format, as in PyTorch's `get_summarized_data`.
private func summarizedValues(_ tensor: Tensor) -> [Double] {
    guard tensor.rank > 0 else { return tensor.data }
    let edge = PrintOptions.edgeitems
    var offsets = [0]
    for (dim, size) in tensor.shape.enumerated() {
        let stride = Tensor.count(of: Array(tensor.shape[(dim + 1)...]))
        let kept = size > 2 * edge ? Array(0..<edge) + Array((size - edge)..<size) : Array(0..<size)
        offsets = offsets.flatMap { base in kept.map { base + $0 * stride } }
    }
    return offsets.map { tensor.data[$0] }
}

/// Appends `, suffix` after the tensor text, breaking the line when it would pass the width.
private func addSuffixes(_ text: String, _ suffixes: [String], indent: Int) -> String {
    var out = text
    // Lengths in code points, as Python's len counts them.
    let scalars = text.unicodeScalars
    let lastLine = scalars.lastIndex(of: "\n").map { scalars[scalars.index(after: $0)...] } ?? scalars[...]
    // PyTorch counts the last line as 2 longer than it is (its `rfind` arithmetic).
    var lastLength = lastLine.count + 2
    for suffix in suffixes {
        let length = suffix.unicodeScalars.count
        if lastLength + length + 2 > PrintOptions.linewidth {
            out += ",\n" + String(repeating: " ", count: indent) + suffix
            lastLength = indent + length
        } else {
            out += ", " + suffix
            lastLength += length + 2
        }
    }
    return out + ")"
}

/// `value` formatted by C's printf with a one-number format such as `%.4f`.
private func cFormat(_ format: StaticString, _ value: Double) -> String {
    // 512 bytes hold any double in these formats (%.4f of 1e308 is 314 characters).
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
        format.withUTF8Buffer { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { _ = gk_format_double(buffer.baseAddress!, buffer.count, $0.baseAddress!, value) }
        }
        return String(cString: buffer.baseAddress!)
    }
}
