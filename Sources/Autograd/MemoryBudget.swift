import CKernels
import Glibc

/// A per-process memory budget, checked before tensor storage (and other large results) is
/// allocated, so that a program asking for too much memory stops with a limit error instead
/// of a failed allocation (which aborts the process).
///
/// The design keeps the common path to one addition and one comparison. The budget compares
/// against the process's address space (`VmSize` in `/proc/self/statm`), which is what
/// `RLIMIT_AS` limits and an upper bound on the memory it holds:
///
/// - `estimate` is the address space measured at the last probe plus every byte reserved since
///   (frees are not tracked, so it only over-estimates what is in use).
/// - `reserve(bytes:)` adds to the estimate; only when the estimate would pass the limit is the
///   process measured again (one read of `/proc/self/statm`), and the request is refused if the
///   measured size plus the request still passes it.
///
/// So a run well under its budget never measures anything, and a run near it measures at most
/// once per `limit - measured` bytes allocated. Tracking live bytes exactly would need a
/// storage class with a `deinit` on every tensor; measuring the process instead costs nothing
/// on the hot path and also counts what tensors do not own (graph nodes, JSON trees, buffers).
///
/// The state is per process, not per thread: gradcli runs one request at a time in each
/// process (batch workers are processes).
public enum MemoryBudget {
    /// The budget in bytes (`Int.max`: none). Set once at startup (`--max-memory`).
    public static var limit: Int {
        get { state.pointee.limit }
        set {
            state.pointee.limit = newValue
            estimate = measuredBytes() ?? 0
        }
    }

    /// An upper bound on the bytes the process holds (see the type's documentation).
    private static var estimate: Int {
        get { state.pointee.estimate }
        set { state.pointee.estimate = newValue }
    }

    /// The limit and the estimate, behind a `let` pointer: every op reserves, and a `static var`
    /// would cost a dynamic exclusivity check on each access, several times the add and compare.
    private static let state: UnsafeMutablePointer<(limit: Int, estimate: Int)> = {
        let pointer = UnsafeMutablePointer<(limit: Int, estimate: Int)>.allocate(capacity: 1)
        pointer.initialize(to: (Int.max, 0))
        return pointer
    }()

    /// The fraction of physical memory, and of `RLIMIT_AS`, that the default budget is: 3/4.
    /// The rest leaves room for the program and what the allocator keeps.
    public static let defaultFraction = (numerator: 3, denominator: 4)

    /// The default budget: 3/4 of physical memory or 3/4 of `RLIMIT_AS`, whichever is smaller.
    public static var defaultLimit: Int {
        var limit = Int.max
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0 {
            limit = Swift.min(limit, fraction(of: pages.multipliedReportingOverflow(by: pageSize).partialValue))
        }
        var rlim = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &rlim) == 0, rlim.rlim_cur < UInt(Int.max) {
            limit = Swift.min(limit, fraction(of: Int(rlim.rlim_cur)))
        }
        return limit
    }

    private static func fraction(of bytes: Int) -> Int {
        bytes / defaultFraction.denominator * defaultFraction.numerator
    }

    /// Checks that `bytes` more fit in the budget and counts them, or throws a limit error
    /// naming the budget. Call it before allocating.
    @inline(__always)
    public static func reserve(bytes: Int) throws {
        let (sum, overflow) = estimate.addingReportingOverflow(bytes)
        if !overflow && sum <= limit {
            estimate = sum
        } else {
            try reserveSlowly(bytes)
        }
        if bytes >= hugePageHintBytes { gk_advise_heap_for(bytes) }
    }

    /// From this size on, a reservation lets the heap's growth for it use huge pages
    /// (`gk_advise_heap_for`): a system call or two, small beside writing a megabyte.
    static let hugePageHintBytes = 1 << 20

    /// Reserves room for `count` float64 elements.
    @inline(__always)
    public static func reserve(elements count: Int) throws {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: 8)
        try reserve(bytes: overflow ? Int.max : bytes)
    }

    /// The estimate passed the limit: measure the process and decide.
    private static func reserveSlowly(_ bytes: Int) throws {
        let measured = measuredBytes() ?? estimate
        let (sum, overflow) = measured.addingReportingOverflow(bytes)
        guard !overflow, sum <= limit else {
            estimate = measured
            throw OpError.limit("this needs \(describeBytes(bytes)) more, beyond the memory budget of \(describeBytes(limit)) "
                + "(\(describeBytes(measured)) in use; see --max-memory)")
        }
        estimate = sum
    }

    /// The process's address space in bytes, from `/proc/self/statm`; nil where it cannot be read.
    public static func measuredBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        var pages = 0
        for byte in buffer[0..<n] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            pages = pages * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Reads a size such as `512M`, `4G`, `1.5G`, `100000` or `64KiB` (powers of 1024).
    public static func parseBytes(_ text: String) -> Int? {
        var digits = Substring(text)
        var unit: Double = 1
        let suffixes: [(String, Double)] = [("KIB", 0x1p10), ("MIB", 0x1p20), ("GIB", 0x1p30), ("TIB", 0x1p40),
                                            ("KB", 0x1p10), ("MB", 0x1p20), ("GB", 0x1p30), ("TB", 0x1p40),
                                            ("K", 0x1p10), ("M", 0x1p20), ("G", 0x1p30), ("T", 0x1p40), ("B", 1)]
        for (suffix, scale) in suffixes where text.uppercased().hasSuffix(suffix) {
            digits = digits.dropLast(suffix.count)
            unit = scale
            break
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(digits), value.isFinite else { return nil }
        let bytes = (value * unit).rounded(.down)
        guard bytes >= 1, bytes < 0x1p62 else { return nil }
        return Int(bytes)
    }

    /// A byte count for messages: `512 MiB`, `1.5 GiB`, `300 bytes`.
    public static func describeBytes(_ bytes: Int) -> String {
        if bytes == Int.max { return "unlimited" }
        let units: [(String, Int)] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        for (name, scale) in units where bytes >= scale {
            let value = Double(bytes) / Double(scale)
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded)) \(name)" : "\(rounded) \(name)"
        }
        return "\(bytes) bytes"
    }
}
