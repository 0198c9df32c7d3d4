import Foundation
import GRDB

/// Opens the ledger's SQLite file: WAL (a `DatabasePool`), durable commits, the schema.
enum LedgerDatabase {
    static func open(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.label = "gatehouse.ledger"
        // Operators may hold a write lock briefly (sqlite3 shell); wait rather than fail.
        configuration.busyMode = .timeout(5)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let database = try DatabasePool(path: path, configuration: configuration)  // WAL mode
        try database.writeWithoutTransaction { db in
            try makeCommitsDurable(db)
            try LedgerSchema.create(in: db)
        }
        return database
    }

    /// Set on the pool's single writer connection, after GRDB's own WAL set-up (which chooses
    /// synchronous=NORMAL: the last commits could be lost on power failure, and an appended
    /// entry whose root was handed out must never be lost).
    private static func makeCommitsDurable(_ db: Database) throws {
        // FULL in WAL mode syncs the log on every commit: a commit that returned is on disk.
        try db.execute(sql: "PRAGMA synchronous = FULL")
        // On Darwin fsync alone does not reach stable storage; no effect elsewhere.
        try db.execute(sql: "PRAGMA fullfsync = ON")
        // An erased data key's bytes are overwritten in the file, not just unlinked from the b-tree.
        try db.execute(sql: "PRAGMA secure_delete = ON")
        guard try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2 else {
            throw LedgerStoreError.database("SQLite refused synchronous=FULL")
        }
    }
}
