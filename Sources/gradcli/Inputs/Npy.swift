import Autograd

/// Reads NumPy `.npy` files: float64, float32, integers and bools, little-endian, C order.
enum Npy {
    static func decode(_ bytes: [UInt8], path: String) throws -> Tensor {
        func fail(_ why: String) -> GradcliError { GradcliError.value("\(path): not a readable .npy file: \(why)") }
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("missing the \\x93NUMPY magic") }
        let major = bytes[6]
        let headerStart = major == 1 ? 10 : 12
        guard major >= 1 && major <= 3, bytes.count >= headerStart else { throw fail("unknown format version \(major)") }
        let headerLength = major == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let dataStart = headerStart + headerLength
        guard bytes.count >= dataStart else { throw fail("truncated header") }
        let header = String(decoding: bytes[headerStart..<dataStart], as: UTF8.self)

        guard let descr = field("descr", in: header).map(unquote) else { throw fail("no 'descr' in the header") }
        if field("fortran_order", in: header)?.hasPrefix("True") == true {
            throw fail("Fortran order is not supported; save with np.ascontiguousarray")
        }
        guard let shapeText = field("shape", in: header), let shape = parseShape(shapeText) else {
            throw fail("no readable 'shape' in the header")
        }
        guard let (reader, width) = elementReader(descr) else {
            throw fail("dtype '\(descr)' is not supported (use float64, float32, integers or bool, little-endian)")
        }
        let count: Int
        do { count = try Tensor.checkedCount(of: shape) } catch let error as OpError {
            throw GradcliError(.limit, "\(path): \(error.message)")
        }
        guard bytes.count - dataStart >= count * width else { throw fail("expected \(count) elements of \(width) bytes") }
        let values = bytes.withUnsafeBytes { raw in
            (0..<count).map { reader(raw, dataStart + $0 * width) }
        }
        return Tensor(shape: shape, data: values)
    }

    /// The text after `'key':` up to the next top-level comma or brace.
    private static func field(_ key: String, in header: String) -> String? {
        guard let keyRange = header.firstRange(of: "'\(key)':") else { return nil }
        var depth = 0
        var value = ""
        for c in header[keyRange.upperBound...] {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if depth == 0 && (c == "," || c == "}") { break }
            value.append(c)
            if depth < 0 { break }
        }
        return value.trimmingSpaces
    }

    private static func unquote(_ s: String) -> String { s.filter { $0 != "'" && $0 != "\"" } }

    private static func parseShape(_ text: String) -> [Int]? {
        let inner = text.filter { $0 != "(" && $0 != ")" && $0 != " " }
        if inner.isEmpty { return [] }
        let parts = inner.split(separator: ",").map { Int($0) }
        guard parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        return parts.map { $0! }
    }

    private typealias Reader = (UnsafeRawBufferPointer, Int) -> Double

    private static func elementReader(_ descr: String) -> (Reader, Int)? {
        guard let order = descr.first, order == "<" || order == "|" || order == "=" else { return nil }
        switch descr.dropFirst() {
        case "f8": return ({ Double(bitPattern: $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self).littleEndian) }, 8)
        case "f4": return ({ Double(Float(bitPattern: $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self).littleEndian)) }, 4)
        case "i8": return ({ Double(Int64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int64.self))) }, 8)
        case "i4": return ({ Double(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int32.self))) }, 4)
        case "i2": return ({ Double(Int16(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: Int16.self))) }, 2)
        case "i1": return ({ Double($0.loadUnaligned(fromByteOffset: $1, as: Int8.self)) }, 1)
        case "u8": return ({ Double(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt64.self))) }, 8)
        case "u4": return ({ Double(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt32.self))) }, 4)
        case "u2": return ({ Double(UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: $1, as: UInt16.self))) }, 2)
        case "u1", "b1": return ({ Double($0.loadUnaligned(fromByteOffset: $1, as: UInt8.self)) }, 1)
        default: return nil
        }
    }
}
