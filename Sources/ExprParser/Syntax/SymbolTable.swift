import Autograd

/// A name, keyword or string literal of a program, as an index into its tree's symbol table.
/// Equal spellings are one symbol, so nodes hold no string and the lowering can resolve each
/// distinct name once, whatever the number of its uses.
struct Symbol: Hashable {
    let index: Int32
}

/// The spellings of a tree's symbols, interned by their UTF-8 bytes in an open-addressing
/// table: an identifier costs one hash of its bytes, not a `String` and a dictionary lookup
/// per occurrence.
struct SymbolTable {
    /// Each symbol's spelling, by index.
    private(set) var spellings: [String] = []
    /// The spellings' bytes back to back: symbol `i` is `bytes[ends[i - 1]..<ends[i]]`.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    /// Per slot, a symbol's index plus one, or 0 when empty; the count is a power of two.
    private var slots = [Int32](repeating: 0, count: 16)
    /// The symbol last interned per (length, first byte, last byte), plus one: a program
    /// repeats a few names, and a hit costs a comparison instead of a hash. A miss only
    /// falls back to the table, so no spelling can make it slow.
    private var recent = [Int32](repeating: 0, count: 64)

    var count: Int { spellings.count }

    subscript(symbol: Symbol) -> String { spellings[Int(symbol.index)] }

    /// The symbol spelled `utf8`, added if new.
    mutating func intern(_ utf8: ArraySlice<UInt8>) -> Symbol {
        guard let first = utf8.first, let last = utf8.last else { return internHashed(utf8) }
        let key = (Int(first) &* 7 ^ Int(last) &* 31 ^ utf8.count) & (recent.count - 1)
        let cached = Int(recent[key]) - 1
        if cached >= 0 && spelling(cached).elementsEqual(utf8) { return Symbol(index: Int32(cached)) }
        let symbol = internHashed(utf8)
        recent[key] = symbol.index + 1
        return symbol
    }

    private mutating func internHashed(_ utf8: ArraySlice<UInt8>) -> Symbol {
        let hash = SymbolTable.hash(utf8)
        var slot = hash & (slots.count - 1)
        while slots[slot] != 0 {
            let index = Int(slots[slot] - 1)
            if spelling(index).elementsEqual(utf8) { return Symbol(index: Int32(index)) }
            slot = (slot + 1) & (slots.count - 1)
        }
        let index = spellings.count
        spellings.append(String(decoding: utf8, as: UTF8.self))
        bytes.append(contentsOf: utf8)
        ends.append(bytes.count)
        slots[slot] = Int32(index + 1)
        if spellings.count * 2 > slots.count { rehash() }
        return Symbol(index: Int32(index))
    }

    /// The symbol spelled `text`, added if new.
    mutating func intern(_ text: String) -> Symbol { intern(ArraySlice(text.utf8)) }

    /// The symbol spelled `text`, if the table has it.
    func lookup(_ text: String) -> Symbol? {
        let utf8 = ArraySlice(text.utf8)
        var slot = SymbolTable.hash(utf8) & (slots.count - 1)
        while slots[slot] != 0 {
            let index = Int(slots[slot] - 1)
            if spelling(index).elementsEqual(utf8) { return Symbol(index: Int32(index)) }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    private func spelling(_ index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    /// Swift's seeded hash of the bytes, so chosen names cannot all collide.
    private static func hash(_ utf8: ArraySlice<UInt8>) -> Int {
        var hasher = Hasher()
        utf8.withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }

    private mutating func rehash() {
        var grown = [Int32](repeating: 0, count: slots.count * 2)
        for index in spellings.indices {
            var slot = SymbolTable.hash(spelling(index)) & (grown.count - 1)
            while grown[slot] != 0 { slot = (slot + 1) & (grown.count - 1) }
            grown[slot] = Int32(index + 1)
        }
        slots = grown
    }
}
