import CKernels
import Glibc

/// Runs batch requests on worker processes. Processes rather than threads: every op touches
/// shared registry objects, and their reference counts, updated atomically from two threads,
/// bounce between the cores (measured: two threads ran 104,000 requests/s where two processes
/// ran 152,000). A forked worker has its own copy of everything and shares only a queue.
enum BatchWorkers {
    /// The exit status of a worker that could not write its records (a full or size-limited
    /// temporary directory): its lines are lost through no fault of theirs.
    static let reportFailedStatus: Int32 = 75  // EX_TEMPFAIL

    /// Runs `work(i)` for every `i` in `0..<count` on up to `jobs` forked processes, which take
    /// blocks of `blockSize` indices from a shared queue and hand their records back through
    /// temporary files. Returns the records by index, nil for any whose worker died; nil in all
    /// when no worker could be started or a worker could not write its records (the caller
    /// then runs the requests itself).
    static func run(count: Int, jobs: Int, blockSize: Int, _ work: (Int) -> BatchRecord) -> [BatchRecord?]? {
        guard let queue = SharedBlockQueue(count: count, blockSize: blockSize) else { return nil }
        fflush(stdout)
        fflush(stderr)
        var workers: [(pid: pid_t, results: UnsafeMutablePointer<FILE>)] = []
        // More workers than blocks would only fork processes with nothing to do.
        for _ in 0..<min(jobs, (count + blockSize - 1) / blockSize) {
            guard let results = tmpfile() else { break }
            let pid = fork()
            if pid == 0 {
                BatchSignals.becomeWorker()
                let fd = fileno(results)
                while let block = queue.next() {
                    var bytes: [UInt8] = []
                    for i in block { work(i).encode(index: i, into: &bytes) }
                    // Records that cannot be written must not pass for a worker that died.
                    guard writeAll(bytes, to: fd) else { _exit(reportFailedStatus) }
                }
                // Leave without exit handlers or stdio flushes: they belong to the parent.
                _exit(0)
            }
            guard pid > 0 else { fclose(results); break }
            workers.append((pid, results))
        }
        // The queue's memory must outlive every worker using it.
        defer { withExtendedLifetime(queue) {} }
        guard !workers.isEmpty else { return nil }
        var records = [BatchRecord?](repeating: nil, count: count)
        var reportFailed = false
        for worker in workers {
            var status: Int32 = 0
            while waitpid(worker.pid, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED(status) && WEXITSTATUS(status) == reportFailedStatus
            if status & 0x7f == 0 && (status >> 8) & 0xff == reportFailedStatus { reportFailed = true }
            var reader = ByteReader(readAll(fileno(worker.results)))
            fclose(worker.results)
            // A worker that died mid-write leaves a truncated record; decoding stops there.
            while let (index, record) = BatchRecord.decode(&reader), index >= 0, index < count { records[index] = record }
        }
        return reportFailed ? nil : records
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }

    private static func readAll(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        guard lseek(fd, 0, SEEK_SET) == 0 else { return bytes }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return bytes }
            bytes += buffer[0..<n]
        }
    }
}

/// The next block of indices for whichever worker process asks: a counter in memory shared
/// with the workers, under a process-shared mutex.
final class SharedBlockQueue {
    private struct State {
        var mutex: pthread_mutex_t
        var next: Int
    }

    private let state: UnsafeMutablePointer<State>
    private let count: Int
    private let blockSize: Int

    init?(count: Int, blockSize: Int) {
        let size = MemoryLayout<State>.size
        guard let memory = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else { return nil }
        state = memory.bindMemory(to: State.self, capacity: 1)
        state.initialize(to: State(mutex: pthread_mutex_t(), next: 0))
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_setpshared(&attributes, Int32(PTHREAD_PROCESS_SHARED))
        // Robust: a worker killed while it holds the lock (SIGKILL, the OOM killer) must not
        // leave the others, and the batch waiting for them, blocked forever.
        pthread_mutexattr_setrobust(&attributes, Int32(PTHREAD_MUTEX_ROBUST))
        pthread_mutex_init(&state.pointee.mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        self.count = count
        self.blockSize = blockSize
    }

    deinit {
        pthread_mutex_destroy(&state.pointee.mutex)
        munmap(state, MemoryLayout<State>.size)
    }

    func next() -> Range<Int>? {
        // The owner died holding the lock: the counter is whole either way (the block it was
        // taking is handed out again, or lost with it and retried by the caller).
        if pthread_mutex_lock(&state.pointee.mutex) == EOWNERDEAD { pthread_mutex_consistent(&state.pointee.mutex) }
        defer { pthread_mutex_unlock(&state.pointee.mutex) }
        let start = state.pointee.next
        guard start < count else { return nil }
        state.pointee.next = min(start + blockSize, count)
        return start..<state.pointee.next
    }
}

// MARK: Records as bytes, from a worker process to the parent

extension BatchRecord {
    func encode(index: Int, into out: inout [UInt8]) {
        var writer = ByteWriter()
        writer.int(index)
        writer.int(line)
        writer.optionalString(id)
        writer.bytes(text)
        writer.int(status == .ok ? 0 : status == .checkFailed ? 1 : 2)
        writer.int(checks.count)
        for check in checks {
            writer.string(check.name)
            writer.int(check.passed ? 1 : 0)
            writer.string(check.detail)
        }
        writer.string(title)
        writer.optionalString(error?.code.rawValue)
        writer.optionalString(error?.message)
        writer.int(warnings.count)
        for warning in warnings { writer.string(warning) }
        out += writer.out
    }

    static func decode(_ reader: inout ByteReader) -> (Int, BatchRecord)? {
        guard let index = reader.int(), let line = reader.int(), let id = reader.optionalString(), let text = reader.bytes(),
              let statusCode = reader.int(), let checkCount = reader.int(), checkCount >= 0 else { return nil }
        var checks: [(name: String, passed: Bool, detail: String)] = []
        for _ in 0..<checkCount {
            guard let name = reader.string(), let passed = reader.int(), let detail = reader.string() else { return nil }
            checks.append((name, passed == 1, detail))
        }
        guard let title = reader.string(), let code = reader.optionalString(), let message = reader.optionalString(),
              let warningCount = reader.int(), warningCount >= 0 else { return nil }
        var warnings: [String] = []
        for _ in 0..<warningCount {
            guard let warning = reader.string() else { return nil }
            warnings.append(warning)
        }
        let status: Status = statusCode == 0 ? .ok : statusCode == 1 ? .checkFailed : .error
        let error = code.flatMap(ErrorCode.init(rawValue:)).flatMap { code in message.map { (code: code, message: $0) } }
        return (index, BatchRecord(line: line, id: id, text: text, status: status, checks: checks, title: title, error: error, warnings: warnings))
    }
}

struct ByteWriter {
    var out: [UInt8] = []

    mutating func int(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { out.append(contentsOf: $0) }
    }

    mutating func bytes(_ value: [UInt8]) {
        int(value.count)
        out += value
    }

    mutating func string(_ value: String) { bytes(Array(value.utf8)) }

    /// A nil string is a length of -1.
    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { int(-1) }
    }
}

struct ByteReader {
    private let data: [UInt8]
    private var offset = 0

    init(_ data: [UInt8]) { self.data = data }

    mutating func int() -> Int? {
        guard data.count - offset >= 8 else { return nil }
        var value: Int64 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: data[offset..<offset + 8]) }
        offset += 8
        return Int(Int64(littleEndian: value))
    }

    mutating func bytes() -> [UInt8]? {
        guard let n = int(), n >= 0, data.count - offset >= n else { return nil }
        defer { offset += n }
        return Array(data[offset..<offset + n])
    }

    mutating func string() -> String? { bytes().map { String(decoding: $0, as: UTF8.self) } }

    /// `.some(nil)` for a nil string, nil when the data is truncated.
    mutating func optionalString() -> String?? {
        let start = offset
        guard let n = int() else { return nil }
        if n == -1 { return .some(nil) }
        offset = start
        return string().map { .some($0) }
    }
}

/// SIGINT and SIGTERM during a batch: the run stops at once with exit 130 or 143, its worker
/// processes die with it, and no record is cut short on stdout (a signal that arrives while
/// records are being written takes effect once they are out).
enum BatchSignals {
    /// Set while a piece's records are being written and flushed.
    private static var writing: sig_atomic_t = 0
    /// A signal that arrived while writing.
    private static var pending: sig_atomic_t = 0

    static func install() {
        // Touch the state first, so the handler never runs its lazy initialisation.
        writing = 0
        pending = 0
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { sig in
                if BatchSignals.writing != 0 { BatchSignals.pending = sig } else { _exit(128 + sig) }
            }
        }
    }

    /// Runs `write` with signals held back until it is done.
    static func whileWriting(_ write: () -> Void) {
        writing = 1
        write()
        writing = 0
        if pending != 0 { _exit(128 + pending) }
    }

    /// In a freshly forked worker: the default signal actions, and death with the parent
    /// (PR_SET_PDEATHSIG), so a parent killed by any signal leaves no worker computing.
    static func becomeWorker() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        _ = gk_die_with_parent(SIGKILL)
        // The parent may have died before that took effect.
        if getppid() == 1 { _exit(0) }
    }
}
