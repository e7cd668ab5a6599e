// libFuzzer entry point for one `gradcli batch` request line: any bytes are a line of JSON Lines;
// it is parsed, run as its command says and turned into a record. Errors become error records;
// a crash, a hang or a sanitizer report is a bug. Compiled into one module with the gradcli
// sources (all but main.swift) by scripts/fuzz/run.sh, so it reaches the internal entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBatchLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = Request.runBatchLine(bytes[...], line: 1, files: .none)
    return 0
}
