import Foundation
import Testing
@testable import gradcli

/// The C formatter behind JSON numbers and `--exact` text (CKernels/shortest.c) against Swift's
/// own `Double.description`, which is what it replaces; scripts/check_shortest.sh runs the same
/// comparison on 10^8 doubles. Expected texts come from the standard library, never from gradcli.
@Suite struct ShortestTextTests {
    /// Edge cases, then random bit patterns: a few thousand finite doubles.
    static let samples: [Double] = {
        var values: [Double] = [
            .leastNonzeroMagnitude, 2 * .leastNonzeroMagnitude, 3 * .leastNonzeroMagnitude,
            .leastNormalMagnitude, Double.leastNormalMagnitude.nextDown, Double.leastNormalMagnitude.nextUp,
            .greatestFiniteMagnitude, Double.greatestFiniteMagnitude.nextDown, 0, -0.0, 1, -1, 0.1, 0.2, 0.3,
            1e23, 1e23.nextUp, 1e23.nextDown, 5e22, 9e15, 8.98846567431158e307,
            // Exact ties between two shortest candidates, which go to the even digit.
            Double(sign: .plus, exponent: -25, significand: 1), 137438953472.015625,
            1125899906842624.25, 1125899906842624.75, 2251799813685248.5,
        ]
        func around(_ x: Double, _ spread: Int) {
            var up = x, down = x
            values += [x, -x]
            for _ in 0..<spread { up = up.nextUp; down = down.nextDown; values += [up, down] }
        }
        // Subnormals, powers of two, powers of ten.
        for f in [1, 2, 3, 7, 10, 99, 1000, 123456, 1 << 40, (1 << 52) - 1] as [UInt64] { values.append(Double(bitPattern: f)) }
        for e in stride(from: -1074, through: 1023, by: 9) { around(Double(sign: .plus, exponent: e, significand: 1), 1) }
        for k in -323...308 { around(Double("1e\(k)")!, 1) }
        // Whole numbers near 2^53, 2^54 and 10^16, and the notation switch points 1e-4 and 2^53.
        for base in [4503599627370496.0, 9007199254740992.0, 18014398509481984.0, 1e15, 1e16, 1e-4] { around(base, 6) }
        for x in [1e-5, 0.00012345, 9.9999e-5, 123456789012345.6, 999999999999999.9] { around(x, 2) }
        var state: UInt64 = 0x2545F4914F6CDD1D
        while values.count < 5000 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            let x = Double(bitPattern: state)
            if x.isFinite { values.append(x) }
        }
        return values.filter(\.isFinite)
    }()

    @Test func theCFormatterWritesSwiftsDescription() {
        #expect(Self.samples.count >= 5000)
        for x in Self.samples {
            #expect(ShortestText.string(x) == x.description, "bits 0x\(String(x.bitPattern, radix: 16))")
        }
        for x in [Double.infinity, -.infinity, .nan] { #expect(ShortestText.string(x) == x.description) }
    }

    /// A float64 tensor of the samples goes in as .npy (its exact bits) and comes out of
    /// `gradcli eval --json`; every number's text is the JSON rule's (`Double.description`,
    /// whole numbers below 1e16 in full) and reads back, by the standard library, to the same bits.
    @Test func jsonOfATensorOfEdgeCasesReadsBackToTheSameDoubles() throws {
        let values = Self.samples
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-shortest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(values.count),), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8) + values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let url = dir.appendingPathComponent("x.npy")
        try Data(bytes).write(to: url)

        let result = try CLI.run(["eval", "x", "x=@\(url.path)", "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let start = try #require(result.stdout.range(of: "\"value\":["))
        let end = try #require(result.stdout[start.upperBound...].firstIndex(of: "]"))
        let texts = result.stdout[start.upperBound..<end].split(separator: ",").map(String.init)
        try #require(texts.count == values.count)
        for (x, text) in zip(values, texts) {
            let expected = x != 0 && x == x.rounded() && Swift.abs(x) < 1e16 ? String(Int64(x)) + ".0" : x.description
            #expect(text == expected, "bits 0x\(String(x.bitPattern, radix: 16))")
            #expect(Double(text)?.bitPattern == x.bitPattern, "\(text) reads back to another double")
        }
    }

    /// `--exact` text shows the same shortest forms (whole numbers below 1e16 without `.0`).
    @Test func exactTextShowsTheShortestForms() throws {
        let values: [Double] = [0.1, 1e-05, 1.2345e+16, 5e-324, 1.7976931348623157e+308, 2.9802322387695312e-08, 0.00012345]
        let result = try CLI.run(["eval", "[" + values.map(\.description).joined(separator: ", ") + "]", "--exact"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        for x in values { #expect(result.stdout.contains(x.description), "\(x.description) in \(result.stdout)") }
    }
}
