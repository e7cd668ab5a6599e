import Autograd
import CKernels
import Glibc

/// How numbers are written in text output.
struct NumberStyle {
    /// Significant digits, or nil for the shortest text that reads back to the same double.
    var precision: Int? = 6

    func string(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        guard let precision else {
            return x == x.rounded() && abs(x) < 1e16 ? String(Int64(x)) : ShortestText.string(x)
        }
        var buffer = [CChar](repeating: 0, count: 64)
        let written = buffer.withUnsafeMutableBufferPointer { gk_format_general($0.baseAddress, 64, Int32(precision), x) }
        let text = String(cString: buffer)
        return written > 0 && text == "-0" ? "-0" : text
    }

    /// `string(x).count`, without making the string for integers or shortest forms.
    func width(_ x: Double) -> Int {
        if let precision {
            if let digits = NumberStyle.integerWidth(x, below: precision) { return digits }
            return string(x).count
        }
        if !x.isFinite { return x.isNaN ? 3 : x > 0 ? 3 : 4 }
        if let digits = NumberStyle.integerWidth(x, below: 16) { return x == 0 ? 1 : digits }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestText.capacity) { buffer in
            ShortestText.write(x, to: buffer.baseAddress!)
        }
    }

    /// The width of the widest element of `data`, or `width` when none is wider. Each element's
    /// width is bounded cheaply first and formatted only when the bound beats the widest so far.
    func widest(of data: [Double], atLeast width: Int) -> Int {
        NumberStyle.powersOfTen.withUnsafeBufferPointer { tens in
            var widest = width
            var narrow = narrowMagnitudes(fittingIn: widest, tens: tens)
            for x in data {
                // Most elements lie where no text can be wider than the widest so far: two compares.
                let m = Swift.abs(x)
                if m >= narrow.lowerBound && m < narrow.upperBound { continue }
                if widthBound(x, tens: tens) > widest {
                    let exact = self.width(x)
                    if exact > widest {
                        widest = exact
                        narrow = narrowMagnitudes(fittingIn: widest, tens: tens)
                    }
                }
            }
            return widest
        }
    }

    /// Magnitudes whose text (with a minus sign) is at most `width` wide whatever their digits:
    /// those whose rounded exponent lies in the run of exponents around `precision - 1` (the
    /// narrowest layout) that fit, kept clear of the powers of ten where rounding can carry or the
    /// table's rounding can misplace a value. Empty when nothing is certain to fit.
    private func narrowMagnitudes(fittingIn width: Int, tens: UnsafeBufferPointer<Double>) -> Range<Double> {
        guard let p = precision else { return 0..<0 }
        let budget = width - 1
        func fits(_ e: Int) -> Bool { NumberStyle.layoutWidth(exponent: e, precision: p) <= budget }
        guard fits(p - 1) else { return 0..<0 }
        var low = p - 1, high = p - 1
        while low > -299, fits(low - 1) { low -= 1 }
        while high < 298, fits(high + 1) { high += 1 }
        let lower = tens[low + 301] * (1 + 1e-15)
        let upper = tens[high + 1 + 301] * (1 - Swift.max(tens[301 - p], 1e-15))
        return lower < upper ? lower..<upper : 0..<0
    }

    /// At least `width(x)`, from the sign and decimal exponent alone: `%g` writes at most the
    /// digits its layout allows and only drops trailing zeros. Exact for small integers.
    func widthBound(_ x: Double) -> Int {
        NumberStyle.powersOfTen.withUnsafeBufferPointer { widthBound(x, tens: $0) }
    }

    /// `widthBound(x)` with `powersOfTen` at hand.
    @inline(__always)
    private func widthBound(_ x: Double, tens: UnsafeBufferPointer<Double>) -> Int {
        guard let p = precision else { return width(x) }
        if !x.isFinite { return x.isNaN ? 3 : x > 0 ? 3 : 4 }
        if let digits = NumberStyle.integerWidth(x, below: p) { return digits }
        let sign = x.sign == .minus ? 1 : 0, m = Swift.abs(x)
        guard m >= 1e-300, m < 1e300 else { return sign + (p > 1 ? p + 1 : 1) + 5 } // d.ddddde-100
        // The exponent after rounding to p digits is e, or e + 1 when the rounding carries; e - 1
        // covers a value within the table's rounding of a power of ten.
        let binaryExponent = Int((m.bitPattern >> 52) & 0x7FF) - 1023
        var e = (binaryExponent * 78913) >> 18 // floor(binaryExponent * log10(2)), without libm
        if m >= tens[e + 1 + 301] { e += 1 } else if m < tens[e + 301] { e -= 1 }
        var bound = NumberStyle.layoutWidth(exponent: e, precision: p)
        if m >= tens[e + 1 + 301] * (1 - Swift.max(tens[301 - p], 1e-15)) {
            bound = Swift.max(bound, NumberStyle.layoutWidth(exponent: e + 1, precision: p))
        }
        if m <= tens[e + 301] * (1 + 1e-15) {
            bound = Swift.max(bound, NumberStyle.layoutWidth(exponent: e - 1, precision: p))
        }
        return sign + bound
    }

    /// The width of `x` when it is an integer of magnitude below 10^digits (below 10^17), which
    /// `%.{digits}g` writes as its plain digits; nil otherwise.
    @inline(__always)
    static func integerWidth(_ x: Double, below digits: Int) -> Int? {
        let m = Swift.abs(x)
        guard m < 1e17, Double(UInt64(m)) == m else { return nil }
        var rest = UInt64(m), width = x.sign == .minus ? 2 : 1
        while rest >= 10 { rest /= 10; width += 1 }
        return width - (x.sign == .minus ? 1 : 0) <= digits ? width : nil
    }

    /// The longest `%.{precision}g` text of a positive number whose rounded decimal exponent is
    /// `exponent`, before trailing zeros are dropped.
    static func layoutWidth(exponent e: Int, precision p: Int) -> Int {
        if e < -4 || e >= p { return (p > 1 ? p + 1 : 1) + 2 + (Swift.abs(e) >= 100 ? 3 : 2) }
        if e >= 0 { return e == p - 1 ? p : p + 1 }
        return 1 - e + p
    }

    /// 10^-301 ... 10^301 as the nearest doubles, index k + 301 for 10^k.
    static let powersOfTen: [Double] = (-301...301).map { Double("1e\($0)")! }
}

/// Renders tensors for people: nested brackets, right-aligned columns, and the middle of
/// very large tensors elided as NumPy and PyTorch do.
struct TensorText {
    var style: NumberStyle
    /// Tensors with more elements than this show only `edgeItems` at each end of a dimension.
    var summarizeAbove = 1000
    var edgeItems = 3

    func render(_ tensor: Tensor, indent: Int = 0) -> String {
        if tensor.isScalar { return style.string(tensor.data[0]) }
        let summarize = tensor.count > summarizeAbove
        // Only the shown elements are formatted; the column width is still that of the widest
        // element of all, found from cheap bounds (an element is formatted only when its bound
        // beats the widest so far).
        let shown = summarize ? shownOffsets(tensor.shape) : Array(0..<tensor.count)
        let cells = shown.map { style.string(tensor.data[$0]) }
        var width = cells.map(\.count).max() ?? 0
        if summarize {
            width = style.widest(of: tensor.data, atLeast: width)
        }
        var out = ""
        var next = 0
        renderBlock(tensor.shape, dim: 0, cells: cells, next: &next, width: width, column: indent,
                    summarize: summarize, into: &out)
        return out
    }

    /// The indices shown along a dimension of `size`; nil marks the elided middle.
    private func shownIndices(_ size: Int, summarize: Bool) -> [Int?] {
        summarize && size > 2 * edgeItems
            ? Array(0..<edgeItems).map { $0 } + [nil] + Array(size - edgeItems..<size).map { $0 }
            : Array(0..<size).map { $0 }
    }

    /// The row-major offsets of the elements a summarised tensor shows, in the order shown.
    private func shownOffsets(_ shape: [Int]) -> [Int] {
        var offsets = [0]
        let strides = Tensor.strides(of: shape)
        for (dim, size) in shape.enumerated() {
            let kept = shownIndices(size, summarize: true).compactMap { $0 }
            offsets = offsets.flatMap { base in kept.map { base + $0 * strides[dim] } }
        }
        return offsets
    }

    /// Writes dimension `dim` of the next block, taking its cells in order from `cells[next...]`;
    /// recursion depth is the tensor's rank.
    private func renderBlock(_ shape: [Int], dim: Int, cells: [String], next: inout Int,
                             width: Int, column: Int, summarize: Bool, into out: inout String) {
        out += "["
        let isLast = dim == shape.count - 1
        for (position, index) in shownIndices(shape[dim], summarize: summarize).enumerated() {
            if position > 0 {
                if isLast {
                    out += ", "
                } else {
                    out += "," + String(repeating: "\n", count: shape.count - dim - 1)
                    out += String(repeating: " ", count: column + dim + 1)
                }
            }
            guard index != nil else { out += "..."; continue }
            if isLast {
                let cell = cells[next]
                next += 1
                out += String(repeating: " ", count: width - cell.count) + cell
            } else {
                renderBlock(shape, dim: dim + 1, cells: cells, next: &next, width: width, column: column,
                            summarize: summarize, into: &out)
            }
        }
        out += "]"
    }
}
