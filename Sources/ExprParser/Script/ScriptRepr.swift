import Autograd
import Glibc

// Python's `str` and `repr` of every value, and PyTorch's repr of tensors and nodes.

/// `repr(value)` as Python writes it.
func pyRepr(_ value: PyValue) -> String {
    switch value {
    case .none: return "None"
    case .bool(let b): return b ? "True" : "False"
    case .int(let i): return String(i)
    case .float(let d): return floatRepr(d)
    case .str(let s): return stringRepr(s)
    case .tuple(let items):
        if items.count == 1 { return "(" + pyRepr(items[0]) + ",)" }
        return "(" + items.map(pyRepr).joined(separator: ", ") + ")"
    case .list(let list): return "[" + list.items.map(pyRepr).joined(separator: ", ") + "]"
    case .dict(let dict):
        return "{" + dict.keys.map { pyRepr($0.value) + ": " + pyRepr(dict.values[$0]!) }.joined(separator: ", ") + "}"
    case .tensor(let v): return tensorRepr(v)
    case .node(let fn): return "<\(fn.name) object at \(address(of: fn))>"
    case .function(let f): return "<function \(f.name) at \(address(of: f))>"
    case .native(let f): return "<built-in function \(f.name)>"
    case .object(let o): return o.repr
    }
}

/// `str(value)`: the text itself for strings and exceptions, `repr` otherwise.
func pyStr(_ value: PyValue) -> String {
    switch value {
    case .str(let s): return s
    case .object(let o as PyExceptionObject): return o.exception.message
    default: return pyRepr(value)
    }
}

/// Python's `repr(float)`: the shortest digits that read back as the same double, written in
/// exponent form below 1e-4 and from 1e16 up (`1e-05`, `0.0001`, `2.0`, `1e+16`).
func floatRepr(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
    var precision = 0
    var text = formatC("%.0e", d)
    while Double(text) != d && precision < 17 {
        precision += 1
        text = formatC("%.\(precision)e", d)
    }
    let parts = text.split(separator: "e")
    let mantissa = String(parts[0]), exponent = Int(parts[1])!
    let negative = mantissa.hasPrefix("-")
    let digits = mantissa.filter { $0.isNumber }
    let sign = negative ? "-" : ""
    if exponent < -4 || exponent >= 16 {
        let e = Swift.abs(exponent)
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
    }
    if exponent >= 0 {
        let whole = digits.count > exponent + 1 ? String(digits.prefix(exponent + 1))
            : digits + String(repeating: "0", count: exponent + 1 - digits.count)
        let fraction = digits.count > exponent + 1 ? String(digits.dropFirst(exponent + 1)) : "0"
        return sign + whole + "." + fraction
    }
    return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
}

/// Python's repr of a string: single quotes unless the text has one and no double quote.
func stringRepr(_ s: String) -> String {
    let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if Character(scalar) == quote { out += "\\" + String(quote) }
            else if scalar.value < 0x20 || scalar.value == 0x7F { out += "\\x" + hex2(scalar.value) }
            else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + String(quote)
}

private func hex2(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return s.count < 2 ? "0" + s : s
}

/// `value` through one printf conversion, such as `%.4f`.
func formatC(_ format: String, _ value: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
    return String(cString: buffer)
}

// MARK: tensors

/// PyTorch's repr of a tensor in a program: `torch/_tensor_str.py` with the program's default
/// dtype (no `dtype=` suffix for it, for int64 or for bool), then `grad_fn=` or `requires_grad=True`.
func tensorRepr(_ v: Variable, suffixes: Bool = true) -> String {
    let t = v.value
    var extra: [String] = []
    if t.dtype != DefaultDType.current && t.dtype != .int64 && t.dtype != .bool && ScriptRunner.coreComputesFloat32 {
        extra.append("dtype=" + t.dtype.torchName)
    }
    if suffixes {
        if let fn = v.gradFn { extra.append("grad_fn=<\(fn.name)>") } else if v.requiresGrad { extra.append("requires_grad=True") }
    }
    var text: String
    if t.dtype == .int64 || t.dtype == .bool {
        text = "tensor(" + IntegerTensorText(t).render() + ")"
    } else {
        text = formatTorch(t)
    }
    guard !extra.isEmpty else { return text }
    text.removeLast()  // ")"
    return appendSuffixes(text, extra)
}

/// Appends `, suffix` items as `_tensor_str._add_suffixes` does, breaking lines past 80 columns.
private func appendSuffixes(_ text: String, _ suffixes: [String]) -> String {
    var out = text
    let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
    var lastLength = lastLine.count + 2  // PyTorch's `rfind` arithmetic counts 2 more
    for suffix in suffixes {
        if lastLength + suffix.count + 2 > 80 {
            out += ",\n" + String(repeating: " ", count: 7) + suffix
            lastLength = 7 + suffix.count
        } else {
            out += ", " + suffix
            lastLength += suffix.count + 2
        }
    }
    return out + ")"
}

/// The body of an integer or bool tensor: no decimal point, right-justified, nested as
/// PyTorch nests (`[[ -1,  20],\n        [300,   4]]`).
private struct IntegerTensorText {
    let tensor: Tensor
    let texts: [String]
    let width: Int

    init(_ tensor: Tensor) {
        self.tensor = tensor
        let isBool = tensor.dtype == .bool
        texts = tensor.data.map { isBool ? ($0 != 0 ? "True" : "False") : String(Int($0)) }
        width = texts.map(\.count).max() ?? 1
    }

    func render() -> String {
        if tensor.count == 0 { return "[]" }
        if tensor.rank == 0 { return texts[0] }
        return render(dim: 0, offset: 0, indent: 7)
    }

    private func render(dim: Int, offset: Int, indent: Int) -> String {
        let size = tensor.shape[dim]
        let step = Tensor.count(of: Array(tensor.shape[(dim + 1)...]))
        if dim == tensor.rank - 1 {
            let perLine = Swift.max(1, (80 - indent) / (width + 2))
            let items = (0..<size).map { String(repeating: " ", count: width - texts[offset + $0].count) + texts[offset + $0] }
            let lines = stride(from: 0, to: items.count, by: perLine).map { items[$0..<Swift.min($0 + perLine, items.count)].joined(separator: ", ") }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        let separator = "," + String(repeating: "\n", count: tensor.rank - dim - 1) + String(repeating: " ", count: indent + 1)
        return "[" + (0..<size).map { render(dim: dim + 1, offset: offset + $0 * step, indent: indent + 1) }.joined(separator: separator) + "]"
    }
}
