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
    /// A tensor, written as nested arrays in row-major order (a number for a 0-d tensor) straight
    /// from its elements. Non-finite elements are the strings "NaN", "Infinity", "-Infinity".
    case tensor(Tensor)

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
        case let (.tensor(x), .tensor(y)): return x.shape == y.shape && JSON.nested(x) == JSON.nested(y)
        case let (.tensor(x), other), let (other, .tensor(x)): return JSON.nested(x) == other
        default: return false
        }
    }

    /// The value of `key` in an object, or nil.
    subscript(key: String) -> JSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// A tensor as nested arrays in row-major order (a number for a 0-d tensor), see `.tensor`.
    /// Non-finite elements become the strings "NaN", "Infinity", "-Infinity"; int64 elements
    /// are written as integers, bool ones as true/false.
    init(_ tensor: Tensor) { self = .tensor(tensor) }

    /// The tree `.tensor(t)` stands for: nested `.array`s of `.number`s (or the strings for
    /// non-finite elements). Only comparisons need it; writing goes straight from the elements.
    static func nested(_ tensor: Tensor) -> JSON {
        let dtype = tensor.dtype
        func element(_ x: Double) -> JSON {
            if dtype == .bool { return .bool(x != 0) }
            if dtype == .int64 { return .integer(Int(x)) }
            if x.isNaN { return .string("NaN") }
            if x.isInfinite { return .string(x > 0 ? "Infinity" : "-Infinity") }
            return .number(x)
        }
        // Dimension d makes one array per element of the dimensions before it, even when it or
        // a later one is 0.
        let shape = tensor.shape
        var level = tensor.data.map(element)
        for d in shape.indices.reversed() {
            let size = shape[d], arrays = shape[..<d].reduce(1, *)
            level = (0..<arrays).map { a in .array(Array(level[a * size ..< (a + 1) * size])) }
        }
        return level.first ?? .array([])
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

    /// The value on one line and a newline, as UTF-8 bytes ready for stdout (no String copy).
    var serializedLine: [UInt8] {
        var bytes: [UInt8] = []
        write(to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// Hands the value's text and a newline to `emit` in pieces, each tensor's in blocks of at
    /// most 64 KB: a large tensor's text is never in memory whole (which would cost a fresh page
    /// every 4 KB, more than writing the numbers).
    func writeLine(emit: @escaping Emit) {
        var bytes: [UInt8] = []
        write(to: &bytes, emit: emit)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes(emit)
    }

    /// Receives finished pieces of text.
    typealias Emit = (UnsafeRawBufferPointer) -> Void

    /// Appends the value's UTF-8 text to `out`. Bytes, not String appends: this is the hot
    /// path of `batch`. Recursion depth is the nesting of gradcli's own output (tensor rank + 3).
    /// With `emit`, a tensor first hands `out`'s bytes and then its own to `emit` (see `writeLine`).
    func write(to out: inout [UInt8], emit: Emit? = nil) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .number(let x):
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: JSON.maxNumberBytes) { buffer in
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<JSON.writeNumber(x, to: buffer.baseAddress!)]))
            }
        case .integer(let i): JSON.append(String(i), to: &out)
        case .string(let s): JSON.writeString(s, to: &out)
        case .tensor(let t): JSON.writeTensor(t, to: &out, emit: emit)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out, emit: emit)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (key, item)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                item.write(to: &out, emit: emit)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Shortest round-trip text for a finite number; integral values keep a `.0`
    /// so readers see a float, as in DESIGN.md's examples.
    static func format(number x: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxNumberBytes) { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[..<writeNumber(x, to: buffer.baseAddress!)]), as: UTF8.self)
        }
    }

    /// The bytes `writeNumber` may touch at its pointer: its text is at most 24 bytes (the longest
    /// shortest form; `"-Infinity"` is 11), and the C formatter stores whole blocks past it.
    static let maxNumberBytes = ShortestText.capacity

    /// Writes the text `format(number:)` gives for `x` at `p` and returns its length: the
    /// shortest round-trip text (`Double.description`), except that whole numbers below 1e16
    /// keep all their digits and a `.0`, and the non-finite values are strings.
    @inline(__always)
    static func writeNumber(_ x: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        ShortestText.writeJSON(x, to: p)
    }

    /// Writes the decimal digits of `i` (with a minus sign when negative) and returns their count.
    static func writeInteger(_ i: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var magnitude = i.magnitude, length = 0
        if i < 0 { p[0] = UInt8(ascii: "-"); length = 1 }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0) // 32 bytes of scratch
        return withUnsafeMutableBytes(of: &digits) { scratch in
            var count = 0
            repeat {
                scratch[31 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            (p + length).update(from: scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + 32 - count, count: count)
            return length + count
        }
    }

    /// Writes one element of a tensor of `dtype`: a number, an integer for int64, true/false for bool.
    @inline(__always)
    static func writeElement(_ x: Double, _ dtype: DType, to p: UnsafeMutablePointer<UInt8>) -> Int {
        switch dtype {
        case .float64, .float32: return writeNumber(x, to: p)
        case .int64: return writeInteger(Int64(x), to: p)
        case .bool:
            let text: StaticString = x != 0 ? "true" : "false"
            p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            return text.utf8CodeUnitCount
        }
    }

    /// Where a tensor's text is written: a block that is handed on (`spill`) whenever `at`
    /// passes `limit`, which leaves room for one more element and the brackets around it.
    struct Cursor {
        let base: UnsafeMutablePointer<UInt8>
        let limit: UnsafeMutablePointer<UInt8>
        var at: UnsafeMutablePointer<UInt8>
    }

    /// Appends a tensor as nested arrays, writing every number straight into a block of at most
    /// 64 KB that is appended to `out` (or, with `emit`, handed to it after `out`'s bytes)
    /// whenever it fills.
    static func writeTensor(_ tensor: Tensor, to out: inout [UInt8], emit: Emit? = nil) {
        let shape = tensor.shape, dtype = tensor.dtype
        // Brackets and commas: one array per element of the dimensions before each dimension.
        var arrays = 0, outer = 1
        for d in shape { arrays += outer; outer *= d }
        let margin = maxNumberBytes + 2 * shape.count + 16
        let chunk = 1 << 16
        let capacity = Swift.min(Swift.min(tensor.count, chunk) * (maxNumberBytes + 1) + Swift.min(arrays, chunk) * 3 + margin, chunk)
        if let emit, !out.isEmpty {
            out.withUnsafeBytes(emit)
            out.removeAll(keepingCapacity: true)
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { block in
            let base = block.baseAddress!
            var cursor = Cursor(base: base, limit: base + (capacity - margin), at: base)
            func spill(_ cursor: inout Cursor) {
                let bytes = UnsafeRawBufferPointer(start: cursor.base, count: cursor.at - cursor.base)
                if let emit { emit(bytes) } else { out.append(contentsOf: bytes) }
                cursor.at = cursor.base
            }
            tensor.data.withUnsafeBufferPointer { data in
                if shape.isEmpty {
                    cursor.at += writeElement(data[0], dtype, to: cursor.at)
                } else {
                    writeBlock(shape, dim: 0, offset: 0, data, dtype, &cursor, spill)
                }
            }
            spill(&cursor)
        }
    }

    /// Writes dimension `dim` of the block at `offset`; recursion depth is the tensor's rank.
    private static func writeBlock(_ shape: [Int], dim: Int, offset: Int, _ data: UnsafeBufferPointer<Double>,
                                   _ dtype: DType, _ cursor: inout Cursor, _ spill: (inout Cursor) -> Void) {
        let size = shape[dim]
        if cursor.at > cursor.limit { spill(&cursor) }
        cursor.at.pointee = UInt8(ascii: "["); cursor.at += 1
        if dim == shape.count - 1, dtype == .float64 || dtype == .float32, size > 0 {
            // A row of numbers in runs of as many as the block has room for, each run one C call.
            var i = 0
            while i < size {
                if cursor.at > cursor.limit { spill(&cursor) }
                if i > 0 { cursor.at.pointee = UInt8(ascii: ","); cursor.at += 1 }
                let run = Swift.min(size - i, (cursor.limit - cursor.at) / (ShortestText.maxLength + 1) + 1)
                cursor.at += ShortestText.writeJSON(data.baseAddress! + offset + i, count: run, to: cursor.at)
                i += run
            }
        } else if dim == shape.count - 1 {
            for i in 0..<size {
                if cursor.at > cursor.limit { spill(&cursor) }
                if i > 0 { cursor.at.pointee = UInt8(ascii: ","); cursor.at += 1 }
                cursor.at += writeElement(data[offset + i], dtype, to: cursor.at)
            }
        } else {
            let step = shape[(dim + 1)...].reduce(1, *)
            for i in 0..<size {
                if i > 0 { cursor.at.pointee = UInt8(ascii: ","); cursor.at += 1 }
                writeBlock(shape, dim: dim + 1, offset: offset + i * step, data, dtype, &cursor, spill)
            }
        }
        cursor.at.pointee = UInt8(ascii: "]"); cursor.at += 1
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
