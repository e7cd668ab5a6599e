import Autograd
import Glibc

/// `gradcli batch`: JSON Lines requests in, exactly one JSON line out per request, in input
/// order, whatever `--jobs` is. Exit 70 when a request met an internal error (a worker that
/// died), else 65 when any request could not run, else 1 when a check failed, else 0.
enum Batch {
    static func run(_ invocation: Invocation) throws -> Int32 {
        guard invocation.positionals.count <= 1 else {
            throw GradcliError.usage("Unexpected argument '\(invocation.positionals[1])'", of: .batch)
        }
        // One worker process per CPU by default: the output is the same bytes whatever the count.
        var jobs = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), 8))
        if let text = invocation.value(.jobs) {
            jobs = try OptionValues(spec: .spec(.jobs), command: "batch").integer(.word(text))
        }
        let tap = invocation.flag(.tap)
        let quiet = invocation.flag(.quiet)
        let files = try invocation.value(.allowFiles).map(FileAccess.allowing) ?? FileAccess.none
        // Open the JUnit file first, so a bad path fails before any work is done.
        let junit = try invocation.value(.junit).map { try FileIO.Writer(path: $0) }
        let reader = try LineReader(path: invocation.positionals.first ?? "-")
        BatchSignals.install()
        let progress = Progress(total: reader.size, unit: "requests")
        var kept: [BatchRecord] = []
        var count = 0, errors = 0, internalErrors = 0, checks = 0, failedChecks = 0, anyCheckFailed = false
        if tap { Output.out("TAP version 14\n") }
        // Each piece of input is run and written as soon as it has arrived, in order: a
        // program feeding requests one at a time gets each answer back at once.
        while let chunk = try reader.nextChunk() {
            let records = runAll(chunk.bytes, chunk.lines, jobs: jobs, files: files)
            var out: [UInt8] = []
            for record in records {
                count += 1
                if record.status == .error { errors += 1 }
                if record.error?.code == .internal { internalErrors += 1 }
                if record.status == .checkFailed { anyCheckFailed = true }
                checks += record.checks.count
                failedChecks += record.checks.filter { !$0.passed }.count
                if tap { out += Array(TestReports.tapPoint(record, number: count).utf8) } else if !quiet { out += record.text }
            }
            var written = true
            BatchSignals.whileWriting {
                Output.out(bytes: out)
                written = Output.flush()
            }
            if junit != nil { kept += records }
            // Records that cannot be written are lost: stop (the JUnit report still gets what
            // ran), and the run ends with exit 74 (`Output.finish`).
            guard written else { break }
            progress.advance(to: reader.consumed, count: count)
        }
        progress.finish()
        if tap { Output.out("1..\(count)\n") }
        var summary = "\(count) requests: \(count - errors) ran, \(errors) failed to run"
        if checks > 0 { summary += "; checks: \(checks - failedChecks) passed, \(failedChecks) failed" }
        if !quiet { Output.err(summary + "\n") }
        try junit?.write(TestReports.junit(kept))
        if internalErrors > 0 { return 70 }
        if errors > 0 { return 65 }
        return anyCheckFailed ? 1 : 0
    }

    /// Runs every line, on `jobs` worker processes when more than one; results keep input order.
    static func runAll(_ bytes: [UInt8], _ lines: [LineReader.Line], jobs: Int, files: FileAccess) -> [BatchRecord] {
        let cache = ProgramCache()
        func run(_ i: Int) -> BatchRecord {
            if lines[i].tooLong { return Request.tooLongRecord(line: lines[i].number) }
            return Request.runBatchLine(bytes[lines[i].range], line: lines[i].number, files: files, cache: cache)
        }
        // Workers pay off only once there is work to share.
        guard jobs > 1, lines.count >= 64,
              var records = BatchWorkers.run(count: lines.count, jobs: min(jobs, lines.count), blockSize: 32, run) else {
            return lines.indices.map(run)
        }
        // A worker that died (a crash, memory exhausted) took its unfinished block with it: those
        // lines run again one at a time, so only the request that kills a worker is lost.
        let missing = records.indices.filter { records[$0] == nil }
        if !missing.isEmpty {
            // When no worker can report back (a full or size-limited temporary directory), the
            // lines run here, one by one.
            let retried = BatchWorkers.run(count: missing.count, jobs: min(jobs, missing.count), blockSize: 1, { run(missing[$0]) })
                ?? missing.map { run($0) }
            for (k, record) in retried.enumerated() { records[missing[k]] = record }
        }
        return records.enumerated().map { i, record in record ?? Request.workerFailedRecord(bytes[lines[i].range], line: lines[i].number) }
    }
}
