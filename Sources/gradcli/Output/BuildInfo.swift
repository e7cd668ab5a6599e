import Glibc

/// What `--version` prints: the version, the commit the binary was built from, and how.
///
/// SwiftPM cannot pass a value into the build without flags, so the commit is not compiled in:
/// `make` writes it, with the build command, to `build-info` next to the binary it installs
/// (`PREFIX/share/gradcli/build-info`, or `build-info` in the binary's own directory). A binary
/// built some other way says "commit unknown" rather than guess.
enum BuildInfo {
    static let version = "0.1.0"

    /// The configuration the compiler saw, which needs no flags to know.
    static var configuration: String {
        #if DEBUG
        let mode = "debug"
        #else
        let mode = "release"
        #endif
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "aarch64"
        #else
        let arch = "other"
        #endif
        return "\(mode), \(arch)"
    }

    /// The `key=value` lines of the build-info file `make` installed, if there is one.
    static var recorded: [String: String] {
        // /proc/self/exe is the binary itself, whatever PATH or symlink started it.
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return [:] }
        let executable = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let dir = String(executable[..<(executable.lastIndex(of: "/") ?? executable.startIndex)])
        let parent = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)])
        for path in [dir + "/build-info", parent + "/share/gradcli/build-info"] {
            guard access(path, R_OK) == 0, let text = try? FileIO.readText(path) else { continue }
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                fields[String(line[..<eq])] = String(line[line.index(after: eq)...])
            }
            return fields
        }
        return [:]
    }

    /// The `--version` text.
    static var text: String {
        let info = recorded
        var lines = ["gradcli \(version)"]
        lines.append("commit: " + (info["commit"] ?? "unknown (not built with make)"))
        lines.append("build: " + configuration + (info["build"].map { "; " + $0 } ?? ""))
        return lines.joined(separator: "\n") + "\n"
    }
}
