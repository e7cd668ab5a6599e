import Glibc

/// Reading and writing files and the standard streams with the C library, which starts
/// faster than Foundation.
enum FileIO {
    /// The bytes of the file at `path` ('-' is standard input).
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return readAll(stdin) }
        guard let file = fopen(path, "rb") else {
            throw CLIError.io("cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var info = stat()
        if fstat(fileno(file), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw CLIError.io("cannot read '\(path)': it is a directory")
        }
        return readAll(file)
    }

    /// The text of the file at `path` ('-' is standard input), decoded as UTF-8.
    static func readText(_ path: String) throws -> String {
        String(decoding: try read(path), as: UTF8.self)
    }

    private static func readAll(_ file: UnsafeMutablePointer<FILE>) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, file) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// A file opened for writing up front, so that a bad path is reported before any work.
    final class Writer {
        private let file: UnsafeMutablePointer<FILE>
        private let path: String

        init(path: String) throws {
            guard let file = fopen(path, "wb") else {
                throw CLIError.io("cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            self.file = file
            self.path = path
        }

        deinit { fclose(file) }

        /// Writes `text` and flushes it.
        func write(_ text: String) throws {
            var text = text
            let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == text.utf8.count, fflush(file) == 0 else {
                throw CLIError.io("cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// Buffered standard output and error, flushed once at exit.
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
