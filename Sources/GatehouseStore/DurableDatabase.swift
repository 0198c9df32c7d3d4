import Foundation
import GRDB

/// Opens a SQLite file the way every Gatehouse store needs it: WAL (a `DatabasePool`), commits
/// that are on disk when they return, and the store's schema.
enum DurableDatabase {
    /// Thrown when SQLite will not make commits durable; the caller names its store.
    struct NotDurable: Error, CustomStringConvertible {
        var description: String { "SQLite refused synchronous=FULL" }
    }

    /// - Parameter secureDelete: overwrite deleted content in the file (erased data keys).
    static func open(path: String, label: String, secureDelete: Bool = false,
                     schema: (Database) throws -> Void) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = label
        // Operators may hold a write lock briefly (sqlite3 shell); wait rather than fail.
        configuration.busyMode = .timeout(5)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let database = try DatabasePool(path: path, configuration: configuration)  // WAL mode
        try database.writeWithoutTransaction { db in
            try makeCommitsDurable(db)
            if secureDelete { try db.execute(sql: "PRAGMA secure_delete = ON") }
            try schema(db)
        }
        return database
    }

    /// Set on the pool's single writer connection, after GRDB's own WAL set-up (which chooses
    /// synchronous=NORMAL: fast, but the last commits may be lost on power failure).
    private static func makeCommitsDurable(_ db: Database) throws {
        // FULL in WAL mode syncs the log on every commit: a commit that returned is on disk.
        try db.execute(sql: "PRAGMA synchronous = FULL")
        // On Darwin fsync alone does not reach stable storage; no effect elsewhere.
        try db.execute(sql: "PRAGMA fullfsync = ON")
        guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else { throw NotDurable() }
    }
}
