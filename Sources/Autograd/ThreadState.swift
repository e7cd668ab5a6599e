import Glibc

/// Per-thread autograd state: grad mode, anomaly recording and the random generator.
///
/// Like PyTorch's, these are thread-local, so requests evaluated on different
/// threads (`gradcli batch --jobs N`) never see each other's settings.
final class ThreadState {
    var gradEnabled = true
    var anomaly: AnomalyRecorder?
    var generator = RandomGenerator(seed: 0)
    var defaultDType = DType.float64

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            Unmanaged<ThreadState>.fromOpaque(pointer).release()
        }
        return key
    }()

    /// The calling thread's state, created on first use.
    static var current: ThreadState {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<ThreadState>.fromOpaque(pointer).takeUnretainedValue()
        }
        let state = ThreadState()
        pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
        return state
    }
}

/// Whether operations record a graph for backward, like `torch.is_grad_enabled()`.
public enum GradMode {
    /// True when new operations record their `gradFn` (the default).
    public static var isEnabled: Bool { ThreadState.current.gradEnabled }

    /// Runs `body` with graph recording switched on or off, then restores the previous mode.
    public static func with<T>(enabled: Bool, _ body: () throws -> T) rethrows -> T {
        let state = ThreadState.current
        let saved = state.gradEnabled
        state.gradEnabled = enabled
        defer { state.gradEnabled = saved }
        return try body()
    }
}

/// The floating dtype that factories and Python floats take when no dtype is given, like
/// `torch.get_default_dtype()`: float64 for the expression CLI, float32 for PyTorch programs.
public enum DefaultDType {
    /// The calling thread's default floating dtype.
    public static var current: DType {
        get { ThreadState.current.defaultDType }
        set {
            precondition(newValue.isFloatingPoint, "the default dtype must be a floating dtype")
            ThreadState.current.defaultDType = newValue
        }
    }

    /// Runs `body` with `dtype` as the default, then restores the previous one.
    public static func with<T>(_ dtype: DType, _ body: () throws -> T) rethrows -> T {
        let saved = current
        current = dtype
        defer { current = saved }
        return try body()
    }
}

/// Runs `body` without recording a graph, like `with torch.no_grad():`.
///
/// Results computed inside do not require grad and have no `gradFn`.
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.with(enabled: false, body)
}

/// A small, fast, seedable generator (SplitMix64) for `rand` and `randn`.
///
/// The same seed gives the same stream on every platform.
public struct RandomGenerator {
    private var state: UInt64
    private var spareNormal: Double?

    /// Creates a generator whose stream is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform sample from [0, 1).
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal sample (Box-Muller, both values used).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        var u = 0.0
        repeat { u = nextUniform() } while u == 0
        let v = nextUniform()
        let r = (-2 * log(u)).squareRoot()
        spareNormal = r * sin(2 * Double.pi * v)
        return r * cos(2 * Double.pi * v)
    }
}

/// Seeds this thread's generator used by `rand` and `randn`, like `torch.manual_seed`.
public func manualSeed(_ seed: UInt64) {
    ThreadState.current.generator = RandomGenerator(seed: seed)
}
