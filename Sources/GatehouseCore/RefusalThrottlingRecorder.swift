import Foundation

/// The recorder every listener records through. Refused logins are attacker-driven (no token is
/// needed to cause one), so before they reach the ledger:
/// - client-chosen text in them (database or connection name, application name, reason) is
///   escaped and cut to `maxClientTextCharacters`;
/// - they are filed under `refused-<session>`, kept out of the auditor's sessions list;
/// - per source, beyond `RefusedLoginThrottle`'s allowance, they are counted and recorded as one
///   summary entry when the window ends (or at `flush`), with the source sealed like any client address.
/// Everything else passes through unchanged.
public final class RefusalThrottlingRecorder: EventRecorder, @unchecked Sendable {
    public static let sessionPrefix = "refused-"
    public static let maxClientTextCharacters = 64
    static let maxReasonCharacters = 256

    private let base: any EventRecorder
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var throttle: RefusedLoginThrottle

    public init(base: any EventRecorder, throttle: RefusedLoginThrottle = RefusedLoginThrottle(), now: @escaping @Sendable () -> Date = Date.init) {
        self.base = base
        self.throttle = throttle
        self.now = now
    }

    public func record(_ events: [GatehouseEvent], completion: @escaping @Sendable (Result<[Int64], Error>) -> Void) {
        var kept: [GatehouseEvent] = []
        var summaries: [RefusedLoginThrottle.Summary] = []
        for event in events {
            guard case .authentication(let authentication) = event.payload, !authentication.accepted else {
                kept.append(event)
                continue
            }
            let bounded = Self.bounded(event, authentication)
            let reason = Self.bounded(authentication.reason ?? "", limit: Self.maxReasonCharacters)
            let (decision, ended) = lock.withLock {
                throttle.decide(source: authentication.clientAddress ?? "unknown", reason: reason, at: now())
            }
            summaries += ended
            if decision == .record { kept.append(bounded) }
        }
        let all = summaries.map(Self.summaryEvent) + kept
        guard !all.isEmpty else { return completion(.success([])) }
        base.record(all, completion: completion)
    }

    /// Records the summaries of every window that ended (all of them with `all`, at shutdown).
    public func flush(all: Bool = false) async throws {
        let summaries = lock.withLock { throttle.closeWindows(at: now(), all: all) }
        guard !summaries.isEmpty else { return }
        try await base.record(summaries.map(Self.summaryEvent))
    }

    static func bounded(_ text: String, limit: Int = maxClientTextCharacters) -> String {
        let escaped = LogSafeText.escaped(text)
        guard escaped.count > limit else { return escaped }
        return String(escaped.prefix(limit)) + "…(\(text.utf8.count) bytes)"
    }

    private static func bounded(_ event: GatehouseEvent, _ authentication: EventPayload.Authentication) -> GatehouseEvent {
        var event = event
        event.sessionID = sessionPrefix + event.sessionID
        event.connection = event.connection.map { bounded($0) }
        event.payload = .authentication(.init(
            accepted: false, reason: authentication.reason.map { bounded($0, limit: maxReasonCharacters) },
            clientAddress: authentication.clientAddress, clientApplication: authentication.clientApplication.map { bounded($0) }))
        return event
    }

    private static func summaryEvent(_ summary: RefusedLoginThrottle.Summary) -> GatehouseEvent {
        let span = "\(UTCTimestamp.string(from: summary.first) ?? "?") to \(UTCTimestamp.string(from: summary.last) ?? "?")"
        let reason = "\(summary.count) more refused logins from this source, \(span), counted rather than recorded one by one; "
            + "reasons: \(summary.reasons.joined(separator: " | "))"
        return GatehouseEvent(time: summary.last, sessionID: sessionPrefix + UUID().uuidString.lowercased(), connection: nil, principal: nil,
                              payload: .authentication(.init(accepted: false, reason: reason,
                                                             clientAddress: summary.source == "unknown" ? nil : summary.source,
                                                             clientApplication: nil)))
    }
}
