import Foundation

/// A clock the test moves by hand, for expiry checks and the refetch rate limit.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

    var date: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }

    var now: @Sendable () -> Date { { self.date } }
}
