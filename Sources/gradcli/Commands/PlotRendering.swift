import Glibc

/// f and f' as two braille panels: each character is 2x4 dots, with a y axis labelled at the top
/// and bottom, an x axis labelled at both ends, and a marker row (`^` kink, `!` non-finite).
struct BraillePlot {
    let width: Int
    let height: Int
    let color: Bool

    private static let label = NumberStyle(precision: 4)
    /// The braille dot bit for (column 0/1, row 0...3) within a character.
    private static let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    func render(_ samples: PlotCommand.Samples, expr: String) -> String {
        let (xs, lo, hi) = (samples.xs, samples.xs.first!, samples.xs.last!)
        let column: (Double) -> Int = { x in min(2 * width - 1, max(0, Int((PlotScale.fraction(x, lo, hi) * Double(2 * width - 1)).rounded()))) }
        var markers = [Character](repeating: " ", count: width)
        for i in samples.kinks { markers[column((xs[i] + xs[i + 1]) / 2) / 2] = "^" }
        for i in samples.nonFinite { markers[column(xs[i]) / 2] = "!" }
        let markerRow = String(markers).trailingSpacesRemoved

        let fPanel = panel(xs.map(column), samples.f, title: "f(\(samples.name)) = \(expr)", ansi: "34")
        let dPanel = panel(xs.map(column), samples.df, title: "f'(\(samples.name))", ansi: "33")
        let margin = max(fPanel.margin, dPanel.margin)
        var lines = fPanel.lines(margin) + [String(repeating: " ", count: margin + 1) + markerRow]
        lines += dPanel.lines(margin)
        let loLabel = Self.label.string(lo), hiLabel = Self.label.string(hi)
        let gap = max(1, width + 1 - loLabel.count - hiLabel.count)
        lines.append(String(repeating: " ", count: margin) + loLabel + String(repeating: " ", count: gap) + hiLabel)
        var notes: [String] = []
        let kinks = samples.kinks.map { "\(Self.label.string(xs[$0]))..\(Self.label.string(xs[$0 + 1]))" }
        if !kinks.isEmpty { notes.append("^ f' jumps between \(samples.name) = " + kinks.prefix(5).joined(separator: ", ") + (kinks.count > 5 ? ", ..." : "")) }
        let bad = samples.nonFinite.map { Self.label.string(xs[$0]) }
        if !bad.isEmpty { notes.append("! f or f' is not finite at \(samples.name) = " + bad.prefix(5).joined(separator: ", ") + (bad.count > 5 ? ", ..." : "")) }
        lines += notes.map { color ? "\u{1b}[31m" + $0 + "\u{1b}[0m" : $0 }
        return lines.map { $0.trailingSpacesRemoved }.joined(separator: "\n") + "\n"
    }

    private struct Panel {
        let title: String
        let rows: [String]
        let top: String
        let bottom: String
        let axisWidth: Int
        var margin: Int { max(top.count, bottom.count) + 1 }

        func lines(_ margin: Int) -> [String] {
            var out = [title]
            for (i, row) in rows.enumerated() {
                let label = i == 0 ? top : i == rows.count - 1 ? bottom : ""
                out.append(String(repeating: " ", count: margin - 1 - label.count) + label + (label.isEmpty ? " │" : " ┤") + row)
            }
            out.append(String(repeating: " ", count: margin) + "└" + String(repeating: "─", count: axisWidth))
            return out
        }
    }

    /// One curve: dots at each finite sample, joined by vertical runs between neighbours.
    private func panel(_ columns: [Int], _ ys: [Double], title: String, ansi: String) -> Panel {
        let finite = ys.filter(\.isFinite)
        let (low, high) = PlotScale.span(finite)
        let dotRows = 4 * height
        let row: (Double) -> Int = { y in min(dotRows - 1, max(0, Int(((1 - PlotScale.fraction(y, low, high)) * Double(dotRows - 1)).rounded()))) }
        var cells = [[UInt32]](repeating: [UInt32](repeating: 0, count: width), count: height)
        func dot(_ c: Int, _ r: Int) { cells[r / 4][c / 2] |= Self.bits[c % 2][r % 4] }
        for i in ys.indices where ys[i].isFinite {
            let r = row(ys[i])
            dot(columns[i], r)
            // Join to the next sample when both are finite, so steep parts stay connected.
            if i + 1 < ys.count, ys[i + 1].isFinite {
                let next = row(ys[i + 1])
                for between in stride(from: r, to: next, by: next > r ? 1 : -1) { dot(columns[i], between) }
            }
        }
        let rows = cells.map { line -> String in
            let text = String(String.UnicodeScalarView(line.map { $0 == 0 ? " " : Unicode.Scalar(0x2800 + $0)! }))
            return color ? "\u{1b}[\(ansi)m" + text + "\u{1b}[0m" : text
        }
        return Panel(title: title, rows: rows, top: Self.label.string(high), bottom: Self.label.string(low), axisWidth: width)
    }
}

/// f and f' on shared axes as a standalone SVG document, written by hand.
enum SVGPlot {
    static func render(_ samples: PlotCommand.Samples, expr: String) -> String {
        let (w, h, pad) = (640.0, 400.0, 50.0)
        let lo = samples.xs.first!, hi = samples.xs.last!
        let finite = (samples.f + samples.df).filter(\.isFinite)
        let (low, high) = PlotScale.span(finite)
        let style = NumberStyle(precision: 4)
        func px(_ x: Double) -> String { style.string(pad + PlotScale.fraction(x, lo, hi) * (w - 2 * pad)) }
        func py(_ y: Double) -> String { style.string(h - pad - PlotScale.fraction(y, low, high) * (h - 2 * pad)) }
        func escaped(_ s: String) -> String { s.replacingAll("&", with: "&amp;").replacingAll("<", with: "&lt;").replacingAll(">", with: "&gt;") }
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<title>\(escaped(expr)) and its derivative</title>",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<g class=\"axes\" stroke=\"#444\">",
                   "<line x1=\"\(pad)\" y1=\"\(h - pad)\" x2=\"\(w - pad)\" y2=\"\(h - pad)\"/>",
                   "<line x1=\"\(pad)\" y1=\"\(pad)\" x2=\"\(pad)\" y2=\"\(h - pad)\"/>",
                   "</g>"]
        for k in 0...4 {
            let t = Double(k) / 4, x = lo * (1 - t) + hi * t, y = low * (1 - t) + high * t
            out.append("<text class=\"tick\" x=\"\(px(x))\" y=\"\(style.string(h - pad + 16))\" text-anchor=\"middle\">\(style.string(x))</text>")
            out.append("<text class=\"tick\" x=\"\(style.string(pad - 6))\" y=\"\(py(y))\" text-anchor=\"end\" dominant-baseline=\"middle\">\(style.string(y))</text>")
        }
        for (values, name, colour) in [(samples.f, "f", "#1f77b4"), (samples.df, "df", "#ff7f0e")] {
            // A non-finite sample breaks the curve into separate polylines.
            var run: [String] = []
            func flush() {
                if !run.isEmpty { out.append("<polyline class=\"\(name)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(run.joined(separator: " "))\"/>") }
                run = []
            }
            for i in values.indices { if values[i].isFinite { run.append("\(px(samples.xs[i])),\(py(values[i]))") } else { flush() } }
            flush()
        }
        for i in samples.kinks {
            let x = (samples.xs[i] + samples.xs[i + 1]) / 2, y = (samples.f[i] + samples.f[i + 1]) / 2
            out.append("<circle class=\"kink\" cx=\"\(px(x))\" cy=\"\(py(y))\" r=\"4\" fill=\"none\" stroke=\"red\"/>")
        }
        for i in samples.nonFinite {
            out.append("<text class=\"nonfinite\" x=\"\(px(samples.xs[i]))\" y=\"\(style.string(pad - 8))\" fill=\"red\" text-anchor=\"middle\">!</text>")
        }
        out += ["<text x=\"\(pad)\" y=\"20\" fill=\"#1f77b4\">f(\(samples.name)) = \(escaped(expr))</text>",
                "<text x=\"\(w / 2)\" y=\"20\" fill=\"#ff7f0e\">f'(\(samples.name))</text>",
                "</svg>"]
        return out.joined(separator: "\n") + "\n"
    }

    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else { throw GradcliError.io("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        var text = text
        let written = text.withUTF8 { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == text.utf8.count, closed == 0 else { throw GradcliError.io("cannot write '\(path)': \(String(cString: strerror(errno)))") }
    }
}

extension String {
    var trailingSpacesRemoved: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// Where values fall on a plot's axes, for any finite values: a span as wide as the doubles
/// (from -1e308 to 1e308) or a constant as large as 1e30 never makes a NaN position.
enum PlotScale {
    /// The lowest and highest of `values`, moved apart when equal (by 1, or by a millionth of
    /// a large value, which 1 would not move).
    static func span(_ values: [Double]) -> (low: Double, high: Double) {
        let low = values.min() ?? 0, high = values.max() ?? 0
        guard low == high else { return (low, high) }
        let pad = Swift.max(1, Swift.abs(low) * 0x1p-20)
        return (low - pad, high + pad)
    }

    /// `(v - a) / (b - a)`, computed on halves so that the differences cannot overflow; 0 when
    /// it is not a number.
    static func fraction(_ v: Double, _ a: Double, _ b: Double) -> Double {
        let t = (v / 2 - a / 2) / (b / 2 - a / 2)
        return t.isFinite ? t : 0
    }
}
