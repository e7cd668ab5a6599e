import Foundation
import Testing

/// `gradcli plot`: the exact braille rendering, the SVG file and the range errors.
@Suite struct PlotTests {
    /// relu on [-1, 1] at 5 points, 8 columns (16 dot columns), 2 rows (8 dot rows) per panel.
    /// Derived by hand: dot column = round((x+1)/2 * 15) = 0, 4, 8, 11, 15; f = 0, 0, 0, .5, 1
    /// gives dot rows round((1-f)*7) = 7, 7, 7, 4, 0, joined downwards in the column of the
    /// lower sample; f' = 0, 0, 0, 1, 1 (PyTorch's relu'(0) = 0) gives rows 7, 7, 7, 0, 0.
    /// Braille bits: left column 0x01 0x02 0x04 0x40, right column 0x08 0x10 0x20 0x80 (rows 0-3).
    /// The secant on [0, .5] is 1 but the mean of f' is .5: a jump of f', marked under x = .25.
    @Test func smallRenderingIsExact() throws {
        let result = try CLI.run(["plot", "relu(x)", "x=-1:1", "--width", "8", "--height", "2", "--points", "5"])
        #expect(result.exitCode == 0)
        #expect(result.stdout == """
        f(x) = relu(x)
        1 ┤     \u{28B0} \u{2808}
        0 ┤\u{2840} \u{2840} \u{2846}\u{2808}
          └────────
               ^
        f'(x)
        1 ┤    \u{2846}\u{2808} \u{2808}
        0 ┤\u{2840} \u{2840} \u{2847}
          └────────
          -1      1
        ^ f' jumps between x = 0..0.5

        """)
        #expect(!result.stdout.contains("\u{1b}["))
        let colored = try CLI.run(["plot", "relu(x)", "x=-1:1", "--width", "8", "--height", "2", "--points", "5", "--color", "always"])
        #expect(colored.stdout.contains("\u{1b}[34m"))
    }

    @Test func nonFinitePointsAreMarked() throws {
        // 1/x at x = -1, 0, 1: f(0) = inf, f'(0) = -inf.
        let result = try CLI.run(["plot", "1/x", "x=-1:1", "--width", "8", "--height", "2", "--points", "3"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("! f or f' is not finite at x = 0\n"))
    }

    @Test func svgHasBothCurvesAndMarkers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("abs.svg").path
        let result = try CLI.run(["plot", "abs(x) + 1/x", "x=-1:1", "--points", "5", "--svg", file])
        #expect(result.exitCode == 0)
        #expect(result.stdout.isEmpty)
        let svg = try String(contentsOfFile: file, encoding: .utf8)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>\n"))
        // x = 0 is not finite, so each curve is two polylines of two points.
        #expect(svg.components(separatedBy: "<polyline class=\"f\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "<polyline class=\"df\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"nonfinite\"").count - 1 == 1)
        #expect(svg.contains("f(x) = abs(x) + 1/x"))
    }

    @Test func badRangesAndLimitsAreClearErrors() throws {
        let cases: [([String], Int32, String)] = [
            (["x", "x=3:3"], 65, "plot range 'x=3:3' is empty"),
            (["x", "x=3:-3"], 65, "plot range 'x=3:-3' is reversed"),
            (["x", "x=a:3"], 65, "plot range 'x=a:3': 'a' is not a finite number"),
            (["x", "x=0:inf"], 65, "'inf' is not a finite number"),
            (["x", "x=3"], 64, "The range 'x=3' is not of the form <name=lo:hi>"),
            (["x"], 64, "Missing expected argument '<name=lo:hi>'"),
            (["x", "x=0:1", "--points", "100001"], 64, "The value '100001' is invalid for '--points <n>' (expected 2 to 100000)"),
            (["x", "x=0:1", "--points", "1"], 64, "(expected 2 to 100000)"),
            (["x", "x=0:1", "--pionts", "5"], 64, "Did you mean '--points'?"),
            (["[x, x]", "x=0:1"], 65, "plot needs a scalar expression"),
        ]
        for (arguments, code, message) in cases {
            let result = try CLI.run(["plot"] + arguments)
            #expect(result.exitCode == code, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// Found by the plot fuzzer: a constant such as 1e30 (which moving by 1 does not widen) made
    /// a NaN row and trapped; a range as wide as the doubles made NaN columns and samples.
    @Test func hugeConstantsAndRangesPlot() throws {
        for arguments in [["77777e085", "x=0:1"], ["1e30", "x=0:1"], ["-1e308 + 2e308*x", "x=0:1"], ["x", "x=-1e308:1e308"]] {
            let result = try CLI.run(["plot"] + arguments + ["--width", "20", "--height", "3"])
            #expect(result.exitCode == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.hasPrefix("f(x) = \(arguments[0])\n"), "\(arguments): \(result.stdout)")
            #expect(!result.stdout.contains("nan"), "\(arguments): \(result.stdout)")
        }
        let wide = try CLI.run(["plot", "x", "x=-1e308:1e308", "--width", "20", "--height", "3"])
        // The x axis is labelled with the range's ends, not NaN.
        #expect(wide.stdout.split(separator: "\n").last?.split(separator: " ") == ["-1e+308", "1e+308"], "\(wide.stdout)")
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("gradcli-plot-\(UUID().uuidString).svg")
        defer { try? FileManager.default.removeItem(at: svg) }
        let written = try CLI.run(["plot", "1e30", "x=0:1", "--svg", svg.path])
        #expect(written.exitCode == 0, "\(written.stderr)")
        #expect(try !String(contentsOf: svg, encoding: .utf8).contains("NaN"))
    }
}
