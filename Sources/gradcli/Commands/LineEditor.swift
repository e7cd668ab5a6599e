import Glibc

/// Line editing for `gradcli repl` on a terminal, written on termios (the toolchain's libraries
/// only): left/right, backspace and delete, Home/End, Ctrl-A/E/K/U/L, up/down through the
/// session's history; Ctrl-C clears the line, Ctrl-D on an empty line ends the session. The
/// terminal is in raw mode only while a line is read, so Ctrl-C still stops a running program.
final class LineEditor {
    /// The prompt the next `readLine()` shows.
    var prompt = ">>> "
    private var history: [String] = []

    /// True when both ends are terminals, the only case where editing makes sense.
    static var isAvailable: Bool { isatty(0) != 0 && isatty(1) != 0 }

    /// One line, edited; nil at Ctrl-D on an empty line or at the end of input.
    func readLine() -> String? {
        var saved = termios()
        guard tcgetattr(0, &saved) == 0 else { return Swift.readLine(strippingNewline: true) }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(0, TCSANOW, &raw)
        defer { tcsetattr(0, TCSANOW, &saved) }
        var line = EditedLine()
        var browsing = history.count  // the history entry shown; `history.count` is the new line
        var draft: [String] = []
        redraw(line)
        while let byte = readByte() {
            switch byte {
            case 0x0D, 0x0A:
                emit("\r\n")
                let text = line.text
                if !text.isEmpty && history.last != text { history.append(text) }
                return text
            case 0x04:  // Ctrl-D: end of session on an empty line, else delete under the cursor
                if line.units.isEmpty { emit("\r\n"); return nil }
                line.deleteForward()
            case 0x03:  // Ctrl-C
                emit("^C\r\n")
                line = EditedLine()
                browsing = history.count
            case 0x7F, 0x08: line.deleteBackward()
            case 0x01: line.cursor = 0
            case 0x05: line.cursor = line.units.count
            case 0x0B: line.units.removeSubrange(line.cursor...)
            case 0x15: line.units.removeSubrange(..<line.cursor); line.cursor = 0
            case 0x0C: emit("\u{1B}[H\u{1B}[2J")
            case 0x09: line.insert("    ")
            case 0x1B:
                switch readEscape() {
                case "A", "B":
                    guard !history.isEmpty else { break }
                    if browsing == history.count { draft = line.units }
                    let up = lastEscape == "A"
                    let target = up ? max(browsing - 1, 0) : min(browsing + 1, history.count)
                    guard target != browsing else { break }
                    browsing = target
                    line.units = browsing == history.count ? draft : history[browsing].unicodeScalars.map(String.init)
                    line.cursor = line.units.count
                case "C": line.cursor = min(line.cursor + 1, line.units.count)
                case "D": line.cursor = max(line.cursor - 1, 0)
                case "H", "1~", "7~": line.cursor = 0
                case "F", "4~", "8~": line.cursor = line.units.count
                case "3~": line.deleteForward()
                default: break
                }
            case 0x20...0x7E: line.insert(String(UnicodeScalar(byte)))
            case 0xC0...0xF7: line.insert(readUTF8(leading: byte))
            default: break
            }
            redraw(line)
        }
        // End of input: what was typed is a last line, nothing ends the session.
        emit("\r\n")
        return line.units.isEmpty ? nil : line.text
    }

    private var lastEscape = ""

    /// The rest of an escape sequence after ESC: `[A`, `OH`, `[3~` ... as its final part.
    private func readEscape() -> String {
        lastEscape = ""
        guard let kind = readByte(), kind == UInt8(ascii: "[") || kind == UInt8(ascii: "O") else { return "" }
        var body = ""
        while let b = readByte() {
            body.append(Character(UnicodeScalar(b)))
            if (0x40...0x7E).contains(b) { break }
        }
        lastEscape = body
        return body
    }

    private func readUTF8(leading: UInt8) -> String {
        let count = leading >= 0xF0 ? 3 : leading >= 0xE0 ? 2 : 1
        var bytes = [leading]
        for _ in 0..<count {
            guard let b = readByte() else { break }
            bytes.append(b)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func readByte() -> UInt8? {
        var b: UInt8 = 0
        while true {
            let n = read(0, &b, 1)
            if n == 1 { return b }
            if n < 0 && errno == EINTR { continue }
            return nil
        }
    }

    /// Rewrites the prompt and line, then puts the cursor back where it belongs.
    private func redraw(_ line: EditedLine) {
        var out = "\r" + prompt + line.text + "\u{1B}[K"
        let back = line.units.count - line.cursor
        if back > 0 { out += "\u{1B}[\(back)D" }
        emit(out)
    }

    private func emit(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}

/// The line being edited: one unit per character typed, and the cursor between units.
private struct EditedLine {
    var units: [String] = []
    var cursor = 0

    var text: String { units.joined() }

    mutating func insert(_ text: String) {
        for ch in text.unicodeScalars {
            units.insert(String(ch), at: cursor)
            cursor += 1
        }
    }

    mutating func deleteBackward() {
        guard cursor > 0 else { return }
        cursor -= 1
        units.remove(at: cursor)
    }

    mutating func deleteForward() {
        guard cursor < units.count else { return }
        units.remove(at: cursor)
    }
}
