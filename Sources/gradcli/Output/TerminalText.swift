/// Control characters in text for a terminal: every one is shown escaped, as rustc and git do
/// (`\u{1b}`), so that an expression, a file name or a request cannot move the cursor, retitle
/// the window or clear the screen. Newlines and tabs are kept; so are gradcli's own colour
/// codes (`ESC [ digits ; m`) when `allowColor` is set.
enum TerminalText {
    static func escape(_ text: String, allowColor: Bool = false) -> String {
        guard needsEscaping(text) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\u{1b}", allowColor, let end = colorCodeEnd(scalars, from: i) {
                out.append(contentsOf: scalars[i...end])
                i = end + 1
                continue
            }
            if isUnsafe(c) {
                out.append(contentsOf: "\\u{\(String(c.value, radix: 16))}".unicodeScalars)
            } else {
                out.append(c)
            }
            i += 1
        }
        return String(out)
    }

    /// C0 controls but newline and tab, DEL, C1 controls (U+009B is a CSI on many
    /// terminals), and the bidirectional overrides and isolates that reorder displayed text.
    static func isUnsafe(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x0A, 0x09: return false
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// A quick scan of the UTF-8 bytes: most text has nothing to escape.
    private static func needsEscaping(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            for b in bytes where (b < 0x20 && b != 0x0A && b != 0x09) || b == 0x7F || b == 0xC2 || b == 0xE2 { return true }
            return false
        }
    }

    /// The index of the `m` ending an SGR colour code that starts at `start`, if it is one.
    private static func colorCodeEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start + 2 < scalars.count, scalars[start + 1] == "[" else { return nil }
        var j = start + 2
        while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == ";" { j += 1 }
        return j < scalars.count && scalars[j] == "m" ? j : nil
    }
}
