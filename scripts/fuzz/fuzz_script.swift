// libFuzzer entry point for script mode (`gradcli run`): any bytes are a Python program; it is
// parsed and, when it parses, interpreted with its output thrown away. Python errors and
// diagnostics are fine; a crash, a hang or a sanitizer report is a bug. Programs that spell
// `while` or `range` are skipped: an endless loop is the program's own (Ctrl-C stops it), not a
// finding. Built by scripts/fuzz/run.sh.
import Autograd
import ExprParser
import Glibc

private let sink = ScriptOutput(out: fopen("/dev/null", "w")!, err: fopen("/dev/null", "w")!)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScript(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if source.contains("while") || source.contains("range") { return 0 }
    _ = ScriptRunner.run(source: source, fileName: "fuzz.py", output: sink)
    return 0
}
