/// A fixed set of short names that the interpreter asks about on every attribute and method
/// call. Names are bucketed by their UTF-8 length, so a lookup is a count and at most a few
/// comparisons of equal-length strings; a `Set<String>` would hash the name each time, which
/// costs more than the comparisons for names this short.
struct NameSet {
    private let byLength: [[String]]

    init(_ names: [String]) {
        var buckets = [[String]](repeating: [], count: 1 + (names.map(\.utf8.count).max() ?? 0))
        for name in names { buckets[name.utf8.count].append(name) }
        byLength = buckets
    }

    func contains(_ name: String) -> Bool {
        let length = name.utf8.count
        guard length < byLength.count else { return false }
        for candidate in byLength[length] where candidate == name { return true }
        return false
    }
}
