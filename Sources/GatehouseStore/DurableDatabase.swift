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
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            // It holds the ledger and its keys: no one else reads it.
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        try restrictToOwner(path)
        let database = try DatabasePool(path: path, configuration: configuration)  // WAL mode
        try database.writeWithoutTransaction { db in
            try makeCommitsDurable(db)
            if secureDelete { try db.execute(sql: "PRAGMA secure_delete = ON") }
            try schema(db)
        }
        return database
    }

    /// The database file created 0600 (or narrowed to it when a group or others could read it):
    /// SQLite gives its -wal and -shm files the database file's mode.
    private static func restrictToOwner(_ path: String) throws {
        let descriptor = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }  // SQLite reports why it cannot open it
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & 0o077 != 0 else { return }
        _ = fchmod(descriptor, status.st_mode & 0o700)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            _ = chmod(path + suffix, 0o600)
        }
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
