import Foundation

/// Which refused logins are recorded one by one. From each source, the first `perWindow` in a
/// window of `window` seconds are; the rest are counted, and when the window ends they become one
/// summary (how many, first and last time, the distinct reasons). A flood of bad logins stays on
/// record without one ledger entry each. Pure: the caller supplies the time.
public struct RefusedLoginThrottle: Sendable {
    public struct Summary: Sendable, Equatable {
        public var source: String
        public var count: Int
        public var first: Date
        public var last: Date
        public var reasons: [String]

        public init(source: String, count: Int, first: Date, last: Date, reasons: [String]) {
            self.source = source
            self.count = count
            self.first = first
            self.last = last
            self.reasons = reasons
        }
    }

    public enum Decision: Sendable, Equatable { case record, countOnly }

    public let perWindow: Int
    public let window: TimeInterval
    /// Sources tracked at once; beyond it, new sources share one window (`otherSources`).
    public let maxSources: Int
    public static let otherSources = "other sources"
    static let maxReasons = 5

    private struct Window {
        var start: Date
        var recorded = 0
        var counted = 0
        var first: Date?
        var last: Date?
        var reasons: [String] = []
    }

    private var windows: [String: Window] = [:]

    public init(perWindow: Int = 10, window: TimeInterval = 60, maxSources: Int = 10_000) {
        self.perWindow = perWindow
        self.window = window
        self.maxSources = maxSources
    }

    /// Whether this refusal is recorded on its own, and the summaries of windows that ended.
    public mutating func decide(source: String, reason: String, at now: Date) -> (Decision, [Summary]) {
        let ended = closeWindows(at: now)
        let key = windows[source] != nil || windows.count < maxSources ? source : Self.otherSources
        var current = windows[key] ?? Window(start: now)
        defer { windows[key] = current }
        guard current.recorded >= perWindow else {
            current.recorded += 1
            return (.record, ended)
        }
        current.counted += 1
        current.first = current.first ?? now
        current.last = now
        if current.reasons.count < Self.maxReasons, !current.reasons.contains(where: { $0.utf8.elementsEqual(reason.utf8) }) {
            current.reasons.append(reason)
        }
        return (.countOnly, ended)
    }

    /// Ends the windows older than `window` (all of them with `all`), returning the summaries of
    /// those that counted refusals.
    public mutating func closeWindows(at now: Date, all: Bool = false) -> [Summary] {
        var summaries: [Summary] = []
        for (source, current) in windows where all || now.timeIntervalSince(current.start) >= window {
            windows[source] = nil
            if current.counted > 0, let first = current.first, let last = current.last {
                summaries.append(Summary(source: source, count: current.counted, first: first, last: last, reasons: current.reasons))
            }
        }
        return summaries.sorted { $0.first < $1.first }
    }
}
