import Foundation
import GRDB
import GatehouseCore

/// One row of `events`, encoded before it reaches the writer: JSON encoding then runs in
/// parallel on the callers' tasks, and the single writer only does SQLite work.
struct EventRow: Sendable {
    var time: String
    var sessionID: String
    var connection: String?
    var subject: String?
    var kind: String
    var json: String

    /// Throws `RecordingError` when the event cannot be represented (e.g. a time outside
    /// years 0000-9999); the message never includes the event's content.
    init(_ event: GatehouseEvent) throws {
        guard let time = UTCTimestamp.string(from: event.time) else {
            throw RecordingError("cannot record a \(event.kind) event: its time is out of range")
        }
        do {
            json = try EventJSON.encode(event)
        } catch {
            throw RecordingError("cannot record a \(event.kind) event: it cannot be encoded as JSON")
        }
        self.time = time
        sessionID = event.sessionID
        connection = event.connection
        subject = event.principal?.subject
        kind = event.kind
    }

    var insertArguments: StatementArguments {
        [time, sessionID, connection, subject, kind, json]
    }
}
