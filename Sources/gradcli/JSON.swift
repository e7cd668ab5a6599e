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
    /// Non-finite elements become the strings "NaN", "Infinity", "-Infinity".
    init(_ tensor: Tensor) {
        func element(_ x: Double) -> JSON {
            if x.isNaN { return .string("NaN") }
            if x.isInfinite { return .string(x > 0 ? "Infinity" : "-Infinity") }
            return .number(x)
        }
        // Build the nesting bottom-up, one dimension at a time (no recursion).
        var level = tensor.data.map(element)
        for size in tensor.shape.reversed() {
            guard size > 0 else { level = [.array([])]; continue }
            level = stride(from: 0, to: level.count, by: size).map { .array(Array(level[$0..<$0 + size])) }
        }
        self = tensor.shape.isEmpty ? level[0] : (level.first ?? .array([]))
    }

    /// A shape as an array of integers.
    init(shape: [Int]) { self = .array(shape.map { .integer($0) }) }
}

// MARK: Writing

extension JSON {
    /// The value on one line, numbers shortest-round-trip, keys in order.
    var serialized: String {
        var out = ""
        write(to: &out)
        return out
    }

    private enum Frame {
        case value(JSON)
        case text(String)
    }

    func write(to out: inout String) {
        var stack: [Frame] = [.value(self)]
        while let frame = stack.popLast() {
            switch frame {
            case .text(let s): out += s
            case .value(let v):
                switch v {
                case .null: out += "null"
                case .bool(let b): out += b ? "true" : "false"
                case .number(let x): out += JSON.format(number: x)
                case .integer(let i): out += String(i)
                case .string(let s): JSON.writeString(s, to: &out)
                case .array(let items):
                    out += "["
                    stack.append(.text("]"))
                    for (i, item) in items.enumerated().reversed() {
                        stack.append(.value(item))
                        if i > 0 { stack.append(.text(",")) }
                    }
                case .object(let pairs):
                    out += "{"
                    stack.append(.text("}"))
                    for (i, (key, item)) in pairs.enumerated().reversed() {
                        stack.append(.value(item))
                        var prefix = i > 0 ? "," : ""
                        JSON.writeString(key, to: &prefix)
                        stack.append(.text(prefix + ":"))
                    }
                }
            }
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

    static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
