import CKernels
import Glibc

/// Per-thread autograd state: grad mode, anomaly recording and the random generator.
///
/// Like PyTorch's, these are thread-local, so requests evaluated on different
/// threads (`gradcli batch --jobs N`) never see each other's settings.
///
/// A handle to the calling thread's settings: a pointer, so reading one (every op reads grad
/// mode) costs a load, with no reference to count. Only the owning thread touches them; the
/// pthread key frees them when the thread ends.
struct ThreadState {
    private struct Settings {
        var gradEnabled = true
        var anomaly: AnomalyRecorder?
        var defaultDType = DType.float64
        var modifications = 0
        var backwardPasses = 0
        var nodesMade = 0
        var keepsValues = false
        var spareGraph: PassGraph?
        var spareInputs: [Variable] = []
        var lastRounded: (wrapped: Variable, value: Tensor)?
        let generator = TorchGenerator()
    }
    private let settings: UnsafeMutablePointer<Settings>

    var gradEnabled: Bool {
        get { settings.pointee.gradEnabled }
        nonmutating set { settings.pointee.gradEnabled = newValue }
    }
    var anomaly: AnomalyRecorder? {
        get { settings.pointee.anomaly }
        nonmutating set { settings.pointee.anomaly = newValue }
    }
    var defaultDType: DType {
        get { settings.pointee.defaultDType }
        nonmutating set { settings.pointee.defaultDType = newValue }
    }
    /// True while nodes keep every value they see, for a trace that shows them after the pass.
    var keepsValues: Bool {
        get { settings.pointee.keepsValues }
        nonmutating set { settings.pointee.keepsValues = newValue }
    }
    /// How many in-place updates this thread made: nodes made after the latest saved nothing
    /// modified since, so backward skips their version checks.
    var modifications: Int {
        get { settings.pointee.modifications }
        nonmutating set { settings.pointee.modifications = newValue }
    }
    /// The next backward node's sequence number: nodes made later on this thread get larger ones,
    /// as PyTorch's `sequence_nr`, which orders the nodes its engine runs.
    func nextSequenceNumber() -> Int {
        settings.pointee.nodesMade += 1
        return settings.pointee.nodesMade
    }
    /// A number no earlier backward pass on this thread used, to mark the nodes a pass finds.
    func newBackwardPassMark() -> Int {
        settings.pointee.backwardPasses += 1
        return settings.pointee.backwardPasses
    }
    var generator: TorchGenerator { settings.pointee.generator }
    /// Calls `body` with `a` (and `b`) as an input list made in this thread's spare list: for an
    /// op call whose inputs no node will keep, so that the list is allocated once per thread
    /// rather than once per call. (A list something did keep is copied before it is reused.)
    func withInputs<R>(_ a: Variable, _ b: Variable?, _ body: ([Variable]) throws -> R) rethrows -> R {
        var list = settings.pointee.spareInputs
        settings.pointee.spareInputs = []
        list.append(a)
        if let b { list.append(b) }
        defer {
            // Emptied keeping its storage (popLast: removeAll's general path costs more here).
            while list.popLast() != nil {}
            settings.pointee.spareInputs = list
        }
        return try body(list)
    }

    /// The value of wrapped number `wrapped` rounded to float32, kept for the last one rounded
    /// on this thread: a wrapped number never changes, and a Python float an operator uses in a
    /// loop (`lr * w.grad`) is the same one each time (see the interpreter's `operand`).
    func float32Value(ofWrapped wrapped: Variable) -> Tensor {
        if let last = settings.pointee.lastRounded, last.wrapped === wrapped { return last.value }
        let value = wrapped.value.converted(to: .float32)
        settings.pointee.lastRounded = (wrapped, value)
        return value
    }

    /// The emptied arrays of this thread's last small backward pass, for its next (see `PassGraph.recycle`).
    var spareGraph: PassGraph? {
        get { settings.pointee.spareGraph }
        nonmutating set { settings.pointee.spareGraph = newValue }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            guard let pointer else { return }
            let settings = pointer.assumingMemoryBound(to: Settings.self)
            settings.deinitialize(count: 1)
            settings.deallocate()
        }
        return key
    }()

    /// The calling thread's state, created on first use. The thread-local slot is read on every
    /// op; the pthread key only frees the state when its thread ends.
    static var current: ThreadState {
        if let pointer = gk_thread_slot() {
            return ThreadState(settings: pointer.assumingMemoryBound(to: Settings.self))
        }
        let settings = UnsafeMutablePointer<Settings>.allocate(capacity: 1)
        settings.initialize(to: Settings())
        pthread_setspecific(key, settings)
        gk_set_thread_slot(settings)
        return ThreadState(settings: settings)
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

    /// Runs `body` with the nodes it records, and the backward passes it runs, keeping each node's
    /// output and inputs, which a node otherwise keeps only while its VJP needs them (see
    /// `GraphMemory.swift`): for a graph that `traceBackward` runs and shows.
    public static func keepingValues<T>(_ body: () throws -> T) rethrows -> T {
        let state = ThreadState.current
        let saved = state.keepsValues
        state.keepsValues = true
        defer { state.keepsValues = saved }
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

/// An independent random stream with its own PyTorch generator, for code that needs
/// reproducible samples without touching the thread's stream (gradcheck inputs, tests).
public struct RandomGenerator {
    private let generator: TorchGenerator

    /// Creates a stream fixed by `seed` (the stream of `torch.Generator().manual_seed(seed)`).
    public init(seed: UInt64) { generator = TorchGenerator(seed: seed) }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { generator.random64() }

    /// A uniform sample from [0, 1), as a float64 `torch.rand` element.
    public mutating func nextUniform() -> Double { generator.uniformDouble() }

    /// A standard normal sample, as a float64 `torch.randn` of fewer than 16 elements draws it.
    public mutating func nextNormal() -> Double { generator.scalarNormal(mean: 0, std: 1) }
}
