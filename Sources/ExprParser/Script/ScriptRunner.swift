import Autograd
import Glibc

/// Where a program's output goes: stdout through C's buffered stream (so a program printing
/// 10^6 lines streams them), stderr unbuffered after flushing stdout, to keep their order.
public final class ScriptOutput {
    private let out: UnsafeMutablePointer<FILE>
    private let err: UnsafeMutablePointer<FILE>

    /// Writes to the given C streams (stdout and stderr by default).
    public init(out: UnsafeMutablePointer<FILE> = stdout, err: UnsafeMutablePointer<FILE> = stderr) {
        self.out = out
        self.err = err
    }

    func write(_ text: String) { fputs(text, out) }

    func error(_ text: String) {
        fflush(out)
        fputs(text, err)
    }

    func flush() { fflush(out) }
}

/// Runs PyTorch programs (`gradcli run FILE.py`): parses the whole file first, then interprets it.
public enum ScriptRunner {
    /// Exit statuses: 0 success, 1 an uncaught exception (as Python), 65 a syntax error or code
    /// outside the subset.
    public static let exitException: Int32 = 1
    public static let exitSyntax: Int32 = 65

    /// The stack given to the interpreter's thread: enough for `Interpreter.recursionLimit`
    /// nested Python calls, each a few dozen Swift frames deep.
    static let stackBytes = 512 << 20

    /// Renders the trace of one `.backward()` call: the trace, the module's leaves by name, the line.
    public typealias BackwardTracer = (BackwardTrace, [(name: String, variable: Variable)], Int) -> String

    /// Runs `source`, named `fileName` in tracebacks, writing to `output`; returns the exit status.
    /// With `endsProcess`, the caller exits next: the program's objects are left for the process's
    /// exit to reclaim rather than torn down one by one (a loop that kept every graph it built
    /// would spend a tenth of its run freeing them), as CPython leaves them at exit.
    public static func run(source: String, fileName: String, output: ScriptOutput = ScriptOutput(), color: Bool = false,
                           traceBackward: BackwardTracer? = nil, endsProcess: Bool = false) -> Int32 {
        let program: [PyStmt]
        let names = NameTable()
        do {
            program = try ScriptParser.parse(source, names: names)
        } catch let error as ScriptSyntaxError {
            output.error(render(error, source: source, fileName: fileName, color: color))
            return exitSyntax
        } catch {
            output.error("error: \(error)\n")
            return exitSyntax
        }
        var status: Int32 = 0
        onLargeStack {
            let run = {
                status = execute(program, names: names, source: source, fileName: fileName, output: output,
                                 traceBackward: traceBackward, endsProcess: endsProcess)
            }
            // A trace shows every value of its graph after the pass, which a node keeps only for a trace.
            if traceBackward != nil { GradMode.keepingValues(run) } else { run() }
        }
        if endsProcess { keptUntilExit.append(program) }
        output.flush()
        return status
    }

    /// The caret diagnostic of a syntax error, in the layout of gradcli's other diagnostics.
    static func render(_ error: ScriptSyntaxError, source: String, fileName: String, color: Bool) -> String {
        let diagnostic = Diagnostic(code: .parseError, message: error.message, range: SourceRange(start: error.start, end: error.end),
                                    hint: error.unsupported ? "gradcli runs the Python subset listed in `gradcli run --help`" : nil)
        var text = DiagnosticRenderer.render(diagnostic, source: source, color: color)
        let (line, column) = DiagnosticRenderer.lineColumn(of: error.start, in: source)
        text = text.replacingFirst(" --> \(line):\(column)", with: " --> \(fileName):\(line):\(column)")
        return text
    }

    /// The syntax tree and interpreter of a run whose process ends next (see `run`).
    private static var keptUntilExit: [Any] = []

    static func execute(_ program: [PyStmt], names: NameTable, source: String, fileName: String, output: ScriptOutput,
                        traceBackward: BackwardTracer? = nil, endsProcess: Bool = false) -> Int32 {
        let savedDType = DefaultDType.current
        DefaultDType.current = .float32  // PyTorch's default dtype
        defer { DefaultDType.current = savedDType }
        let savedGradMode = GradMode.isEnabled
        defer { GradMode.setEnabled(savedGradMode) }
        let interpreter = Interpreter(output: output, fileName: fileName, source: source, names: names)
        interpreter.backwardTracer = traceBackward
        defer { if endsProcess { keptUntilExit.append(interpreter) } else { interpreter.releaseScopes() } }
        do {
            try interpreter.run(program)
            return 0
        } catch let error as PyException {
            if error.type == "SystemExit" { return 0 }
            output.error(traceback(error, interpreter: interpreter, source: source))
            return exitException
        } catch {
            output.error("Traceback (most recent call last):\nRuntimeError: \(error)\n")
            return exitException
        }
    }

    /// Python's traceback: the outermost frame first, each with its source line, then the error.
    static func traceback(_ error: PyException, interpreter: Interpreter, source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        var text = "Traceback (most recent call last):\n"
        var previous: TraceFrame?
        var repeats = 0
        func flushRepeats() {
            if repeats > 0 { text += "  [Previous line repeated \(repeats) more time\(repeats == 1 ? "" : "s")]\n" }
            repeats = 0
        }
        var sameRun = 0
        for frame in interpreter.callFrames + error.frames.reversed() {
            // Python prints a frame repeated more than three times in a row once per repeat count.
            if let p = previous, p.line == frame.line, p.function == frame.function {
                sameRun += 1
                if sameRun >= 3 { repeats += 1; continue }
            } else {
                flushRepeats()
                sameRun = 0
            }
            previous = frame
            text += "  File \"\(interpreter.fileName)\", line \(frame.line), in \(frame.function)\n"
            if frame.line >= 1 && frame.line <= lines.count {
                let code = lines[frame.line - 1].drop { $0 == " " || $0 == "\t" }
                text += "    " + code.trimmingSuffix() + "\n"
            }
        }
        flushRepeats()
        return text + (error.message.isEmpty ? error.type : "\(error.type): \(error.message)") + "\n"
    }

    /// Runs `body` on a thread with `stackBytes` of stack and waits for it.
    static func onLargeStack(_ body: @escaping () -> Void) {
        final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackBytes)
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, &attributes, { pointer in
            let box = Unmanaged<Box>.fromOpaque(pointer!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
            return
        }
        pthread_join(thread, nil)
    }
}

private extension Substring {
    func trimmingSuffix() -> String {
        var s = self
        while let last = s.last, last == " " || last == "\r" || last == "\t" { s.removeLast() }
        return String(s)
    }
}

private extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(ofText: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }

    func range(ofText needle: String) -> Range<String.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
