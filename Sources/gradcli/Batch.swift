import Autograd
import Glibc

/// `gradcli batch`: JSON Lines requests in, exactly one JSON line out per request, in input
/// order, whatever `--jobs` is. Exit 65 when any request could not run (it wins), else 1
/// when a check failed, else 0.
enum Batch {
    static func run(_ invocation: Invocation) throws -> Int32 {
        guard invocation.positionals.count <= 1 else {
            throw UsageError(message: "Unexpected argument '\(invocation.positionals[1])'", command: .batch)
        }
        let path = invocation.positionals.first ?? "-"
        // One thread per CPU by default: the output is the same bytes whatever the count.
        var jobs = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 8))
        if let text = invocation.value("--jobs") {
            guard let n = Int(text), n >= 1, n <= 256 else {
                throw UsageError(message: "The value '\(text)' is invalid for '--jobs <n>' (expected 1 to 256)", command: .batch)
            }
            jobs = n
        }
        let bytes = try FileIO.read(path)
        let lines = nonBlankLines(bytes)
        let progress = Progress(total: lines.count)
        let records = runAll(bytes, lines, jobs: jobs, progress: progress)
        progress.finish()

        if invocation.flag("--tap") {
            Output.out(TestReports.tap(records))
        } else {
            var out: [UInt8] = []
            out.reserveCapacity(records.reduce(0) { $0 + $1.text.count })
            for record in records { out += record.text }
            Output.out(bytes: out)
        }
        if let junit = invocation.value("--junit") { try FileIO.write(TestReports.junit(records), to: junit) }

        let errors = records.filter { $0.status == .error }.count
        let checks = records.flatMap(\.checks)
        let failedChecks = checks.filter { !$0.passed }.count
        var summary = "\(records.count) requests: \(records.count - errors) ran, \(errors) failed to run"
        if !checks.isEmpty { summary += "; checks: \(checks.count - failedChecks) passed, \(failedChecks) failed" }
        Output.err(summary + "\n")
        if errors > 0 { return 65 }
        return records.contains { $0.status == .checkFailed } ? 1 : 0
    }

    /// The byte ranges of the lines that hold something, with 1-based line numbers
    /// (blank lines are not requests, but they still count).
    static func nonBlankLines(_ bytes: [UInt8]) -> [(number: Int, range: Range<Int>)] {
        var lines: [(number: Int, range: Range<Int>)] = []
        var start = 0, number = 1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "\n") {
            if bytes[start..<i].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                lines.append((number, start..<i))
            }
            start = i + 1
            number += 1
        }
        return lines
    }

    /// Runs every line, on `jobs` threads when more than one; results keep input order.
    static func runAll(_ bytes: [UInt8], _ lines: [(number: Int, range: Range<Int>)], jobs: Int,
                       progress: Progress) -> [BatchRecord] {
        // Threads pay off only once there is work to share.
        if jobs == 1 || lines.count < 64 {
            let cache = ProgramCache()
            return lines.map { line in
                defer { progress.step() }
                return Request.runBatchLine(bytes[line.range], line: line.number, cache: cache)
            }
        }
        let results = ResultSlots(count: lines.count)
        let workers = (0..<min(jobs, lines.count)).map { worker in
            Worker {
                let cache = ProgramCache()
                // Interleaved indices keep the threads evenly loaded without a shared queue.
                for i in stride(from: worker, to: lines.count, by: jobs) {
                    results.slots[i] = Request.runBatchLine(bytes[lines[i].range], line: lines[i].number, cache: cache)
                    progress.step()
                }
            }
        }
        for worker in workers { worker.join() }
        return results.slots.map { $0! }
    }
}

/// One slot per request; each worker writes only its own indices. Raw memory, because
/// concurrent writes to one Swift array property would be overlapping accesses.
final class ResultSlots: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<BatchRecord?>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }
}

/// A POSIX thread with a large stack, so deep expressions behave as on the main thread.
final class Worker {
    private var thread = pthread_t()
    private let body: () -> Void

    init(_ body: @escaping () -> Void) {
        self.body = body
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 16 << 20)
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, &attributes, { raw in
            let worker = Unmanaged<Worker>.fromOpaque(raw!).takeRetainedValue()
            worker.body()
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
    }

    func join() { pthread_join(thread, nil) }
}

/// A progress bar on stderr for long batches on a terminal; silent otherwise.
final class Progress: @unchecked Sendable {
    private let total: Int
    private let enabled: Bool
    private var done = 0
    private var lock = pthread_mutex_t()

    init(total: Int) {
        self.total = total
        enabled = total >= 1000 && isatty(2) != 0
        pthread_mutex_init(&lock, nil)
    }

    func step() {
        guard enabled else { return }
        pthread_mutex_lock(&lock)
        done += 1
        if done % 256 == 0 || done == total { draw() }
        pthread_mutex_unlock(&lock)
    }

    private func draw() {
        let width = 30
        let filled = done * width / max(total, 1)
        Output.err("\r[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "] \(done)/\(total)")
    }

    func finish() { if enabled { Output.err("\r" + String(repeating: " ", count: 50) + "\r") } }
}
