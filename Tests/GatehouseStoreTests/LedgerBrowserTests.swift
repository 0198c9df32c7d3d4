import Foundation
import GatehouseCore
import GatehouseLedger
import Logging
import Testing

@testable import GatehouseStore

/// The web UI's read side: sessions, timelines, status and inclusion checks over a recorded ledger.
@Suite struct LedgerBrowserTests {
    let fixture = RecorderFixture()
    let signer = try! Ed25519NoteSigner.generate(keyName: "gatehouse.test/ledger")
    static let maskedText = "SELECT email FROM customers WHERE email = '<email:redacted>'"
    static let approver = Principal(subject: "bob-sub", issuer: "https://issuer.example", username: "bob@example.com", groups: ["approvers"])

    func browser(_ store: SQLiteLedgerStore, verifier: Ed25519NoteVerifier? = nil) -> LedgerBrowser {
        LedgerBrowser(store: store, masterKey: fixture.masterKey, verifier: verifier)
    }

    /// Six entries: authentication, statement 1, approval requested and approved, outcome, session end.
    static func session(_ id: String) -> [GatehouseEvent] {
        let time = SampleEvents.at(millisecondsAfter: 500)
        func approval(_ step: EventPayload.Approval.Step, by principal: Principal, _ payload: EventPayload.Approval) -> GatehouseEvent {
            GatehouseEvent(time: time, sessionID: id, connection: "demo", principal: principal, payload: .approval(payload))
        }
        var outcome = SampleEvents.outcome(session: id)
        if case .outcome(var payload) = outcome.payload {
            payload.rows = 5
            payload.maskedValues = 10
            outcome.payload = .outcome(payload)
        }
        return [
            SampleEvents.authentication(session: id),
            SampleEvents.statement(session: id, id: 1, text: maskedText),
            approval(.requested, by: SampleEvents.principal,
                     .init(step: .requested, requestID: "apr_\(id)", statementIDs: [1], relations: [RelationName(name: "customers")],
                           purpose: "TICKET-1 check contact", statement: maskedText)),
            approval(.approved, by: approver,
                     .init(step: .approved, requestID: "apr_\(id)", statementIDs: [1], grant: .init(kind: .oneTime, expires: nil, relations: []),
                           comment: "fine for TICKET-1")),
            outcome,
            SampleEvents.sessionEnd(session: id),
        ]
    }

    /// Sessions s1 (entries 0-5) and s2 (6-11), and a configuration record (12) that is no session.
    func recordTwoSessions(_ recorder: LedgerEventRecorder) async throws {
        try await recorder.record(Self.session("s1"))
        try await recorder.record(Self.session("s2"))
        try await recorder.record([GatehouseEvent(
            time: SampleEvents.time, sessionID: "gateway-1", connection: nil, principal: nil,
            payload: .configuration(.init(path: "/etc/gatehouse.yaml", sha256: String(repeating: "ab", count: 32), connections: ["demo"])))])
    }

    /// The two sessions signed in a checkpoint at tree size 13, then two entries (13, 14) after it.
    func checkpointedLedger(_ recorder: LedgerEventRecorder) async throws -> LedgerStoredCheckpoint {
        try await recordTwoSessions(recorder)
        let checkpointer = LedgerCheckpointer(store: recorder.store, signer: signer, origin: signer.keyName, sink: nil,
                                              logger: Logger(label: "test"))
        let stored = try #require(try checkpointer.checkpointIfGrown())
        try await recorder.record([SampleEvents.statement(session: "s3"), SampleEvents.outcome(session: "s3")])
        return stored
    }

    @Test func sessionsAreListedNewestFirstWithTheirCounts() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        let browser = browser(recorder.store)
        let empty = try browser.sessions(limit: 10)
        #expect(empty.isEmpty)
        try await recordTwoSessions(recorder)
        let sessions = try browser.sessions(limit: 10)
        #expect(sessions.map(\.sessionID) == ["s2", "s1"])
        let count = try browser.sessionCount()
        #expect(count == 2)
        let first = try #require(sessions.last)
        #expect(first.principal == SampleEvents.principal)
        #expect(first.connection == "demo")
        #expect(first.entryCount == 6 && first.statementCount == 1 && first.approvalCount == 2)
        #expect(first.startedAt == SampleEvents.time && first.lastActivityAt == SampleEvents.at(millisecondsAfter: 2000))
        #expect(!first.erased)
        let paged = try browser.sessions(limit: 1, offset: 1)
        #expect(paged == [first])
        let none = try browser.sessions(limit: 0)
        #expect(none.isEmpty)
    }

    @Test func aTimelineHasEveryEntryInOrderWithTheMaskedTextReadable() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recordTwoSessions(recorder)
        let browser = browser(recorder.store)
        let timeline = try #require(try browser.timeline(sessionID: "s1"))
        #expect(timeline.summary.sessionID == "s1" && timeline.summary.entryCount == 6)
        #expect(timeline.entries.map(\.kind) == ["authentication", "statement", "approval", "approval", "outcome", "session_end"])
        #expect(timeline.entries.map(\.index) == [0, 1, 2, 3, 4, 5])
        let statement = timeline.entries[1]
        #expect(statement.headline == "statement 1: SELECT reads public.customers")
        #expect(statement.sealed && statement.readable)
        #expect(statement.details.contains(TimelineDetail("text", Self.maskedText)))
        let requested = timeline.entries[2], approved = timeline.entries[3]
        #expect(requested.headline == "approval requested apr_s1")
        #expect(requested.details.contains(TimelineDetail("purpose", "TICKET-1 check contact")))
        #expect(approved.headline == "approval approved apr_s1")
        #expect(approved.details.contains(TimelineDetail("approver", "bob@example.com")))
        #expect(approved.details.contains(TimelineDetail("comment", "fine for TICKET-1")))
        let outcome = timeline.entries[4]
        #expect(outcome.headline == "outcome of statement 1: 5 rows, 10 values masked")
        #expect(outcome.details.contains(TimelineDetail("masked values", "10")))
        let end = timeline.entries[5]
        #expect(!end.sealed && end.readable)
        let unknown = try browser.timeline(sessionID: "nope")
        #expect(unknown == nil)
        let second = try #require(try browser.timeline(sessionID: "s2"))
        #expect(second.entries.map(\.index) == Array(6...11))
    }

    @Test func anErasedSessionsTimelineSaysErasedAndIsNotReadable() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        try await recordTwoSessions(recorder)
        _ = try await LedgerErasure(recorder: recorder).erase(sessions: ["s1"], scope: "session", reason: "DSAR-1", requestedBy: "dpo")
        let browser = browser(recorder.store)
        let timeline = try #require(try browser.timeline(sessionID: "s1"))
        #expect(timeline.summary.erased)
        let statement = timeline.entries[1]
        #expect(statement.sealed && !statement.readable)
        #expect(statement.details.contains(TimelineDetail("text", "erased")))
        #expect(!statement.details.contains { $0.value == Self.maskedText })
        #expect(statement.headline == "statement 1: SELECT reads public.customers")  // the clear part stays
        let other = try #require(try browser.timeline(sessionID: "s2"))
        #expect(!other.summary.erased && other.entries[1].readable)
        let sessions = try browser.sessions(limit: 10)  // the erasure record is no session
        #expect(sessions.map(\.sessionID) == ["s2", "s1"] && sessions.map(\.erased) == [false, true])
    }

    @Test func statusReportsTheTreeAndTheSignedCheckpoint() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        let store = recorder.store
        let stored = try await checkpointedLedger(recorder)
        let status = try browser(store, verifier: signer.verifier).status()
        let root = try store.rootHash
        let signedRoot = try store.rootHash(treeSize: 13)
        #expect(status.origin == signer.keyName)
        #expect(status.treeSize == 15 && status.rootHash == root.base64 && status.checkpointCount == 1)
        let latest = try #require(status.latestCheckpoint)
        #expect(latest.treeSize == 13 && latest.rootHash == signedRoot.base64 && latest.note == stored.note)
        let storedSignedAt = try store.latestCheckpoint()?.signedAt  // as stored: whole milliseconds
        #expect(latest.signedAt == storedSignedAt && abs(latest.signedAt.timeIntervalSince(stored.signedAt)) < 0.001)
        #expect(latest.signatureValid == true && latest.matchesStoredTree)

        let unchecked = try browser(store).status()
        #expect(unchecked.latestCheckpoint?.signatureValid == nil)
        let other = try Ed25519NoteSigner.generate(keyName: signer.keyName)
        let wrongKey = try browser(store, verifier: other.verifier).status()
        #expect(wrongKey.latestCheckpoint?.signatureValid == false)

        // A rewritten subtree inside the checkpoint (leaves 0-7, part of the root at 13): the
        // signed root is no longer the stored tree's.
        try store.withWriterConnection { db in try db.execute(sql: "UPDATE nodes SET hash = zeroblob(32) WHERE level = 3 AND idx = 0") }
        let tampered = try browser(store, verifier: signer.verifier).status()
        #expect(tampered.latestCheckpoint?.matchesStoredTree == false)
    }

    @Test func inclusionIsVerifiedAgainstTheCheckpointOrTheCurrentRoot() async throws {
        let recorder = try fixture.open()
        defer { recorder.store.close() }
        let store = recorder.store
        _ = try await checkpointedLedger(recorder)
        let browser = browser(store, verifier: signer.verifier)

        let inside = try browser.inclusion(of: 3)
        let expectedProof = try store.inclusionProof(leafIndex: 3, treeSize: 13)
        #expect(inside.verified && inside.againstCheckpoint && inside.failure == nil)
        #expect(inside.index == 3 && inside.treeSize == 13 && inside.proofHashes == expectedProof.count && inside.proofHashes > 0)

        let after = try browser.inclusion(of: 14)
        #expect(after.verified && !after.againstCheckpoint && after.treeSize == 15 && after.failure == nil)

        let beyond = try browser.inclusion(of: 99)
        #expect(!beyond.verified && beyond.failure != nil)

        // A forged leaf hash: the sibling's proof no longer leads to the signed root, and the
        // entry itself no longer matches its bytes.
        try store.withWriterConnection { db in try db.execute(sql: "UPDATE entries SET leaf_hash = zeroblob(32) WHERE idx = 2") }
        let sibling = try browser.inclusion(of: 3)
        #expect(!sibling.verified && sibling.againstCheckpoint)
        #expect(sibling.failure?.contains("checkpoint at tree size 13") == true)
        let forged = try browser.inclusion(of: 2)
        #expect(!forged.verified && forged.failure?.contains("leaf hash") == true)
        let untouched = try browser.inclusion(of: 9)  // its proof uses the subtree over 0-7, which is stored apart
        #expect(untouched.verified)
    }
}
