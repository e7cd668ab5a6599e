import CKernels

/// `Double.description`'s text (shortest round-trip digits, Swift's layout), written by the C
/// formatter `gk_shortest_double` (CKernels/shortest.c) straight into bytes: no String and no
/// text stream per number. scripts/check_shortest.sh compares the two on 10^8 doubles.
enum ShortestText {
    /// The bytes `write` may touch at its pointer (the text itself is at most 24).
    static let capacity = 32

    /// Writes `x.description` at `p`, which has room for `capacity` bytes; returns its length.
    @inline(__always)
    static func write(_ x: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        p.withMemoryRebound(to: CChar.self, capacity: capacity) { Int(gk_shortest_double($0, x)) }
    }

    /// `x.description`.
    static func string(_ x: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[..<write(x, to: buffer.baseAddress!)]), as: UTF8.self)
        }
    }
}
