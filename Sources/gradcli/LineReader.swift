import Glibc

/// Reads JSON Lines from a file or stdin in pieces as they arrive, and hands out the complete
/// lines of each piece. A piece is whatever one `read` returns (up to 16 MiB from a file, 1 MiB
/// from a pipe), so a file comes in large pieces that keep the workers busy, while a pipe fed
/// one request at a time gets each request handled as soon as its line is complete.
final class LineReader {
    private let fd: Int32
    /// The bytes after the last newline seen: the start of a line still to come.
    private var partial: [UInt8] = []
    private var nextLineNumber = 1
    private var finished = false
    /// The input's size when it is a regular file.
    let size: Int?
    /// How many bytes have been handed out so far.
    private(set) var consumed = 0
    /// Where `read` puts bytes. A file is read in large pieces, which keep the workers busy
    /// between the pauses where results are written; a pipe returns what has arrived.
    private var buffer: [UInt8]

    init(path: String) throws {
        if path == "-" {
            guard !Output.stdinWasClosed else { throw CLIError.io("cannot read the requests: standard input is closed") }
            fd = 0
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw CLIError.io("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw CLIError.io("cannot read \(path == "-" ? "standard input" : "'\(path)'"): it is a directory")
        }
        size = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        buffer = [UInt8](repeating: 0, count: size == nil ? 1 << 20 : 16 << 20)
    }

    deinit { if fd > 0 { close(fd) } }

    /// The longest request line accepted; a longer one is a limit error, not a memory exhaustion.
    static let maxLineBytes = 256 << 20

    /// The next piece: its bytes and the ranges of its non-blank lines, with 1-based line
    /// numbers (blank lines are not requests, but they count). Nil at the end of the input.
    func nextChunk() throws -> (bytes: [UInt8], lines: [(number: Int, range: Range<Int>)])? {
        while !finished {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CLIError.io("cannot read the requests: \(String(cString: strerror(errno)))")
            }
            var bytes: [UInt8] = []
            if n == 0 {
                finished = true
                swap(&bytes, &partial)
            } else {
                // Only the fresh bytes are searched, so a long line costs linear time.
                let fresh = buffer[0..<n]
                guard let lastNewline = fresh.lastIndex(of: UInt8(ascii: "\n")) else {
                    partial += fresh
                    guard partial.count <= LineReader.maxLineBytes else {
                        throw CLIError(code: "limit_error", message: "line \(nextLineNumber) of the requests is longer than \(LineReader.maxLineBytes >> 20) MiB")
                    }
                    continue
                }
                swap(&bytes, &partial)
                bytes += fresh[...lastNewline]
                partial = Array(fresh[(lastNewline + 1)...])
            }
            consumed += bytes.count
            let lines = nonBlankLines(bytes)
            if !lines.isEmpty { return (bytes, lines) }
        }
        return nil
    }

    /// The ranges of the lines of `bytes` that hold more than white space, numbered on from
    /// the lines handed out before.
    private func nonBlankLines(_ bytes: [UInt8]) -> [(number: Int, range: Range<Int>)] {
        var lines: [(number: Int, range: Range<Int>)] = []
        bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) -> Void in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                // memchr finds each newline at memory speed: this runs serially, before the workers.
                var end = buffer.count
                if let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) {
                    end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                }
                if buffer[start..<end].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                    lines.append((nextLineNumber, start..<end))
                }
                nextLineNumber += 1
                start = end + 1
            }
        }
        return lines
    }
}
