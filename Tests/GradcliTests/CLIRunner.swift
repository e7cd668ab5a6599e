import Foundation
import Testing

/// What one run of the built `gradcli` binary produced.
struct CLIResult {
    let stdout: String
    let stderr: String
    let exitCode: Int32
}

/// Runs the built binary, the same path a user takes: arguments in; stdout, stderr and exit code out.
enum CLI {
    /// The binary next to the test bundle (SwiftPM builds it because the tests depend on it),
    /// or the one named by GRADCLI_BINARY.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["GRADCLI_BINARY"] { return URL(fileURLWithPath: path) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        // On Linux the test runner is `<products>/gradcliPackageTests.xctest`; tolerate a bundle layout too.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("gradcli")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/gradcli")
    }()

    /// The package root, for paths to samples/.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `memoryLimitKB` runs the binary under `ulimit -v`, so a request can exhaust memory.
    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
                    directory: URL? = nil, memoryLimitKB: Int? = nil) throws -> CLIResult {
        let process = Process()
        if let memoryLimitKB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -c 0 && ulimit -v \(memoryLimitKB) && exec \"$0\" \"$@\"", binary.path] + arguments
        } else {
            process.executableURL = binary
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = directory ?? packageRoot
        return try capture(process, stdin: stdin ?? "")
    }

    /// Runs `process` with stdin from `stdin` and stdout and stderr captured through files (pipes
    /// could fill and block a child that writes much), and waits for it.
    static func capture(_ process: Process, stdin: String) throws -> CLIResult {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outURL = tmp.appendingPathComponent("out"), errURL = tmp.appendingPathComponent("err"), inURL = tmp.appendingPathComponent("in")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        FileManager.default.createFile(atPath: inURL.path, contents: Data(stdin.utf8))
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        process.waitUntilExit()
        try out.close(); try err.close(); try input.close()
        return CLIResult(stdout: try String(contentsOf: outURL, encoding: .utf8),
                         stderr: try String(contentsOf: errURL, encoding: .utf8),
                         exitCode: process.terminationStatus)
    }

    /// Runs and parses stdout as one JSON object.
    static func json(_ arguments: [String], stdin: String? = nil) throws -> (CLIResult, [String: Any]) {
        let result = try run(arguments, stdin: stdin)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return (result, try #require(object, "stdout is not a JSON object: \(result.stdout) \(result.stderr)"))
    }
}

/// Splits a command line as a POSIX shell does for words: spaces separate, single quotes
/// are literal, double quotes allow \" and \\, a backslash escapes the next character.
func shellWords(_ line: String) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for c in line {
        if escaped { current.append(c); escaped = false; continue }
        if let q = quote {
            if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { current.append(c) }
            continue
        }
        switch c {
        case "'", "\"": quote = c; inWord = true
        case "\\": escaped = true; inWord = true
        case " ", "\t":
            if inWord { words.append(current); current = ""; inWord = false }
        default: current.append(c); inWord = true
        }
    }
    if inWord { words.append(current) }
    return words
}
