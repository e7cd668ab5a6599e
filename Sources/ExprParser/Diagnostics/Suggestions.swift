import Autograd

/// "Did you mean" suggestions by edit distance, with rustc's rule.
public enum Suggestions {
    /// The candidate closest to `name`, if any is close enough: a case-insensitive match first,
    /// otherwise the smallest Levenshtein distance that is at most `max(name.count, 3) / 3`.
    /// At equal distance a deletion or insertion beats a substitution, as in CPython's
    /// suggestions (`sinn` -> `sin`, not `sign`); remaining ties go to the candidate listed first.
    /// Names longer than `maxNameLength` get no suggestion: nobody mistypes a name that long,
    /// and the edit distance costs the product of the lengths.
    public static func closest(to name: String, among candidates: [String]) -> String? {
        let length = name.unicodeScalars.count
        guard length <= maxNameLength else { return nil }
        let lowered = name.lowercased()
        if let same = candidates.first(where: { $0 != name && $0.lowercased() == lowered }) { return same }
        let limit = Swift.max(name.count, 3) / 3
        var best: (name: String, distance: Int, weighted: Int)?
        for candidate in candidates where candidate != name {
            // The distance is at least the difference in length.
            guard Swift.abs(candidate.unicodeScalars.count - length) <= limit else { continue }
            let d = editDistance(name, candidate)
            guard d <= limit else { continue }
            let weighted = editDistance(name, candidate, substitutionCost: 2)
            if best == nil || d < best!.distance || (d == best!.distance && weighted < best!.weighted) {
                best = (candidate, d, weighted)
            }
        }
        return best?.name
    }

    /// The longest name that gets a suggestion.
    public static let maxNameLength = 64

    /// The edit distance between `a` and `b` over Unicode scalars: insertions, deletions,
    /// substitutions and swaps of adjacent characters (`mena` -> `mean`) each cost 1, as in rustc.
    public static func editDistance(_ a: String, _ b: String, substitutionCost: Int = 1) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : substitutionCost)
                current[j] = Swift.min(substitution, previous[j] + 1, current[j - 1] + 1)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    current[j] = Swift.min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
