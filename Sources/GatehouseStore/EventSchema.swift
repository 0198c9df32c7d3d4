import GRDB

/// The event log's table. Tests and operators query it directly (`sqlite3 events.sqlite`),
/// so it is kept exactly as `createStatements` says; SQLite stores the text with its
/// comments, so `.schema` in the sqlite3 shell documents the columns too.
///
/// Dates inside the `event` JSON use the same millisecond form as `time`, so an event read
/// back equals the recorded one up to millisecond precision.
enum EventSchema {
    static let createStatements = """
        CREATE TABLE IF NOT EXISTS events (
          seq INTEGER PRIMARY KEY,          -- append order, from 1
          time TEXT NOT NULL,               -- ISO 8601 UTC with milliseconds, e.g. 2026-11-26T07:30:00.123Z
          session_id TEXT NOT NULL,
          connection TEXT,
          subject TEXT,                     -- principal.subject, NULL when unknown
          kind TEXT NOT NULL,               -- GatehouseEvent.kind: authentication | session_end | statement | outcome
          event TEXT NOT NULL               -- the whole GatehouseEvent as JSON (JSONEncoder, sortedKeys, ISO 8601 dates)
        );
        CREATE INDEX IF NOT EXISTS events_session ON events(session_id, seq);
        """

    static let insert = "INSERT INTO events (time, session_id, connection, subject, kind, event) VALUES (?, ?, ?, ?, ?, ?)"

    static func create(in db: Database) throws {
        try db.execute(sql: createStatements)
    }
}
