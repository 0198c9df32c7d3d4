import Foundation

/// When an issuer's keys may be (re)fetched. Pure, so the timing rules are tested without I/O.
struct KeyRefreshPolicy: Sendable {
    /// At most one fetch per issuer in this window, however many unknown `kid`s arrive, so a
    /// flood of forged tokens cannot hammer the identity provider.
    var minimumInterval: TimeInterval = 10
    /// Keys this old are refetched on the next validation, so a key the issuer withdrew stops
    /// being accepted; if that refetch fails the old keys still serve...
    var refreshAge: TimeInterval = 60 * 60
    /// ...but only up to this age; after it, validation fails closed until a fetch succeeds.
    var maximumAge: TimeInterval = 24 * 60 * 60

    /// Whether a fetch may start now, given when the last one started.
    func mayFetch(now: Date, lastAttempt: Date?) -> Bool {
        guard let lastAttempt else { return true }
        let elapsed = now.timeIntervalSince(lastAttempt)
        // A clock stepped backwards must not block fetching until it catches up.
        return elapsed >= minimumInterval || elapsed < 0
    }

    func isDueForRefresh(fetchedAt: Date, now: Date) -> Bool {
        age(fetchedAt, now) >= refreshAge
    }

    func isExpired(fetchedAt: Date, now: Date) -> Bool {
        age(fetchedAt, now) >= maximumAge
    }

    private func age(_ fetchedAt: Date, _ now: Date) -> TimeInterval {
        abs(now.timeIntervalSince(fetchedAt))
    }
}
