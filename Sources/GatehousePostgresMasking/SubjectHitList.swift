import GatehouseMasking

/// Subject hits across many values (a row, a message), each kept once, in order of first
/// appearance. Allocates nothing until the first hit.
struct SubjectHitList {
    private(set) var hits: [SubjectHit] = []
    private var seen: Set<SubjectHit> = []

    mutating func add(_ more: [SubjectHit]) {
        for hit in more where seen.insert(hit).inserted { hits.append(hit) }
    }
}
