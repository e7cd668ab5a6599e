import Glibc

/// A per-request work budget: floating-point operations (`--max-flops`) and wall-clock time
/// (`--timeout`), so that a request asking for too much work stops with a limit error instead
/// of running for minutes.
///
/// Every op spends, before it runs, what its shapes say it will cost: an elementwise op or a
/// reduction one operation per element, a matrix product `2 * m * n * k` per batch, a
/// determinant or inverse `n^3`. So a single op beyond the budget is refused before any of it
/// runs, and a long sequence of ops stops when the total passes it. Jacobians and Hessians
/// check their whole cost (passes times the forward cost) before the first pass.
///
/// The time limit is checked between ops, not inside one (the operation budget bounds the
/// length of any single op). The common path is one addition and one comparison: the clock
/// is read only when the operations spent since the last reading pass `clockInterval`.
///
/// The state is per process, like `MemoryBudget`: one request runs at a time in each process.
public enum WorkBudget {
    /// The default operation budget: 10^11, about ten seconds of matrix products on one core.
    public static let defaultLimit = 100_000_000_000

    /// Operations between two readings of the clock when a time limit is set.
    static let clockInterval = 1 << 16

    private struct State {
        /// The operation budget (`Int.max`: none).
        var limit = Int.max
        /// Operations spent by the current request.
        var spent = 0
        /// The next value of `spent` that takes the slow path: `limit`, or sooner to read the clock.
        var checkpoint = Int.max
        /// The time limit in nanoseconds (0: none) and the current request's deadline.
        var timeout: Int64 = 0
        var deadline: Int64 = 0
    }

    /// Behind a `let` pointer: every op spends, and a `static var` would cost a dynamic
    /// exclusivity check on each access.
    private static let state: UnsafeMutablePointer<State> = {
        let pointer = UnsafeMutablePointer<State>.allocate(capacity: 1)
        pointer.initialize(to: State())
        return pointer
    }()

    /// The operation budget per request (`Int.max`: none). Set at startup (`--max-flops`).
    public static var limit: Int {
        get { state.pointee.limit }
        set { state.pointee.limit = newValue; startRequest() }
    }

    /// The time limit per request in seconds (nil: none). Set at startup (`--timeout`).
    public static var timeout: Double? {
        get { state.pointee.timeout == 0 ? nil : Double(state.pointee.timeout) / 1e9 }
        set {
            state.pointee.timeout = newValue.map { Int64(Swift.max(1, Swift.min($0, 1e9) * 1e9)) } ?? 0
            startRequest()
        }
    }

    /// Operations spent by the current request.
    public static var spent: Int { state.pointee.spent }

    /// Starts a new request: nothing spent, the clock restarted.
    public static func startRequest() {
        state.pointee.spent = 0
        state.pointee.deadline = state.pointee.timeout == 0 ? 0 : now() + state.pointee.timeout
        state.pointee.checkpoint = nextCheckpoint()
    }

    /// Spends `operations`, or throws a limit error when they pass the budget (or the time
    /// limit has passed). Call it before the work.
    @inline(__always)
    public static func spend(_ operations: Int) throws {
        let (sum, overflow) = state.pointee.spent.addingReportingOverflow(operations)
        if !overflow && sum <= state.pointee.checkpoint {
            state.pointee.spent = sum
            return
        }
        try spendSlowly(operations)
    }

    /// Checks, without spending, that `operations` more fit in the budget: for work whose
    /// steps spend as they run, such as the passes of a Jacobian.
    public static func require(_ operations: Int, for work: @autoclosure () -> String) throws {
        let (sum, overflow) = state.pointee.spent.addingReportingOverflow(operations)
        guard !overflow, sum <= state.pointee.limit else { throw beyondBudget(operations, work()) }
    }

    /// `a * b`, or `Int.max` when it overflows: costs are compared, never wrapped.
    @inline(__always)
    public static func product(_ a: Int, _ b: Int) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : p
    }

    private static func spendSlowly(_ operations: Int) throws {
        let (sum, overflow) = state.pointee.spent.addingReportingOverflow(operations)
        guard !overflow, sum <= state.pointee.limit else { throw beyondBudget(operations, "this operation") }
        state.pointee.spent = sum
        if state.pointee.deadline != 0 && now() > state.pointee.deadline {
            throw OpError.limit("the request ran past the time limit of \(describeSeconds(state.pointee.timeout)) (see --timeout)")
        }
        state.pointee.checkpoint = nextCheckpoint()
    }

    private static func nextCheckpoint() -> Int {
        let limit = state.pointee.limit
        guard state.pointee.deadline != 0 else { return limit }
        let (next, overflow) = state.pointee.spent.addingReportingOverflow(clockInterval)
        return overflow ? limit : Swift.min(limit, next)
    }

    private static func beyondBudget(_ operations: Int, _ work: String) -> OpError {
        let needed = operations == Int.max ? "more than \(describeCount(Int.max))" : describeCount(operations)
        return OpError.limit("\(work) needs \(needed) floating-point operations, beyond the work budget of "
            + "\(describeCount(state.pointee.limit)) per request (\(describeCount(state.pointee.spent)) spent; see --max-flops)")
    }

    /// Nanoseconds on the monotonic clock.
    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Reads an operation count such as `1e11`, `5e9` or `250000000`.
    public static func parseCount(_ text: String) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || "eE.+".contains($0)) }),
              let value = Double(text), value.isFinite, value >= 1 else { return nil }
        return value >= 0x1p62 ? Int.max : Int(value.rounded(.down))
    }

    /// Reads a time limit in seconds such as `2`, `0.5` or `30`.
    public static func parseSeconds(_ text: String) -> Double? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(text), value.isFinite, value > 0 else { return nil }
        return value
    }

    /// An operation count for messages: `1.1e+12`, `100000`.
    public static func describeCount(_ count: Int) -> String {
        if count == Int.max { return "unlimited" }
        if count < 1_000_000 { return String(count) }
        var exponent = Int(log10(Double(count)))
        var mantissa = (Double(count) / pow(10, Double(exponent)) * 10).rounded() / 10
        if mantissa >= 10 { mantissa /= 10; exponent += 1 }  // 9.96e11 is 1e12, not 10e11
        return mantissa == mantissa.rounded() ? "\(Int(mantissa))e\(exponent)" : "\(mantissa)e\(exponent)"
    }

    private static func describeSeconds(_ nanoseconds: Int64) -> String {
        let seconds = Double(nanoseconds) / 1e9
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}
