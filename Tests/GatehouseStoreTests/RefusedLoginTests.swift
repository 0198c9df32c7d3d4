import Foundation
import GatehouseCore
import Testing

@testable import GatehouseStore

/// Refused logins (issue 16): bounded client text, a per-source allowance with the rest counted
/// into summaries, and their own listing, apart from the sessions an auditor browses.
@Suite struct RefusedLoginTests {
    let fixture = RecorderFixture()
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Collects what reaches the ledger.
    final class Collected: EventRecorder, @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [GatehouseEvent] = []
        var events: [GatehouseEvent] { lock.withLock { stored } }
        func record(_ events: [GatehouseEvent], completion: @escaping @Sendable (Result<[Int64], Error>) -> Void) {
            lock.withLock { stored += events }
            completion(.success(events.indices.map(Int64.init)))
        }
    }

    final class Clock: @unchecked Sendable {
        var now = RefusedLoginTests.start
    }

    static func refusal(from address: String?, database: String = "shop", application: String? = nil, reason: String = "token rejected: expired") -> GatehouseEvent {
        GatehouseEvent(time: start, sessionID: UUID().uuidString.lowercased(), connection: database, principal: nil,
                       payload: .authentication(.init(accepted: false, reason: reason, clientAddress: address, clientApplication: application)))
    }

    @Test func theThrottleRecordsTheFirstFewPerSourceAndCountsTheRest() {
        var throttle = RefusedLoginThrottle(perWindow: 3, window: 60)
        let decisions = (0..<5).map { index in throttle.decide(source: "10.0.0.1", reason: "r\(index % 2)", at: Self.start + Double(index)).0 }
        #expect(decisions == [.record, .record, .record, .countOnly, .countOnly])
        // Another source has an allowance of its own.
        #expect(throttle.decide(source: "10.0.0.2", reason: "r", at: Self.start + 5).0 == .record)
        // Nothing ends before the window does; then the counted ones become one summary.
        #expect(throttle.closeWindows(at: Self.start + 30).isEmpty)
        let summaries = throttle.closeWindows(at: Self.start + 61)
        #expect(summaries == [.init(source: "10.0.0.1", count: 2, first: Self.start + 3, last: Self.start + 4, reasons: ["r1", "r0"])])
        #expect(throttle.decide(source: "10.0.0.1", reason: "r", at: Self.start + 62).0 == .record)
    }

    @Test func sourcesBeyondTheTrackedNumberShareOneWindow() {
        var throttle = RefusedLoginThrottle(perWindow: 1, window: 60, maxSources: 2)
        _ = throttle.decide(source: "a", reason: "r", at: Self.start)
        _ = throttle.decide(source: "b", reason: "r", at: Self.start)
        #expect(throttle.decide(source: "c", reason: "r", at: Self.start).0 == .record)
        #expect(throttle.decide(source: "d", reason: "r", at: Self.start).0 == .countOnly)
        let summaries = throttle.closeWindows(at: Self.start, all: true)
        #expect(summaries.map(\.source) == [RefusedLoginThrottle.otherSources])
    }

    @Test func refusedLoginsAreBoundedThrottledAndSummarised() async throws {
        let ledger = Collected()
        let clock = Clock()
        let recorder = RefusalThrottlingRecorder(base: ledger, throttle: RefusedLoginThrottle(perWindow: 2, window: 60), now: { clock.now })
        let long = String(repeating: "x", count: 10_000) + "\u{202E}\n"
        for _ in 0..<1000 {
            try await recorder.record([Self.refusal(from: "192.0.2.7", database: long, application: long)])
        }
        let accepted = GatehouseEvent(time: Self.start, sessionID: "s1", connection: "shop", principal: nil,
                                      payload: .authentication(.init(accepted: true, reason: nil, clientAddress: "192.0.2.7", clientApplication: long)))
        try await recorder.record([accepted])
        #expect(ledger.events.count == 3)
        let first = ledger.events[0]
        #expect(first.sessionID.hasPrefix("refused-"))
        #expect(first.connection == String(repeating: "x", count: 64) + "…(10004 bytes)")
        guard case .authentication(let refusal) = first.payload else { Issue.record("not an authentication"); return }
        #expect(refusal.clientApplication?.utf8.count ?? 0 < 100)
        // Accepted logins are someone's session: untouched.
        #expect(ledger.events[2] == accepted)
        clock.now = Self.start + 61
        try await recorder.flush()
        #expect(ledger.events.count == 4)
        guard case .authentication(let summary) = ledger.events[3].payload else { Issue.record("not an authentication"); return }
        #expect(summary.reason?.hasPrefix("998 more refused logins from this source") == true)
        #expect(summary.clientAddress == "192.0.2.7" && ledger.events[3].sessionID.hasPrefix("refused-"))
    }

    @Test func refusedLoginsAreListedApartFromSessions() async throws {
        let store = try fixture.open()
        defer { store.store.close() }
        let recorder = RefusalThrottlingRecorder(base: store)
        try await store.record([SampleEvents.statement(session: "s1")])
        for _ in 0..<3 { try await recorder.record([Self.refusal(from: "192.0.2.7")]) }
        let browser = LedgerBrowser(store: store.store, masterKey: fixture.masterKey, verifier: nil)
        #expect(try browser.sessions(limit: 10).map(\.sessionID) == ["s1"])
        #expect(try browser.sessionCount() == 1)
        #expect(try browser.sessionCount(listing: .refusedLogins) == 3)
        let refused = try browser.sessions(limit: 10, listing: .refusedLogins)
        #expect(refused.count == 3 && refused.allSatisfy { $0.sessionID.hasPrefix("refused-") })
    }
}
