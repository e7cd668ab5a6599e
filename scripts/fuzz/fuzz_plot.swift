// libFuzzer entry point for `gradcli plot`: the input's first line is the expression, the
// second the range (`x=lo:hi`), the third, if any, more arguments separated by spaces (such as
// `--width 20`; `--svg`, which writes a file, is left out). At most 8 points are sampled. Usage
// and value errors are fine; a crash, a hang or a sanitizer report is a bug. Output goes to
// /dev/null (run.sh also closes stderr for this target). Compiled into one module with the
// gradcli sources (all but main.swift) by scripts/fuzz/run.sh.
import Glibc

private let silenced: Bool = {
    let null = open("/dev/null", O_WRONLY)
    return null >= 0 && dup2(null, 1) >= 0
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlot(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard silenced else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let lines = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
    guard lines.count >= 2 else { return 0 }
    var extra = lines.count > 2 ? lines[2].split(separator: " ").map(String.init) : []
    if extra.contains(where: { $0.hasPrefix("--svg") || $0.hasPrefix("--points") }) { extra = [] }
    _ = try? PlotCommand.run([lines[0], lines[1], "--points", "8"] + extra, color: false)
    _ = Output.flush()
    return 0
}
