// libFuzzer entry point for `gradcli lines`: the first byte picks the options (bit 0: eval
// rather than grad, bit 1: --json), the rest is the input, one expression per line, written to
// a file that line mode reads. Error lines are fine; a crash, a hang or a sanitizer report is a
// bug. Output goes to /dev/null (run.sh also closes stderr for this target). Compiled into one
// module with the gradcli sources (all but main.swift) by scripts/fuzz/run.sh.
import Glibc

private let inputPath = "lines-input.txt"
private let silenced: Bool = {
    let null = open("/dev/null", O_WRONLY)
    return null >= 0 && dup2(null, 1) >= 0
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard silenced, size > 0, let file = fopen(inputPath, "w") else { return 0 }
    fwrite(data + 1, 1, size - 1, file)
    fclose(file)
    var arguments = ["--command", data[0] & 1 == 0 ? "grad" : "eval", "--max-flops", "1e8"]
    if data[0] & 2 != 0 { arguments.append("--json") }
    _ = try? LineMode.run(arguments + [inputPath], color: false)
    _ = Output.flush()
    return 0
}
