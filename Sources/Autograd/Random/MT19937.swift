/// The 32-bit Mersenne Twister that PyTorch's CPU generator runs (`at::mt19937`), seeded by
/// `init_genrand`: the same seed gives the same stream of 32-bit words as `torch.manual_seed`.
///
/// The 624 words of state live in one allocation read through a pointer, so drawing a word
/// costs no bounds check; the engine is a class so that the generator can own it without
/// copy-on-write traffic in the fill loops.
final class MT19937 {
    static let stateSize = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_B0DF

    private let state: UnsafeMutablePointer<UInt32>
    /// Words left before the next regeneration; 1 right after seeding, as in PyTorch, so the
    /// first draw regenerates the whole state.
    private var left = 1
    private var next = 0

    /// Seeds with the low 32 bits of `seed` (PyTorch keeps the 64-bit seed but its engine
    /// uses only `seed & 0xffffffff`).
    init(seed: UInt64) {
        state = .allocate(capacity: Self.stateSize)
        reseed(seed)
    }

    /// The seed of the last `reseed`, until the first draw expands it into the state. Most runs
    /// seed (every batch request does) and never draw, so the expansion waits for a draw.
    private var pendingSeed: UInt32?

    /// Restarts from `seed`, as `init_genrand` does.
    func reseed(_ seed: UInt64) {
        pendingSeed = UInt32(truncatingIfNeeded: seed)
        left = 1
        next = 0
    }

    /// `init_genrand`: the state a seed stands for.
    private func expand(_ seed: UInt32) {
        state[0] = seed
        for j in 1..<Self.stateSize {
            let previous = state[j - 1]
            state[j] = 1_812_433_253 &* (previous ^ (previous >> 30)) &+ UInt32(j)
        }
    }

    deinit { state.deallocate() }

    /// Everything the next draws depend on, for `restore`.
    struct Snapshot {
        fileprivate let words: [UInt32]
        fileprivate let left: Int, next: Int, pendingSeed: UInt32?
    }

    func snapshot() -> Snapshot {
        Snapshot(words: Array(UnsafeBufferPointer(start: state, count: Self.stateSize)), left: left, next: next, pendingSeed: pendingSeed)
    }

    /// Continues from `snapshot`: the draws after it repeat.
    func restore(_ snapshot: Snapshot) {
        snapshot.words.withUnsafeBufferPointer { state.update(from: $0.baseAddress!, count: Self.stateSize) }
        left = snapshot.left
        next = snapshot.next
        pendingSeed = snapshot.pendingSeed
    }

    /// The next tempered 32-bit word.
    @inline(__always)
    func nextWord() -> UInt32 {
        left -= 1
        if left == 0 { regenerate() }
        let y = state[next]
        next += 1
        return Self.temper(y)
    }

    /// The next `count` words into `out`, the same words `nextWord` would give one by one,
    /// with the position kept in locals so the loop touches no stored property.
    func fill(_ out: UnsafeMutablePointer<UInt32>, count: Int) {
        var remaining = left, index = next
        for i in 0..<count {
            remaining -= 1
            if remaining == 0 {
                regenerate()
                remaining = Self.stateSize
                index = 0
            }
            out[i] = Self.temper(state[index])
            index += 1
        }
        left = remaining
        next = index
    }

    @inline(__always)
    private static func temper(_ word: UInt32) -> UInt32 {
        var y = word
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    @inline(__always)
    private static func twist(_ u: UInt32, _ v: UInt32) -> UInt32 {
        let mixed = (u & 0x8000_0000) | (v & 0x7FFF_FFFF)
        return (mixed >> 1) ^ ((v & 1) != 0 ? matrixA : 0)
    }

    /// Regenerates all 624 words at once (the Cokus form PyTorch uses).
    private func regenerate() {
        // Right after seeding `left` is 1, so the first draw comes here before reading the state.
        if let seed = pendingSeed {
            expand(seed)
            pendingSeed = nil
        }
        let n = Self.stateSize, m = Self.shift
        left = n
        next = 0
        for i in 0..<(n - m) { state[i] = state[i + m] ^ Self.twist(state[i], state[i + 1]) }
        for i in (n - m)..<(n - 1) { state[i] = state[i + m - n] ^ Self.twist(state[i], state[i + 1]) }
        state[n - 1] = state[m - 1] ^ Self.twist(state[n - 1], state[0])
    }
}
