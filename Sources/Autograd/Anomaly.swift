/// Where a NaN or an infinity first appeared in a computation.
public struct AnomalyReport: Equatable {
    /// Whether the forward pass or a backward rule produced the value.
    public enum Phase: String, Equatable {
        case forward
        case backward
    }

    /// The pass in which the value appeared.
    public let phase: Phase
    /// The op's registry name (`log`), for a forward anomaly; the node name for a backward one.
    public let op: String
    /// The backward node name (`LogBackward0`).
    public let gradFnName: String
    /// The tag of the node, when its creator gave it one.
    public let tag: SourceRange?
    /// True when the op produced NaN; false when it produced only infinities.
    public let isNaN: Bool
}

/// Records the first op whose forward result, and the first backward rule whose gradient,
/// holds NaN or infinity, while inputs to that op were finite, like
/// `torch.autograd.detect_anomaly` but reporting instead of raising.
public final class AnomalyRecorder {
    /// The first forward anomaly seen.
    public var forward: AnomalyReport? {
        forwardOrigin.map { report(.forward, $0.spec, $0.output.gradFn?.name ?? $0.spec.gradFnName, $0.output.tag, $0.isNaN) }
    }
    /// The first backward anomaly seen.
    public var backward: AnomalyReport? { backwardOrigin.map { report(.backward, $0.node.spec, $0.node.name, $0.node.tag, $0.isNaN) } }

    private var forwardOrigin: (spec: OpSpec, output: Variable, isNaN: Bool)?
    private var backwardOrigin: (node: GradFn, isNaN: Bool)?

    /// Creates an empty recorder.
    public init() {}

    /// Runs `body` with this recorder watching the calling thread's operations.
    public func watch<T>(_ body: () throws -> T) rethrows -> T {
        let state = ThreadState.current
        let saved = state.anomaly
        state.anomaly = self
        defer { state.anomaly = saved }
        return try body()
    }

    /// Makes `recorder` (nil: none) the calling thread's until replaced, as entering and leaving
    /// `torch.autograd.detect_anomaly()` does; returns the one it replaces, for restoring.
    public static func install(_ recorder: AnomalyRecorder?) -> AnomalyRecorder? {
        let state = ThreadState.current
        defer { state.anomaly = recorder }
        return state.anomaly
    }

    func noteForward(spec: OpSpec, inputs: [Variable], output: Variable) {
        guard forwardOrigin == nil, !output.value.isFinite, inputs.allSatisfy(\.value.isFinite) else { return }
        forwardOrigin = (spec, output, output.value.data.contains { $0.isNaN })
    }

    func noteBackward(node: GradFn, gradient: Variable) {
        guard backwardOrigin == nil, !gradient.value.isFinite else { return }
        backwardOrigin = (node, gradient.value.data.contains { $0.isNaN })
    }

    /// `name` is the node's own name (`PowBackward1`), not the op's static one.
    private func report(_ phase: AnomalyReport.Phase, _ spec: OpSpec, _ name: String, _ tag: SourceRange?, _ isNaN: Bool) -> AnomalyReport {
        AnomalyReport(phase: phase, op: spec.name, gradFnName: name, tag: tag, isNaN: isNaN)
    }
}
