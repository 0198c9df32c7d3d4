import Foundation
import GatehouseCore
import GatehouseLedger
import Testing

@testable import GatehouseStore

/// Crypto-shredding on request and by retention: keys go, entries and proofs stay.
@Suite struct LedgerErasureTests {
    let fixture = RecorderFixture()

    @Test func erasingASessionMakesItsSealedFieldsUnreadableAndIsRecordedFirst() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record([SampleEvents.authentication(session: "s1"), SampleEvents.statement(session: "s1"),
                                   SampleEvents.statement(session: "s2")])
        let rootBefore = try recorder.store.rootHash(treeSize: 3)
        let result = try await LedgerErasure(recorder: recorder).erase(sessions: ["s1"], scope: "session", reason: "DSAR-7", requestedBy: "dpo")
        #expect(result.erased == ["s1"] && result.alreadyErased.isEmpty && result.eventIndex == 3)
        #expect(try recorder.store.dataKey(keyID: "s1")?.wrapped == nil)
        #expect(try recorder.store.dataKey(keyID: "s1")?.erasedBecause == "erasure")
        let contents = try fixture.contents(of: recorder.store)
        for index in 0..<2 {
            guard case .sealedUnavailable(let envelope) = contents[index] else {
                Issue.record("entry \(index) of the erased session still opens")
                continue
            }
            #expect(envelope.sessionID == "s1")
        }
        guard case .event(let other) = contents[2], case .event(let erasure) = contents[3] else {
            Issue.record("the other session or the erasure event does not open")
            return
        }
        #expect(other == SampleEvents.statement(session: "s2"))
        #expect(erasure.payload == .erasure(.init(scope: "session", sessions: ["s1"], reason: "DSAR-7", requestedBy: "dpo")))
        // The tree is the same tree, extended: every earlier proof still holds.
        #expect(try recorder.store.rootHash(treeSize: 3) == rootBefore)
        let again = try await LedgerErasure(recorder: recorder).erase(sessions: ["s1"], scope: "session", reason: nil, requestedBy: nil)
        #expect(again.erased.isEmpty && again.alreadyErased == ["s1"])
    }

    @Test func anUnknownSessionIsRefusedAndNothingIsRecorded() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recorder.record([SampleEvents.statement(session: "s1")])
        await #expect(throws: LedgerErasureError.unknownSession("nope")) {
            try await LedgerErasure(recorder: recorder).erase(sessions: ["s1", "nope"], scope: "session", reason: nil, requestedBy: nil)
        }
        #expect(try recorder.store.leafCount == 1)
        #expect(try recorder.store.dataKey(keyID: "s1")?.wrapped != nil)
    }

    @Test func retentionShredsKeysPastTheirConnectionsPeriodOnly() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        let now = SampleEvents.time
        func statement(_ session: String, connection: String, daysAgo: Double) -> GatehouseEvent {
            var event = SampleEvents.statement(session: session)
            event.connection = connection
            event.time = now.addingTimeInterval(-daysAgo * 86_400)
            return event
        }
        try await recorder.record([statement("old-short", connection: "short", daysAgo: 40),
                                   statement("new-short", connection: "short", daysAgo: 20),
                                   statement("old-default", connection: "other", daysAgo: 400),
                                   statement("new-default", connection: "other", daysAgo: 300)])
        let retention = LedgerRetention(erasure: LedgerErasure(recorder: recorder), days: ["short": 30], defaultDays: 365)
        let result = try #require(try await retention.apply(now: now))
        #expect(result.erased == ["old-default", "old-short"])
        for kept in ["new-short", "new-default"] { #expect(try recorder.store.dataKey(keyID: kept)?.wrapped != nil) }
        #expect(try recorder.store.dataKey(keyID: "old-short")?.erasedBecause == "retention")
        guard case .event(let event) = try fixture.contents(of: recorder.store).last,
              case .erasure(let erasure) = event.payload else {
            Issue.record("no erasure event was recorded")
            return
        }
        #expect(erasure.scope == "retention" && erasure.sessions == ["old-default", "old-short"])
        #expect(try await retention.apply(now: now) == nil)  // nothing more is due
    }

    @Test func subjectAccessListsSessionsAndHidesErasedContent() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        func touching(_ session: String) -> GatehouseEvent {
            var event = SampleEvents.statement(session: session)
            if case .statement(var payload) = event.payload {
                payload.subjects = [SubjectReference(kind: "email", digest: "alice")]
                event.payload = .statement(payload)
            }
            return event
        }
        var outcome = SampleEvents.outcome(session: "s2")
        if case .outcome(var payload) = outcome.payload {
            payload.subjects = [SubjectReference(kind: "email", digest: "alice")]
            outcome.payload = .outcome(payload)
        }
        try await recorder.record([touching("s1"), SampleEvents.statement(session: "s2"), outcome, SampleEvents.statement(session: "s3")])
        let access = LedgerSubjectAccess(store: recorder.store, masterKey: fixture.masterKey)
        let sessions = try access.sessions(touching: ["alice"])
        #expect(sessions.map(\.sessionID) == ["s1", "s2"])
        #expect(sessions.allSatisfy { !$0.erased && $0.principal == SampleEvents.principal })
        #expect(sessions[0].accesses.map(\.index) == [0] && sessions[0].accesses[0].entryKind == "statement")
        // The outcome names the statement whose result held the person, text included.
        let viaResult = sessions[1].accesses[0]
        #expect(viaResult.entryKind == "outcome" && viaResult.statementID == 1 && viaResult.reads == ["public.customers"])
        #expect(viaResult.statementText == "SELECT email FROM customers WHERE id = $1")

        _ = try await LedgerErasure(recorder: recorder).erase(sessions: ["s1"], scope: "subject", reason: nil, requestedBy: nil)
        let after = try access.sessions(touching: ["alice"])
        #expect(after.map(\.sessionID) == ["s1", "s2"])
        #expect(after[0].erased && after[0].erasedAt != nil && after[0].accesses[0].statementText == nil)
        #expect(after[0].accesses[0].statementKind == "select")  // the clear analysis stays
        #expect(!after[1].erased && after[1].accesses[0].statementText != nil)
    }
}
