import Autograd

/// A JSON value, written and read by hand so the tool needs no Foundation at start-up.
///
/// Objects keep their keys in insertion order, so output is byte-for-byte stable.
enum JSON: Equatable {
    case null
    case bool(Bool)
    case number(Double)
    /// A count, index or version, written without a fraction.
    case integer(Int)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.integer(x), .integer(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value of `key` in an object, or nil.
    subscript(key: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// A tensor as nested arrays in row-major order (a number for a 0-d tensor).
    /// Non-finite elements become the strings "NaN", "Infinity", "-Infinity"; int64 elements
    /// are written as integers, bool ones as true/false.
    init(_ tensor: Tensor) {
        let dtype = tensor.dtype
        func element(_ x: Double) -> JSON {
            if dtype == .bool { return .bool(x != 0) }
            if dtype == .int64 { return .integer(Int(x)) }
            if x.isNaN { return .string("NaN") }
            if x.isInfinite { return .string(x > 0 ? "Infinity" : "-Infinity") }
            return .number(x)
        }
        // Build the nesting bottom-up, one dimension at a time (no recursion). Dimension d makes
        // one array per element of the dimensions before it, even when it or a later one is 0.
        let shape = tensor.shape
        var level = tensor.data.map(element)
        for d in shape.indices.reversed() {
            let size = shape[d], arrays = shape[..<d].reduce(1, *)
            level = (0..<arrays).map { a in .array(Array(level[a * size ..< (a + 1) * size])) }
        }
        self = level.first ?? .array([])
    }

    /// A shape as an array of integers.
    init(shape: [Int]) { self = .array(shape.map { .integer($0) }) }
}

// MARK: Writing

extension JSON {
    /// The value on one line, numbers shortest-round-trip, keys in order.
    var serialized: String {
        var bytes: [UInt8] = []
        write(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the value's UTF-8 text to `out`. Bytes, not String appends: this is the hot
    /// path of `batch`. Recursion depth is the nesting of gradcli's own output (tensor rank + 3).
    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let x): JSON.append(JSON.format(number: x), to: &out)
        case .integer(let i): JSON.append(String(i), to: &out)
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Shortest round-trip text for a finite number; integral values keep a `.0`
    /// so readers see a float, as in DESIGN.md's examples.
    static func format(number x: Double) -> String {
        if !x.isFinite { return x.isNaN ? "\"NaN\"" : (x > 0 ? "\"Infinity\"" : "\"-Infinity\"") }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        if x == x.rounded(), abs(x) < 1e16 { return String(Int64(x)) + ".0" }
        return x.description
    }

    /// Appends the UTF-8 bytes of `s` in one copy (appending `s.utf8` goes byte by byte).
    static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole, scanning their bytes in place.
        var text = s
        let plain = text.withUTF8 { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\"".utf8
            case UInt8(ascii: "\\"): out += "\\\\".utf8
            case UInt8(ascii: "\n"): out += "\\n".utf8
            case UInt8(ascii: "\r"): out += "\\r".utf8
            case UInt8(ascii: "\t"): out += "\\t".utf8
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                out += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
