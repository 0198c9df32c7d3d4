import Foundation
import GRDB
import GatehouseCore
import Logging

@testable import GatehouseStore

/// A temporary directory for one test's database, removed afterwards.
final class StoreFixture {
    let directory: String
    var databasePath: String { directory + "/state/events.sqlite" }

    init() {
        directory = FileManager.default.temporaryDirectory.path + "/gatehouse-store-tests-" + UUID().uuidString
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func openStore(beforeCommit: (@Sendable (Int) -> Void)? = nil) throws -> SQLiteEventStore {
        try SQLiteEventStore(path: databasePath, logger: Logger(label: "test.event-store"), beforeCommit: beforeCommit)
    }

    /// A second, independent connection, as an operator's sqlite3 shell would have.
    func operatorConnection() throws -> DatabaseQueue {
        try DatabaseQueue(path: databasePath)
    }

    /// Reads through an operator connection (synchronously, also from async tests).
    func query<T>(_ body: (Database) throws -> T) throws -> T {
        try operatorConnection().read(body)
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
