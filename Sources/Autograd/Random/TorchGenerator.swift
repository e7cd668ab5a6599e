/// PyTorch's CPU generator (`CPUGeneratorImpl`): an mt19937 engine, the seed it was made
/// from, and the cached second sample of the scalar Box-Muller normal.
///
/// Every random factory draws from the calling thread's generator (`TorchGenerator.current`)
/// in program order, so a program seeded with `manualSeed(n)` sees the numbers that PyTorch
/// prints after `torch.manual_seed(n)`. The distributions live in the extensions of this
/// type (uniform, normal, integers, permutations, Bernoulli), each following the PyTorch 2.13
/// CPU kernel it names.
public final class TorchGenerator {
    /// The seed of a generator that was never seeded (`default_rng_seed_val` in c10).
    public static let defaultSeed: UInt64 = 67_280_421_310_721

    /// The seed given to `init(seed:)` or the last `manualSeed`, like `initial_seed()`.
    public private(set) var initialSeed: UInt64
    let engine: MT19937
    /// The `sin` half of the last scalar Box-Muller pair, returned by the next scalar normal
    /// draw (PyTorch's `next_double_normal_sample`). Float tensors use it too: the CPU kernel
    /// draws scalar normals as doubles whatever the dtype, so PyTorch's float cache is never
    /// read on the CPU and has no counterpart here.
    var cachedNormal: Double?

    /// A generator seeded with `seed`.
    public init(seed: UInt64 = TorchGenerator.defaultSeed) {
        initialSeed = seed
        engine = MT19937(seed: seed)
    }

    /// The calling thread's generator, the one `manualSeed` seeds and the factories draw from.
    public static var current: TorchGenerator { ThreadState.current.generator }

    /// Restarts the stream from `seed` and forgets the cached normal, like
    /// `torch.Generator.manual_seed` (the engine uses the seed's low 32 bits).
    public func manualSeed(_ seed: UInt64) {
        initialSeed = seed
        engine.reseed(seed)
        cachedNormal = nil
    }

    /// The generator's whole state, to draw the same numbers again after `restore`.
    public struct Snapshot {
        fileprivate let engine: MT19937.Snapshot
        fileprivate let initialSeed: UInt64
        fileprivate let cachedNormal: Double?
    }

    public func snapshot() -> Snapshot {
        Snapshot(engine: engine.snapshot(), initialSeed: initialSeed, cachedNormal: cachedNormal)
    }

    /// Returns to the state `snapshot` saved, so that the draws after it repeat.
    public func restore(_ snapshot: Snapshot) {
        engine.restore(snapshot.engine)
        initialSeed = snapshot.initialSeed
        cachedNormal = snapshot.cachedNormal
    }

    /// The next 32 random bits (`CPUGeneratorImpl::random`).
    @inline(__always)
    public func random() -> UInt32 { engine.nextWord() }

    /// The next 64 random bits: two draws, the first one high (`CPUGeneratorImpl::random64`).
    @inline(__always)
    public func random64() -> UInt64 {
        let high = UInt64(engine.nextWord())
        return high << 32 | UInt64(engine.nextWord())
    }
}

/// Why a seed is refused: the integer does not fit in PyTorch's seed type.
public struct SeedError: Error, Equatable {
    /// PyTorch's message, `Overflow when unpacking long long`.
    public let message: String
}

extension TorchGenerator {
    /// Reads a seed the way `torch.manual_seed` takes a Python int: any integer from -2^63 to
    /// 2^64 - 1; a negative one wraps to its 64-bit two's complement (-1 is 2^64 - 1).
    /// Outside that range PyTorch raises `ValueError: Overflow when unpacking long long`,
    /// the failure here; nil when `text` is not a decimal integer at all.
    public static func seed(fromInteger text: String) -> Result<UInt64, SeedError>? {
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        if let value = UInt64(digits) { return .success(value) }
        if let value = Int64(digits) { return .success(UInt64(bitPattern: value)) }
        let magnitude = digits.hasPrefix("-") ? digits.dropFirst() : Substring(digits)
        guard !magnitude.isEmpty, magnitude.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return .failure(SeedError(message: "Overflow when unpacking long long"))
    }
}

/// Seeds this thread's generator, like `torch.manual_seed(seed)` for a seed in 0...2^64 - 1
/// (see `TorchGenerator.seed(fromInteger:)` for negative seeds).
public func manualSeed(_ seed: UInt64) {
    TorchGenerator.current.manualSeed(seed)
}

extension TorchGenerator {
    /// Refuses an empty or reversed range as `Tensor.uniform_(from, to)` does.
    public static func checkUniformRange(from: Double, to: Double) throws {
        guard from <= to else {
            throw OpError.value("uniform_ expects to return a [from, to) range, but found from=\(Ops.pythonNumber(from)) > to=\(Ops.pythonNumber(to))")
        }
    }

    /// Refuses a negative standard deviation as `Tensor.normal_(mean, std)` does.
    public static func checkNormalStd(_ std: Double) throws {
        guard std >= 0 else { throw OpError.value("normal expects std >= 0.0, but found std \(Ops.pythonNumber(std))") }
    }
}
