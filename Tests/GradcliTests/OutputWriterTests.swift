import Autograd
import Testing
@testable import gradcli

/// The byte writers of JSON and text output give exactly the text of the String-based rules they
/// replace: `Double.description` for JSON numbers, the widest `%g` text for text columns.
@Suite struct OutputWriterTests {
    /// Doubles of every kind: random bit patterns, random decimals, integers, powers of ten and
    /// their neighbours, signed zeros, subnormals, the extremes and the non-finite values.
    static let samples: [Double] = {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
        var values: [Double] = [0, -0.0, 1, -1, 0.1, 1e16, 1e16 - 2, -1e16, 9007199254740993, 1e-5, 1e-4, 0.00012345,
                                123456, 999999.5, 9.999995, 0.99999949999, 5e-324, 2.2250738585072014e-308,
                                .greatestFiniteMagnitude, -.leastNormalMagnitude, .nan, .infinity, -.infinity]
        for k in -310...310 {
            let p = Double("1e\(k)")!
            values += [p, p.nextUp, p.nextDown, -p, p * 0.9999995, p * 9.9999995]
        }
        for i in 0..<20_000 {
            let bits = next()
            switch i % 4 {
            case 0: values.append(Double(bitPattern: bits))
            case 1: values.append(Double(Int64(bitPattern: bits) >> 11) / 1e15)
            case 2: values.append(Double(Int64(bitPattern: bits) >> Int(bits % 50 + 10)))
            default: values.append(Double(Int64(bitPattern: bits) >> 40) * Double("1e\(Int(bits % 40) - 20)")!)
            }
        }
        return values
    }()

    /// The JSON number rule as it was written with Strings.
    static func reference(_ x: Double) -> String {
        if !x.isFinite { return x.isNaN ? "\"NaN\"" : (x > 0 ? "\"Infinity\"" : "\"-Infinity\"") }
        if x == 0 { return x.sign == .minus ? "-0.0" : "0.0" }
        if x == x.rounded(), Swift.abs(x) < 1e16 { return String(Int64(x)) + ".0" }
        return x.description
    }

    @Test func jsonNumbersAreTheShortestRoundTripText() {
        for x in Self.samples { #expect(JSON.format(number: x) == Self.reference(x), "\(x.bitPattern)") }
        let tensor = Tensor(shape: [Self.samples.count], data: Self.samples)
        let expected = "[" + Self.samples.map(Self.reference).joined(separator: ",") + "]"
        #expect(JSON(tensor).serialized == expected)
    }

    @Test(arguments: [[], [0], [3], [2, 0], [0, 3], [2, 0, 3], [2, 3], [3, 1, 2], [2, 2, 2, 2]])
    func tensorsAreWrittenAsTheNestedArraysTheyStandFor(shape: [Int]) {
        let count = shape.reduce(1, *)
        let tensor = Tensor(shape: shape, data: Array(Self.samples.suffix(count)))
        var nested: [UInt8] = []
        JSON.nested(tensor).write(to: &nested)
        #expect(JSON(tensor).serialized == String(decoding: nested, as: UTF8.self))
        #expect(JSON(tensor) == JSON.nested(tensor))
    }

    @Test(arguments: [nil, 1, 2, 3, 6, 10, 16, 17])
    func textWidthsAreExactAndTheirBoundsNeverShort(precision: Int?) {
        let style = NumberStyle(precision: precision)
        for x in Self.samples {
            let width = style.string(x).count
            #expect(style.width(x) == width, "\(x) at precision \(precision ?? 0)")
            #expect(style.widthBound(x) >= width, "\(x) at precision \(precision ?? 0)")
        }
    }

    @Test(arguments: [nil, 1, 2, 3, 6, 10, 17])
    func theWidestElementIsFoundWhateverTheStartingWidth(precision: Int?) {
        let style = NumberStyle(precision: precision)
        // Runs of values of one magnitude each (as tensors tend to be), then every kind at once.
        var groups: [[Double]] = []
        for start in stride(from: 0, to: Self.samples.count, by: 500) {
            groups.append(Array(Self.samples[start..<Swift.min(start + 500, Self.samples.count)]))
        }
        let steps: [Double] = (0..<3000).map { Double($0) * 0.001 - 1 }
        groups += [Self.samples, steps, [Double](repeating: 1, count: 2000)]
        for values in groups {
            let exact = values.map { style.string($0).count }.max() ?? 0
            for start in [0, 1, 5, 9] {
                #expect(style.widest(of: values, atLeast: start) == Swift.max(exact, start), "precision \(precision ?? 0), start \(start)")
            }
        }
    }

    @Test func aSummarisedTensorIsAlignedToItsWidestElementEvenWhenHidden() throws {
        // 1001 elements, all 1 but the hidden -123.456 (8 characters wide).
        let result = try CLI.run(["eval", "where(arange(1001) == 500, -123.456, 1)"])
        #expect(result.stdout == "value = [       1,        1,        1, ...,        1,        1,        1]   (shape [1001])\n")
    }
}
