import CKernels

/// `Double.description`'s text (shortest round-trip digits, Swift's layout), written by the C
/// formatter `gk_shortest_double` (CKernels/shortest.c) straight into bytes: no String and no
/// text stream per number. scripts/check_shortest.sh compares the two on 10^8 doubles.
enum ShortestText {
    /// The bytes `write` may touch at its pointer (the text itself is at most 24).
    static let capacity = 48

    /// Writes `x.description` at `p`, which has room for `capacity` bytes; returns its length.
    @inline(__always)
    static func write(_ x: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        p.withMemoryRebound(to: CChar.self, capacity: capacity) { Int(gk_shortest_double($0, x)) }
    }

    /// Writes `JSON.format(number: x)` at `p`, which has room for `capacity` bytes; returns its
    /// length. The JSON rules differ from `description` in two places: the non-finite values are
    /// the strings "NaN", "Infinity", "-Infinity", and whole numbers below 1e16 keep all their
    /// digits (`9007199254740994.0`).
    @inline(__always)
    static func writeJSON(_ x: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        p.withMemoryRebound(to: CChar.self, capacity: capacity) { Int(gk_json_number($0, x)) }
    }

    /// The longest text `write` or `writeJSON` gives (`-2.2250738585072014e-308`).
    static let maxLength = 24

    /// Writes the `count` numbers at `x` as `writeJSON` does, separated by commas, at `p`,
    /// which has room for `count * (maxLength + 1) + capacity` bytes; returns the length.
    @inline(__always)
    static func writeJSON(_ x: UnsafePointer<Double>, count: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        p.withMemoryRebound(to: CChar.self, capacity: count * (maxLength + 1) + capacity) { gk_json_numbers($0, x, count) }
    }

    /// `x.description`.
    static func string(_ x: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[..<write(x, to: buffer.baseAddress!)]), as: UTF8.self)
        }
    }
}
