// Filled in by the registry build-out.
extension Ops {
    static let softmaxFamily: [OpSpec] = []
}
