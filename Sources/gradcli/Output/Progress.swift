import Glibc

/// A progress bar on stderr, for a batch or a plot that runs longer than a second, drawn only
/// when stderr is a terminal, at most ten times a second, and erased when the work is done.
final class Progress {
    /// The amount of work in all (bytes of a batch file, points of a plot); nil when unknown
    /// (a batch on a pipe), and then the bar is a count.
    private let total: Int?
    private let unit: String
    private let enabled: Bool
    private let start = Progress.now()
    private var lastDrawn = 0.0
    private var drawn = false
    static let delay = 1.0
    static let width = 30

    init(total: Int?, unit: String) {
        self.total = total
        self.unit = unit
        enabled = isatty(2) != 0
    }

    /// `done` of `total` is done; `count` items so far (the text beside the bar).
    func advance(to done: Int, count: Int) {
        guard enabled else { return }
        let now = Progress.now()
        guard now - start >= Progress.delay, now - lastDrawn >= 0.1 else { return }
        lastDrawn = now
        drawn = true
        Progress.draw("\r" + Progress.line(done: done, total: total, count: count, unit: unit))
    }

    func finish() {
        guard drawn else { return }
        Progress.draw("\r" + String(repeating: " ", count: Progress.width + 30) + "\r")
    }

    /// `[=====     ] 50% 1200 requests`, or `1200 requests` when the total is unknown.
    static func line(done: Int, total: Int?, count: Int, unit: String) -> String {
        guard let total, total > 0 else { return "\(count) \(unit)" }
        let fraction = min(1, Double(done) / Double(total))
        let filled = Int(fraction * Double(width))
        return "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "] "
            + "\(Int(fraction * 100))% \(count) \(unit)"
    }

    /// Writes gradcli's own text with its carriage returns, which `Output.err` would escape.
    private static func draw(_ text: String) {
        fputs(text, stderr)
        fflush(stderr)
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
