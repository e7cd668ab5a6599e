// Python's string formatting: format specs (`{loss:.4f}`, `{i:3d}`, `{name:>10}`) for
// f-strings, `str.format` and `format()`, and `%`-formatting of numbers and strings.
// A 0-d tensor formats as its Python number, as `Tensor.__format__` does.

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
struct FormatSpec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var alternate = false
    var zeroPad = false
    var width = 0
    var grouping: Character?
    var precision: Int?
    var type: Character?

    init(_ text: String) throws {
        var chars = Array(text)[...]
        if chars.count >= 2, "<>^=".contains(chars[chars.startIndex + 1]) {
            fill = chars.removeFirst()
            align = chars.removeFirst()
        } else if let c = chars.first, "<>^=".contains(c) {
            align = chars.removeFirst()
        }
        if let c = chars.first, "+- ".contains(c) { sign = chars.removeFirst() }
        if chars.first == "#" { alternate = true; chars.removeFirst() }
        if chars.first == "0" { zeroPad = true; chars.removeFirst() }
        var digits = ""
        while let c = chars.first, c.isNumber { digits.append(chars.removeFirst()) }
        width = Int(digits) ?? 0
        if let c = chars.first, c == "," || c == "_" { grouping = chars.removeFirst() }
        if chars.first == "." {
            chars.removeFirst()
            var p = ""
            while let c = chars.first, c.isNumber { p.append(chars.removeFirst()) }
            guard let value = Int(p) else { throw PyException("ValueError", "Format specifier missing precision") }
            precision = value
        }
        if !chars.isEmpty { type = chars.removeFirst() }
        guard chars.isEmpty else { throw PyException("ValueError", "Invalid format specifier '\(text)'") }
    }
}

extension Interpreter {
    /// `format(value, spec)`.
    func format(_ value: PyValue, spec: String) throws -> String {
        var value = value
        if case .tensor(let t) = value {
            if t.value.rank == 0 { value = scalarValue(t.value.data[0], t.value.dtype) }
            else if spec.isEmpty { return pyStr(value) }
            else { throw PyException("TypeError", "unsupported format string passed to Tensor.__format__") }
        }
        if spec.isEmpty { return pyStr(value) }
        let f = try FormatSpec(spec)
        var body: String
        var numeric = true
        switch value {
        case .int, .bool:
            let i = integer(value)!
            switch f.type {
            case nil, "d", "n": body = group(String(Swift.abs(i)), f.grouping)
            case "x": body = String(Swift.abs(i), radix: 16)
            case "X": body = String(Swift.abs(i), radix: 16).uppercased()
            case "o": body = String(Swift.abs(i), radix: 8)
            case "b": body = String(Swift.abs(i), radix: 2)
            case "c": body = String(Character(UnicodeScalar(UInt32(Swift.max(i, 0))) ?? " "))
            case "s": throw PyException("ValueError", "Unknown format code 's' for object of type 'int'")
            default: return try format(.float(Double(i)), spec: spec)
            }
            if f.alternate, let t = f.type, "xXob".contains(t) { body = "0" + String(t) + body }
            body = signed(body, negative: i < 0, f.sign)
        case .float(let d):
            body = try formatFloat(d, f)
        case .str(let s):
            guard f.type == nil || f.type == "s" else {
                throw PyException("ValueError", "Unknown format code '\(f.type!)' for object of type 'str'")
            }
            body = f.precision.map { String(s.prefix($0)) } ?? s
            numeric = false
        default:
            guard f.type == nil || f.type == "s" else {
                throw PyException("TypeError", "unsupported format string passed to \(value.typeName).__format__")
            }
            body = pyStr(value)
            numeric = false
        }
        return pad(body, f, numeric: numeric)
    }

    private func formatFloat(_ d: Double, _ f: FormatSpec) throws -> String {
        let precision = f.precision ?? 6
        var body: String
        let magnitude = Swift.abs(d)
        if !d.isFinite {
            body = d.isNaN ? "nan" : "inf"
            if let t = f.type, t.isUppercase { body = body.uppercased() }
        } else {
            switch f.type {
            case "f", "F": body = formatC("%.\(precision)f", magnitude)
            case "e", "E": body = formatC("%.\(precision)\(f.type!)", magnitude)
            case "g", "G": body = formatC("%\(f.alternate ? "#" : "").\(precision)\(f.type!)", magnitude)
            case "%": body = formatC("%.\(precision)f", magnitude * 100) + "%"
            case nil:
                if let p = f.precision {
                    body = formatC("%.\(Swift.max(p, 1))g", magnitude)
                    if !body.contains(".") && !body.contains("e") && !body.contains("n") { body += "" }
                } else {
                    body = floatRepr(magnitude)
                }
            default:
                throw PyException("ValueError", "Unknown format code '\(f.type!)' for object of type 'float'")
            }
            if let g = f.grouping {
                let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                if parts[0].allSatisfy(\.isNumber) {
                    body = group(String(parts[0]), g) + (parts.count > 1 ? "." + parts[1] : "")
                }
            }
        }
        return signed(body, negative: d.sign == .minus && !d.isNaN, f.sign)
    }

    private func signed(_ body: String, negative: Bool, _ sign: Character) -> String {
        if negative { return "-" + body }
        if sign == "+" { return "+" + body }
        if sign == " " { return " " + body }
        return body
    }

    private func group(_ digits: String, _ separator: Character?) -> String {
        guard let separator else { return digits }
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(separator) }
            out.append(c)
        }
        return String(out.reversed())
    }

    private func pad(_ body: String, _ f: FormatSpec, numeric: Bool) -> String {
        let count = body.count
        guard count < f.width else { return body }
        let missing = f.width - count
        var align = f.align ?? (numeric ? ">" : "<")
        var fill = f.fill
        if f.zeroPad && f.align == nil && numeric { align = "="; fill = "0" }
        switch align {
        case "<": return body + String(repeating: fill, count: missing)
        case "^": return String(repeating: fill, count: missing / 2) + body + String(repeating: fill, count: missing - missing / 2)
        case "=":
            if let first = body.first, "+- ".contains(first) {
                return String(first) + String(repeating: fill, count: missing) + body.dropFirst()
            }
            return String(repeating: fill, count: missing) + body
        default: return String(repeating: fill, count: missing) + body
        }
    }

    /// `template.format(*args, **kwargs)`.
    func strFormat(_ template: String, _ args: [PyValue], _ keywords: Keywords) throws -> String {
        let chars = Array(template)
        var out = "", i = 0, automatic = 0
        while i < chars.count {
            let c = chars[i]
            if c == "{" && i + 1 < chars.count && chars[i + 1] == "{" { out.append("{"); i += 2; continue }
            if c == "}" && i + 1 < chars.count && chars[i + 1] == "}" { out.append("}"); i += 2; continue }
            guard c == "{" else {
                if c == "}" { throw PyException("ValueError", "Single '}' encountered in format string") }
                out.append(c); i += 1; continue
            }
            var field = ""
            i += 1
            while i < chars.count && chars[i] != "}" { field.append(chars[i]); i += 1 }
            guard i < chars.count else { throw PyException("ValueError", "expected '}' before end of string") }
            i += 1
            var spec = "", conversion: Character?
            if let colon = field.firstIndex(of: ":") { spec = String(field[field.index(after: colon)...]); field = String(field[..<colon]) }
            if let bang = field.firstIndex(of: "!") { conversion = field[field.index(after: bang)...].first; field = String(field[..<bang]) }
            var value: PyValue
            if field.isEmpty {
                guard automatic < args.count else { throw PyException("IndexError", "Replacement index \(automatic) out of range for positional args tuple") }
                value = args[automatic]; automatic += 1
            } else if let n = Int(field) {
                guard n < args.count else { throw PyException("IndexError", "Replacement index \(n) out of range for positional args tuple") }
                value = args[n]
            } else {
                var path = field.split(separator: ".").map(String.init)
                guard let found = keywords.first(where: { $0.name == path[0] })?.value else { throw PyException("KeyError", stringRepr(path[0])) }
                value = found
                path.removeFirst()
                for attribute in path { value = try getAttribute(value, attribute) }
            }
            if conversion == "r" { value = .str(pyRepr(value)) } else if conversion == "s" { value = .str(pyStr(value)) }
            out += try format(value, spec: spec)
        }
        return out
    }

    /// `template % values`: `%d %i %f %e %g %s %r %x %%` with flags, width and precision.
    func percentFormat(_ template: String, _ values: PyValue) throws -> String {
        var items: [PyValue]
        if case .tuple(let t) = values { items = t } else { items = [values] }
        let chars = Array(template)
        var out = "", i = 0, next = 0
        while i < chars.count {
            guard chars[i] == "%" else { out.append(chars[i]); i += 1; continue }
            i += 1
            guard i < chars.count else { throw PyException("ValueError", "incomplete format") }
            if chars[i] == "%" { out.append("%"); i += 1; continue }
            var flags = ""
            while i < chars.count, "-+ 0#".contains(chars[i]) { flags.append(chars[i]); i += 1 }
            var width = ""
            while i < chars.count, chars[i].isNumber { width.append(chars[i]); i += 1 }
            var precision: String?
            if i < chars.count, chars[i] == "." {
                i += 1
                var p = ""
                while i < chars.count, chars[i].isNumber { p.append(chars[i]); i += 1 }
                precision = p.isEmpty ? "0" : p
            }
            guard i < chars.count else { throw PyException("ValueError", "incomplete format") }
            let type = chars[i]
            i += 1
            guard next < items.count else { throw PyException("TypeError", "not enough arguments for format string") }
            var value = items[next]
            next += 1
            if case .tensor(let t) = value, t.value.count == 1 { value = scalarValue(t.value.data[0], t.value.dtype) }
            var spec = ""
            if flags.contains("-") { spec += "<" } else if !"sr".contains(type) { spec += ">" } else if !width.isEmpty { spec += ">" }
            if flags.contains("+") { spec += "+" } else if flags.contains(" ") { spec += " " }
            if flags.contains("#") { spec += "#" }
            if flags.contains("0") && !flags.contains("-") { spec += "0" }
            spec += width
            switch type {
            case "d", "i", "u":
                guard let n = number(value) else { throw PyException("TypeError", "%\(type) format: a real number is required, not \(value.typeName)") }
                out += try format(.int(Int(n.rounded(.towardZero))), spec: spec + "d")
            case "f", "F", "e", "E", "g", "G":
                guard let n = number(value) else { throw PyException("TypeError", "must be real number, not \(value.typeName)") }
                out += try format(.float(n), spec: spec + "." + (precision ?? "6") + String(type))
            case "x", "X", "o":
                guard let n = integer(value) else { throw PyException("TypeError", "%\(type) format: an integer is required, not \(value.typeName)") }
                out += try format(.int(n), spec: spec + String(type))
            case "s", "r":
                let text = type == "s" ? pyStr(value) : pyRepr(value)
                out += try format(.str(precision.map { String(text.prefix(Int($0)!)) } ?? text), spec: spec.filter { !"+ #0".contains($0) })
            default:
                throw PyException("ValueError", "unsupported format character '\(type)'")
            }
        }
        guard next == items.count else { throw PyException("TypeError", "not all arguments converted during string formatting") }
        return out
    }
}
