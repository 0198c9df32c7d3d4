import Foundation

/// How hard one notification is pushed to one target: attempts, per-attempt timeout, and the
/// exponential backoff with jitter between attempts.
///
/// Retried: network errors and timeouts, HTTP 408, 429 and 5xx. Not retried: any other status
/// (a 4xx means the payload or the URL is wrong; resending will not help) and redirects (the
/// sender never follows them).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included (at least 1).
    public var maximumAttempts: Int
    /// The wait before the first retry.
    public var initialDelay: Duration
    /// Each further retry waits this many times longer...
    public var multiplier: Double
    /// ...up to this.
    public var maximumDelay: Duration
    /// The fraction of a wait that is random: a wait `d` becomes a uniform pick in
    /// `[d × (1 − jitter), d]`, so many gateways do not retry in lockstep.
    public var jitter: Double
    /// A server's `Retry-After` (seconds or an HTTP date) replaces the backoff when longer, but
    /// never beyond this: an approval is time-limited, and a notification an hour late is no use.
    public var maximumRetryAfter: Duration
    /// One attempt's time limit: connect, send and response head.
    public var attemptTimeout: Duration

    public init(
        maximumAttempts: Int = 5, initialDelay: Duration = .seconds(1), multiplier: Double = 2,
        maximumDelay: Duration = .seconds(30), jitter: Double = 0.2, maximumRetryAfter: Duration = .seconds(120),
        attemptTimeout: Duration = .seconds(10)
    ) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = max(.zero, initialDelay)
        self.multiplier = max(1, multiplier)
        self.maximumDelay = max(.zero, maximumDelay)
        self.jitter = min(1, max(0, jitter))
        self.maximumRetryAfter = max(.zero, maximumRetryAfter)
        self.attemptTimeout = max(.milliseconds(1), attemptTimeout)
    }

    /// 5 attempts, waits of about 1, 2, 4 and 8 s, 10 s per attempt.
    public static let `default` = RetryPolicy()

    /// The wait before retry number `retry` (1 for the wait after the first attempt). `random`
    /// is a number in [0, 1) that picks the jitter; `retryAfter` is what the server asked for.
    public func delay(beforeRetry retry: Int, retryAfter: Duration? = nil, random: Double) -> Duration {
        let exponent = Double(max(0, retry - 1))
        let base = min(initialDelay.seconds * pow(multiplier, exponent), maximumDelay.seconds)
        let jittered = base * (1 - jitter * min(max(random, 0), 1))
        var seconds = jittered
        if let retryAfter { seconds = max(seconds, min(retryAfter.seconds, maximumRetryAfter.seconds)) }
        return .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
