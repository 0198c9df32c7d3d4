/// Subject hits across many values (a row, a message, a response), each kept once, in order of
/// first appearance. Allocates nothing until the first hit, and no set while there are few (a
/// row holds a handful; a linear scan beats hashing 64-character digests).
public struct SubjectHitCollector: Sendable {
    public private(set) var hits: [SubjectHit] = []
    private var seen: Set<SubjectHit> = []
    private static let linearLimit = 16

    public init() {}

    public mutating func add(_ hit: SubjectHit) {
        if hits.count < Self.linearLimit {
            guard !hits.contains(hit) else { return }
            hits.append(hit)
            if hits.count == Self.linearLimit { seen = Set(hits) }
        } else if seen.insert(hit).inserted {
            hits.append(hit)
        }
    }

    public mutating func add(_ more: [SubjectHit]) {
        for hit in more { add(hit) }
    }
}
