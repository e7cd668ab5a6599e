import Glibc

/// Reading and writing files and the standard streams with the C library, which starts
/// faster than Foundation.
enum FileIO {
    /// The largest input file read whole (programs, `@file` values, `--inputs`).
    static let maxFileBytes = 1 << 30

    /// The bytes of the file at `path` ('-' is standard input).
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return try readAll(stdin, name: "standard input") }
        guard let file = fopen(path, "rb") else {
            throw CLIError.io("cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var info = stat()
        if fstat(fileno(file), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw CLIError.io("cannot read '\(path)': it is a directory")
        }
        return try readAll(file, name: "'\(path)'")
    }

    /// The text of the file at `path` ('-' is standard input), decoded as UTF-8.
    static func readText(_ path: String) throws -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    private static func readAll(_ file: UnsafeMutablePointer<FILE>, name: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, file) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= maxFileBytes else {
                throw CLIError(code: "limit_error", message: "\(name) is larger than \(maxFileBytes >> 30) GiB, the most gradcli reads")
            }
        }
        return bytes
    }

    /// A file opened for writing up front, so that a bad path is reported before any work.
    /// It is emptied only when written, so naming the input file itself loses nothing early.
    final class Writer {
        private let fd: Int32
        private let path: String

        init(path: String) throws {
            fd = open(path, O_WRONLY | O_CREAT, 0o644)
            guard fd >= 0 else { throw CLIError.io("cannot write '\(path)': \(String(cString: strerror(errno)))") }
            self.path = path
        }

        deinit { close(fd) }

        /// Replaces the file's contents with `text`.
        func write(_ text: String) throws {
            var text = text
            let ok = ftruncate(fd, 0) == 0 && text.withUTF8 { buffer -> Bool in
                var offset = 0
                while offset < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n < 0 { if errno == EINTR { continue }; return false }
                    offset += n
                }
                return true
            }
            guard ok else { throw CLIError.io("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        }
    }
}

/// Buffered standard output and error; stdio flushes them at exit, and batch flushes after
/// each piece of input.
enum Output {
    static func out(_ text: String) { write(text, to: stdout) }
    static func err(_ text: String) { write(text, to: stderr) }
    static func out(bytes: [UInt8]) { bytes.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, stdout) } }
    static func flush() { fflush(stdout) }

    private static func write(_ text: String, to stream: UnsafeMutablePointer<FILE>) {
        var text = text
        text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stream) }
    }

    /// True when `stream` is a terminal and colour is not switched off with NO_COLOR.
    static func wantsColor(_ fd: Int32) -> Bool {
        isatty(fd) != 0 && getenv("NO_COLOR") == nil
    }
}
