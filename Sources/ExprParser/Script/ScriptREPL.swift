import Autograd

/// `gradcli repl`: an interactive session of the script language. Each complete input (one line,
/// or a block ended by an empty line) is parsed and run in one persistent interpreter; an
/// expression's value is echoed as Python's REPL echoes it (`repr`, nothing for None); errors
/// are shown and the session goes on. `exit()` or end of input leaves.
extension ScriptRunner {
    /// Runs a session reading lines from `readLine` (nil at end of input); `prompt` is called
    /// with `>>> ` or `... ` before each line when prompts are wanted. Returns the exit status.
    public static func repl(readLine: @escaping () -> String?, prompt: ((String) -> Void)?,
                            output: ScriptOutput = ScriptOutput()) -> Int32 {
        var status: Int32 = 0
        onLargeStack {
            let saved = DefaultDType.current
            DefaultDType.current = .float32
            defer { DefaultDType.current = saved }
            let interpreter = Interpreter(output: output, fileName: "<stdin>", source: "", names: NameTable())
            while true {
                prompt?(">>> ")
                output.flush()
                guard let first = readLine() else { break }
                var chunk = first
                while needsMore(chunk) {
                    prompt?("... ")
                    output.flush()
                    guard let next = readLine() else { break }
                    if next.trimmingWhitespace().isEmpty && isBlock(chunk) { break }
                    chunk += "\n" + next
                }
                if chunk.trimmingWhitespace().isEmpty { continue }
                if case .exit = runChunk(chunk + "\n", interpreter, output) { break }
            }
            interpreter.releaseScopes()
            output.flush()
            status = 0
        }
        return status
    }

    private enum ChunkResult { case ok, exit }

    /// True while the input so far is an unfinished block or an unclosed bracket or string.
    private static func needsMore(_ chunk: String) -> Bool {
        if isBlock(chunk) { return true }
        do {
            _ = try PyLexer.tokenize(chunk + "\n")
            return false
        } catch let error as ScriptSyntaxError {
            return error.message.hasSuffix("was never closed") || error.message.hasPrefix("unterminated triple-quoted")
        } catch {
            return false
        }
    }

    /// True when the chunk opens a block (its first line ends with `:`), which an empty line ends.
    private static func isBlock(_ chunk: String) -> Bool {
        let firstLine = chunk.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
        let code = firstLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return String(code).trimmingWhitespace().hasSuffix(":")
    }

    private static func runChunk(_ source: String, _ interpreter: Interpreter, _ output: ScriptOutput) -> ChunkResult {
        let program: [PyStmt]
        do {
            program = try ScriptParser.parse(source, names: interpreter.names)
        } catch let error as ScriptSyntaxError {
            output.error(render(error, source: source, fileName: "<stdin>", color: false))
            return .ok
        } catch {
            return .ok
        }
        interpreter.sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
        interpreter.resetFrames(line: 0)
        do {
            if program.count == 1, case .expression(let e) = program[0].kind {
                interpreter.resetFrames(line: program[0].line)
                let value = try interpreter.evaluate(e, in: interpreter.globals)
                if case .none = value {} else { output.write(pyRepr(value) + "\n") }
            } else {
                try interpreter.run(program)
            }
        } catch let error as PyException {
            if error.type == "SystemExit" { return .exit }
            output.error(traceback(error, interpreter: interpreter, source: source))
        } catch let error as OpError {
            output.error(traceback(PyException("RuntimeError", error.message), interpreter: interpreter, source: source))
        } catch {
            output.error("RuntimeError: \(error)\n")
        }
        return .ok
    }
}
