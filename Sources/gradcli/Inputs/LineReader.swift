import Glibc

/// Reads JSON Lines from a file or stdin in pieces as they arrive, and hands out the complete
/// lines of each piece. A piece is whatever one `read` returns (up to 16 MiB from a file, less
/// for a smaller file, 1 MiB from a pipe), so a file comes in large pieces that keep the
/// workers busy, while a pipe fed one request at a time gets each request handled as soon as
/// its line is complete.
final class LineReader {
    private let fd: Int32
    /// The bytes after the last newline seen: the start of a line still to come.
    private var partial: [UInt8] = []
    private var nextLineNumber = 1
    private var finished = false
    /// The input's size when it is a regular file.
    let size: Int?
    /// How many bytes have been read so far.
    private(set) var consumed = 0
    /// Where `read` puts bytes. A file is read in large pieces, which keep the workers busy
    /// between the pauses where results are written; a pipe returns what has arrived.
    private var buffer: [UInt8]

    init(path: String) throws {
        if path == "-" {
            guard !Output.stdinWasClosed else { throw GradcliError.io("cannot read the requests: standard input is closed") }
            fd = 0
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw GradcliError.io("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw GradcliError.io("cannot read \(path == "-" ? "standard input" : "'\(path)'"): it is a directory")
        }
        size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        // A small file needs no 16 MiB buffer (zeroing one cost more than a short batch's
        // requests); a file that grows while it is read just takes more reads.
        buffer = [UInt8](repeating: 0, count: size.map { Swift.min(16 << 20, Swift.max(1 << 16, $0 + 1)) } ?? 1 << 20)
    }

    deinit { if fd > 0 { close(fd) } }

    /// The longest request line accepted; a longer one gets an error record (`tooLong`) and
    /// is skipped without being held in memory, and the lines after it still run.
    static let maxLineBytes = 256 << 20

    /// One request line of a piece: its 1-based number, its byte range, and whether it was
    /// longer than `maxLineBytes` (then its range is empty: its bytes were dropped).
    typealias Line = (number: Int, range: Range<Int>, tooLong: Bool)

    /// The number of the over-long line being skipped, until its newline arrives.
    private var skippingLine: Int?

    /// The next piece: its bytes and its non-blank lines (blank lines are not requests, but
    /// they count). Nil at the end of the input.
    func nextChunk() throws -> (bytes: [UInt8], lines: [Line])? {
        while !finished {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw GradcliError.io("cannot read the requests: \(String(cString: strerror(errno)))")
            }
            var bytes: [UInt8] = []
            var skipped: [Line] = []
            if n == 0 {
                finished = true
                swap(&bytes, &partial)
                if let number = skippingLine { skipped.append((number, 0..<0, true)); skippingLine = nil }
            } else {
                consumed += n
                // Only the fresh bytes are searched, so a long line costs linear time.
                var fresh = buffer[0..<n]
                if let number = skippingLine {
                    // The rest of an over-long line is dropped up to its newline.
                    guard let newline = LineReader.newline(in: fresh, last: false) else { continue }
                    skipped.append((number, 0..<0, true))
                    skippingLine = nil
                    nextLineNumber = number + 1
                    fresh = fresh[(newline + 1)...]
                }
                if let lastNewline = LineReader.newline(in: fresh, last: true) {
                    swap(&bytes, &partial)
                    bytes += fresh[...lastNewline]
                    partial = Array(fresh[(lastNewline + 1)...])
                } else {
                    partial += fresh
                    if partial.count > LineReader.maxLineBytes {
                        skippingLine = nextLineNumber
                        partial = []
                    }
                }
            }
            let lines = skipped + nonBlankLines(bytes)
            if !lines.isEmpty { return (bytes, lines) }
        }
        return nil
    }

    /// The index of the first or last newline in `bytes`, found with memchr at memory speed
    /// (an over-long line is scanned without being kept).
    private static func newline(in bytes: ArraySlice<UInt8>, last: Bool) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
            guard let found = memchr(base, 0x0A, buffer.count) else { return nil }
            var index = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            // The last one is searched for backwards only once the line holds one; a piece of
            // whole lines ends at a newline or close to one.
            if last { index = buffer.count - 1; while buffer[index] != 0x0A { index -= 1 } }
            return bytes.startIndex + index
        }
    }

    /// The ranges of the lines of `bytes` that hold more than white space, numbered on from
    /// the lines handed out before.
    private func nonBlankLines(_ bytes: [UInt8]) -> [Line] {
        var lines: [Line] = []
        bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) -> Void in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                // memchr finds each newline at memory speed: this runs serially, before the workers.
                var end = buffer.count
                if let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) {
                    end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                }
                if end - start > LineReader.maxLineBytes {
                    lines.append((nextLineNumber, start..<start, true))
                } else if !LineReader.isBlank(UnsafeBufferPointer(rebasing: buffer[start..<end])) {
                    lines.append((nextLineNumber, start..<end, false))
                }
                nextLineNumber += 1
                start = end + 1
            }
        }
        return lines
    }

    private static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }
}
