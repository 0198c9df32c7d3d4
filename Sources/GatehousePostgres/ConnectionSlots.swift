import NIOConcurrencyHelpers

/// How many clients the PostgreSQL listener serves at once. A client beyond the limit is told
/// so (SQLSTATE 53300, as PostgreSQL does) and closed, so descriptors stay for everyone else.
final class ConnectionSlots: Sendable {
    let limit: Int
    private let inUse = NIOLockedValueBox(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a slot; false when all are taken.
    func acquire() -> Bool {
        inUse.withLockedValue { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func release() {
        inUse.withLockedValue { $0 -= 1 }
    }
}
