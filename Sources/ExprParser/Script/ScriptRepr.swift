import Autograd
import CKernels
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
    case .object(is PyDevice): return "cpu"
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
    _ = gk_format_double(&buffer, buffer.count, format, value)
    return String(cString: buffer)
}

// MARK: tensors

/// PyTorch's repr of a tensor in a program: `torch/_tensor_str.py` with the program's default
/// dtype (the core's `formatTorch`), with `grad_fn=` or `requires_grad=True` unless `suffixes`
/// is false.
func tensorRepr(_ v: Variable, suffixes: Bool = true) -> String {
    (ParameterTable.shared.contains(v) ? "Parameter containing:\n" : "") + formatTorch(v.value, gradFn: suffixes ? v.gradFn?.name : nil, requiresGrad: suffixes && v.requiresGrad)
}
