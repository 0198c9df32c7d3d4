import Foundation
import GatehouseCore
import Logging

/// Retention: once a session's data key is older than its connection's retention period, the
/// key is shredded (its sealed payloads become unreadable) and the fact is logged as an
/// erasure with scope `retention`. Leaf hashes and clear fields stay, so the tree still verifies.
public struct LedgerRetention {
    public let erasure: LedgerErasure
    /// Days per connection name; `defaultDays` for keys of other or unknown connections.
    public let days: [String: Int]
    public let defaultDays: Int

    public init(erasure: LedgerErasure, days: [String: Int], defaultDays: Int) {
        self.erasure = erasure
        self.days = days
        self.defaultDays = defaultDays
    }

    /// Shreds every key past its period at `now`; returns the erasure, or nil when none was due
    /// (or, with a shared store, when another instance is applying retention right now: one
    /// erasure event per expired session, not one per instance).
    @discardableResult
    public func apply(now: Date = Date()) async throws -> LedgerErasure.Result? {
        guard let shared = erasure.recorder.store.sharedLog else { return try await applyHere(now: now) }
        guard try shared.claimRetention() else { return nil }
        defer { shared.releaseRetention() }
        return try await applyHere(now: now)
    }

    private func applyHere(now: Date) async throws -> LedgerErasure.Result? {
        let shortest = ([defaultDays] + days.values).min() ?? defaultDays
        let candidates = try erasure.recorder.store.dataKeys(createdBefore: now.addingTimeInterval(-Self.seconds(days: shortest)))
        let due = candidates.filter { key in
            guard let createdAt = key.createdAt else { return false }
            let period = key.connection.flatMap { days[$0] } ?? defaultDays
            return createdAt < now.addingTimeInterval(-Self.seconds(days: period))
        }
        guard !due.isEmpty else { return nil }
        return try await erasure.erase(sessions: due.map(\.keyID), scope: "retention",
                                       reason: "the retention period of the sessions' connections ended", requestedBy: "gatehouse",
                                       at: now)
    }

    static func seconds(days: Int) -> TimeInterval { TimeInterval(days) * 86_400 }
}
