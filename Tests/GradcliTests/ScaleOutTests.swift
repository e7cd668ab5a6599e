import Foundation
import Testing

/// The README's scale-out recipe: GNU parallel cuts a batch into blocks, runs one
/// `gradcli batch` per block and keeps the order.
@Suite struct ScaleOutTests {
    static let parallel = ["/usr/bin/parallel", "/usr/local/bin/parallel"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: parallel != nil, "skipped: GNU parallel is not installed (.ci/run installs it with apt-get when it can)"))
    func theLocalRecipeGivesTheSerialResults() throws {
        let requests = (0..<400).map { i in
            i % 50 == 7 ? #"{"id": \#(i), "expr": "x +"}"# : #"{"id": \#(i), "expr": "x^3*sin(x)", "inputs": {"x": \#(Double(i) / 10)}}"#
        }.joined(separator: "\n") + "\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-parallel-\(UUID().uuidString).jsonl")
        try requests.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        // The README's command with a small block, so that the 400 requests make several blocks.
        let split = try shell("'\(Self.parallel!)' --will-cite --pipe --keep-order --block 4k \"$G\" batch --jobs 1 < '\(file.path)'")
        let serial = try shell("\"$G\" batch --jobs 1 < '\(file.path)'")
        // One summary per block: the input really was cut.
        let blocks = split.stderr.split(separator: "\n").filter { $0.hasSuffix("failed to run") }.count
        #expect(blocks > 1, "\(split.stderr)")
        // `line` counts within a block; everything else, in order, is the serial run's.
        let withoutLine = { (text: String) in text.replacingOccurrences(of: #","line":\d+"#, with: "", options: .regularExpression) }
        #expect(withoutLine(split.stdout) == withoutLine(serial.stdout))
        #expect(serial.stdout.split(separator: "\n").count == 400)
        // parallel's exit status counts the blocks that failed: 8 requests fail to parse.
        #expect(split.exitCode > 0 && serial.exitCode == 65)
    }
}
