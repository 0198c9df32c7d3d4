import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger
import Logging

@testable import GatehouseStore

/// A ledger and its recorder in a temporary directory, removed afterwards.
final class RecorderFixture {
    let ledger = LedgerFixture()
    let masterKey = try! MasterKey(bytes: [UInt8](repeating: 7, count: 32))

    func open() throws -> LedgerEventRecorder {
        LedgerEventRecorder(store: try ledger.open(), masterKey: masterKey)
    }

    /// What the ledger holds, each entry opened with its session's key (when it still exists).
    func contents(of store: SQLiteLedgerStore) throws -> [LedgerEntryContents] {
        let cursor = try store.entries(in: 0..<(try store.leafCount))
        var entries: [LedgerStoredEntry] = []
        while let entry = try cursor.next() { entries.append(entry) }
        return try entries.map { entry in
            let envelope = try LedgerEntryCodec.decode(entry.bytes)
            let key = try envelope.sealed.flatMap { sealed in
                try store.dataKey(keyID: sealed.keyID)?.wrapped.map { try DataKey(unwrapping: $0, id: sealed.keyID, by: masterKey) }
            }
            return try LedgerEntryCodec.decode(entry.bytes, dataKey: key)
        }
    }

    /// The events whose sealed fields could be opened, in order.
    func events(in store: SQLiteLedgerStore) throws -> [GatehouseEvent] {
        try contents(of: store).compactMap { contents in
            if case .event(let event) = contents { return event }
            return nil
        }
    }
}

/// Events with whole-millisecond times, since that is what the log keeps.
enum SampleEvents {
    static let time = at(millisecondsAfter: 0)  // 2026-11-26T07:30:00.123Z

    /// Built from whole milliseconds (adding fractions to a Date drifts below them).
    static func at(millisecondsAfter offset: Int64) -> Date {
        Date(timeIntervalSince1970: Double(1_795_678_200_123 + offset) / 1000)
    }
    static let principal = Principal(
        subject: "00000000-0000-0000-0000-00000000a11c", issuer: "https://issuer.example", username: "alice@example.com",
        objectID: "oid-1", tenantID: "tid-1", agentApplication: "claude-code", groups: ["engineers"])

    static func authentication(session: String = "s1", accepted: Bool = true) -> GatehouseEvent {
        GatehouseEvent(
            time: time, sessionID: session, connection: "demo", principal: accepted ? principal : nil,
            payload: .authentication(.init(accepted: accepted, reason: accepted ? nil : "expired token", clientAddress: "127.0.0.1:50000", clientApplication: "psql")))
    }

    static func statement(session: String = "s1", id: Int = 1, text: String = "SELECT email FROM customers WHERE id = $1") -> GatehouseEvent {
        let analysis = StatementAnalysis(
            text: text, kind: .select, reads: [RelationName(name: "customers")],
            columns: [ColumnReference(relation: RelationName(name: "customers"), column: "email")],
            outputs: [OutputColumn(name: "email", sources: [ColumnReference(relation: RelationName(name: "customers"), column: "email")])])
        return GatehouseEvent(
            time: at(millisecondsAfter: Int64(id)), sessionID: session, connection: "demo", principal: principal,
            payload: .statement(.init(statementID: id, protocolMode: "extended", text: text, parameters: ["42", nil, "\\x00ff"], analysis: analysis)))
    }

    static func outcome(session: String = "s1", id: Int = 1) -> GatehouseEvent {
        GatehouseEvent(
            time: at(millisecondsAfter: 1000), sessionID: session, connection: "demo", principal: principal,
            payload: .outcome(.init(statementID: id, status: .completed, commandTag: "SELECT 1", rows: 1, errorCode: nil, durationMicroseconds: 1234)))
    }

    static func sessionEnd(session: String = "s1") -> GatehouseEvent {
        GatehouseEvent(
            time: at(millisecondsAfter: 2000), sessionID: session, connection: nil, principal: principal,
            payload: .sessionEnd(.init(reason: "client closed", statements: 1)))
    }
}

/// Holds the store's writer thread inside a commit until the test releases it.
final class WriterHolder: @unchecked Sendable {
    private let released = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var held = false

    /// Called on the writer thread (from `beforeCommit`).
    func holdWriter() {
        lock.withLock { held = true }
        _ = released.wait(timeout: .now() + 30)  // never hang a test run for good
    }

    func waitUntilWriterIsHeld() async throws {
        while !lock.withLock({ held }) { try await Task.sleep(for: .milliseconds(1)) }
    }

    func release() { released.signal() }
}
