import Autograd
import Glibc

/// Reading and writing files and the standard streams with the C library, which starts
/// faster than Foundation.
enum FileIO {
    /// The largest input file read whole (programs, `@file` values, `--inputs`).
    static let maxFileBytes = 1 << 30

    /// The bytes of the file at `path` ('-' is standard input).
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            guard !Output.stdinWasClosed else { throw GradcliError.io("cannot read standard input: it is closed") }
            var info = stat()
            if fstat(0, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                throw GradcliError.io("cannot read standard input: it is a directory")
            }
            return try readAll(stdin, name: "standard input")
        }
        guard !path.utf8.contains(0) else { throw GradcliError.io("cannot read a file whose name contains a NUL byte") }
        guard let file = fopen(path, "rb") else {
            throw GradcliError.io("cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var info = stat()
        if fstat(fileno(file), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw GradcliError.io("cannot read '\(path)': it is a directory")
        }
        return try readAll(file, name: "'\(path)'")
    }

    /// The bytes of the regular file at `path`. The file type is checked on the open
    /// descriptor before anything is read, so a FIFO, a device such as /dev/zero, a socket or
    /// a directory is refused without blocking or reading; so is a file over `maxFileBytes`.
    static func readRegularFile(_ path: String) throws -> [UInt8] {
        guard !path.utf8.contains(0) else { throw GradcliError.io("cannot read a file whose name contains a NUL byte") }
        // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: never adopt a terminal.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw GradcliError.io("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw GradcliError.io("cannot read '\(path)': \(String(cString: strerror(errno)))") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw GradcliError.io("cannot read '\(path)': \(fileTypeName(info.st_mode)), not a regular file")
        }
        guard Int(info.st_size) <= maxFileBytes else {
            throw GradcliError(.limit, "'\(path)' is larger than \(maxFileBytes >> 30) GiB, the most gradcli reads")
        }
        try MemoryBudget.reserve(bytes: Int(info.st_size))
        _ = fcntl(fd, F_SETFL, 0)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw GradcliError.io("cannot read '\(path)': \(String(cString: strerror(errno)))") }
            if n == 0 { break }  // the file shrank while being read
            offset += n
        }
        return Array(bytes[0..<offset])
    }

    /// What a file that is not a regular file is, for messages.
    static func fileTypeName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "it is a directory"
        case S_IFIFO: return "it is a FIFO (named pipe)"
        case S_IFCHR: return "it is a character device"
        case S_IFBLK: return "it is a block device"
        case S_IFSOCK: return "it is a socket"
        default: return "it is a special file"
        }
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
            if n <= 0 {
                if ferror(file) != 0 { throw GradcliError.io("cannot read \(name): \(String(cString: strerror(errno)))") }
                break
            }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= maxFileBytes else {
                throw GradcliError(.limit, "\(name) is larger than \(maxFileBytes >> 30) GiB, the most gradcli reads")
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
            guard fd >= 0 else { throw GradcliError.io("cannot write '\(path)': \(String(cString: strerror(errno)))") }
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
            guard ok else { throw GradcliError.io("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        }
    }
}

/// Which files an `@path` input value may read.
enum FileAccess {
    /// Any regular file: the command line, where the user names their own files.
    case any
    /// None: batch requests come from other programs, and read no files unless allowed.
    case none
    /// Regular files under this directory (a resolved absolute path): `batch --allow-files DIR`.
    case under(String)

    /// The path an `@path` value may be read from, or the reason it may not. Under a
    /// directory, a relative path is taken relative to it; the path may hold no NUL and no
    /// `..` component, and once symbolic links are resolved it must still lie inside.
    func resolve(_ path: String) throws -> String {
        guard !path.utf8.contains(0) else { throw GradcliError.usage("a file name may not contain a NUL byte") }
        switch self {
        case .any:
            return path
        case .none:
            throw GradcliError.usage("batch requests may not read files ('@\(path)')",
                                 hint: "run `gradcli batch --allow-files DIR` to allow files under DIR")
        case .under(let root):
            guard !path.split(separator: "/", omittingEmptySubsequences: false).contains("..") else {
                throw GradcliError.usage("'@\(path)': a file path may not contain '..'")
            }
            let joined = path.hasPrefix("/") ? path : root + "/" + path
            guard let resolved = realpath(joined, nil) else {
                throw GradcliError.io("cannot read '\(path)': \(String(cString: strerror(errno)))")
            }
            defer { free(resolved) }
            let real = String(cString: resolved)
            guard real.hasPrefix(root == "/" ? "/" : root + "/") else {
                throw GradcliError.usage("'@\(path)' is outside the directory that --allow-files allows")
            }
            return real
        }
    }

    /// The `--allow-files` directory, resolved.
    static func allowing(_ directory: String) throws -> FileAccess {
        guard !directory.utf8.contains(0), let resolved = realpath(directory, nil) else {
            throw GradcliError.io("--allow-files: cannot use '\(directory)': \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        var info = stat()
        guard stat(resolved, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw GradcliError.io("--allow-files: '\(directory)' is not a directory")
        }
        return .under(String(cString: resolved))
    }

    /// False when no file at all may be read.
    var mayReadAny: Bool {
        if case .none = self { return false }
        return true
    }

    /// Whether errors may quote a file's content: only to the user who named the file.
    var mayQuoteContent: Bool {
        if case .any = self { return true }
        return false
    }
}

/// Buffered standard output and error; stdio flushes them at exit, and batch flushes after
/// each piece of input. The first failed write to stdout is remembered, so the run can end
/// with exit 74 and say why instead of losing its results silently.
enum Output {
    /// The exit status of a run whose results could not be written (EX_IOERR).
    static let writeFailedStatus: Int32 = 74
    /// The errno of the first write to stdout that failed.
    private(set) static var writeError: Int32?

    static func out(_ text: String) {
        var text = text
        text.withUTF8 { write($0.baseAddress, $0.count) }
    }

    /// Whether stderr shows gradcli's colour codes (set once the run knows).
    static var colorOnStderr = false

    /// Writes a message to stderr, its control characters escaped (see `TerminalText`).
    static func err(_ text: String) {
        var text = TerminalText.escape(text, allowColor: colorOnStderr)
        text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stderr) }
    }

    static func out(bytes: [UInt8]) { bytes.withUnsafeBytes { write($0.baseAddress, $0.count) } }

    static func out(bytes: UnsafeRawBufferPointer) { write(bytes.baseAddress, bytes.count) }

    /// Flushes stdout; false once any write to it has failed.
    @discardableResult
    static func flush() -> Bool {
        if fflush(stdout) != 0 { noteFailure() }
        return writeError == nil
    }

    private static func write(_ base: UnsafeRawPointer?, _ count: Int) {
        guard count > 0, writeError == nil else { return }
        if fwrite(base, 1, count, stdout) < count { noteFailure() }
    }

    private static func noteFailure() {
        if writeError == nil { writeError = errno == 0 ? EIO : errno }
    }

    /// True when the run started with standard input closed.
    private(set) static var stdinWasClosed = false

    /// A closed standard stream is replaced by /dev/null before anything else is opened, so
    /// that no file gradcli opens (a `--junit` report) becomes fd 1 and receives its output.
    /// A closed stdout still counts as a failed write (exit 74); a closed stdin reads as an
    /// error, not as empty input.
    static func guardStandardStreams() {
        for fd: Int32 in [0, 1, 2] where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd { dup2(null, fd); close(null) }
            if fd == 0 { stdinWasClosed = true }
            if fd == 1 { writeError = EBADF }
        }
    }

    /// Ends the run: flushes stdout and, if anything could not be written, reports it on
    /// stderr and turns `status` into 74.
    static func finish(_ status: Int32) -> Int32 {
        guard !flush(), let code = writeError else { return status }
        err("error: cannot write to stdout: \(String(cString: strerror(code)))\n")
        return writeFailedStatus
    }

    /// True when `stream` is a terminal and colour is not switched off with NO_COLOR.
    static func wantsColor(_ fd: Int32) -> Bool {
        isatty(fd) != 0 && getenv("NO_COLOR") == nil
    }
}
