import Foundation
import GatehouseStore
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One connection to the PostgreSQL store's primary, used by blocking callers: the connection
/// runs on an event loop of its own, so no caller ever waits on the loop it is on. One operation
/// at a time; a broken connection is dropped and the next operation connects again, so its
/// owner recovers by itself when the store returns. Every failure becomes a
/// `LedgerStoreError.database` naming the store (never a value a caller sent).
final class PostgresStoreConnection: @unchecked Sendable {
    let settings: PostgresStoreSettings
    /// What the store is to its owner, in messages: "shared ledger store".
    let label: String
    private let logger: Logger
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    /// Longest wait for one answer before the connection is given up (a store that hangs
    /// rather than refuses).
    private let answerTimeout: DispatchTimeInterval
    // Everything below `lock` is guarded by it.
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private var closed = false
    private var nextConnectionID = 1

    init(settings: PostgresStoreSettings, label: String, logger: Logger, answerTimeout: DispatchTimeInterval) {
        self.settings = settings
        self.label = label
        self.logger = logger
        self.answerTimeout = answerTimeout
    }

    var description: String { "postgres://\(settings.description)" }

    func close() {
        lock.withLock {
            closed = true
            if let connection { _ = try? wait(connection.close()) }
            connection = nil
        }
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` on the connection (made now if there is none); `connected` is true when the
    /// connection was made for this call. A failure that may leave the connection unusable drops it.
    func withConnection<T>(_ body: (_ connection: PostgresConnection, _ connected: Bool) throws -> T) throws -> T {
        try lock.withLock {
            guard !closed else { throw LedgerStoreError.closed }
            let connection: PostgresConnection
            var connected = false
            if let existing = self.connection, !existing.isClosed {
                connection = existing
            } else {
                connection = try connect()
                self.connection = connection
                connected = true
            }
            do {
                return try body(connection, connected)
            } catch let error as LedgerStoreError {
                throw error
            } catch {
                // The server refusing a statement leaves the connection usable; anything else may not.
                if connection.isClosed || (error as? PSQLError)?.code != .server {
                    _ = try? wait(connection.close())
                    self.connection = nil
                }
                throw LedgerStoreError.database("the \(label) \(description): \(Self.describe(error))")
            }
        }
    }

    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try withConnection { connection, _ in try body(connection) }
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func inTransaction<T>(_ connection: PostgresConnection, _ body: () throws -> T) throws -> T {
        try run(connection, "BEGIN")
        do {
            let value = try body()
            try run(connection, "COMMIT")
            return value
        } catch {
            // A ROLLBACK that fails leaves the connection unusable: dropped by withConnection.
            try? run(connection, "ROLLBACK")
            throw error
        }
    }

    /// Creates a component's tables if they are missing, in one transaction behind an advisory
    /// lock (instances starting together do not race on `CREATE TABLE IF NOT EXISTS`), and checks
    /// the layout version `gatehouse_schema` records for it.
    func createSchema(component: String, version: Int, lockID: Int64, _ statements: [PostgresQuery]) throws {
        try withConnection { connection in
            try inTransaction(connection) {
                try run(connection, "SELECT pg_advisory_xact_lock(\(lockID))")
                try run(connection, "CREATE TABLE IF NOT EXISTS gatehouse_schema (component text PRIMARY KEY, version integer NOT NULL)")
                try run(connection, "INSERT INTO gatehouse_schema VALUES (\(component), \(version)) ON CONFLICT (component) DO NOTHING")
                for statement in statements { try run(connection, statement) }
                let stored = try query(connection, "SELECT version FROM gatehouse_schema WHERE component = \(component)")
                    .first?.decode(Int.self)
                guard stored == version else {
                    throw LedgerStoreError.database("the \(label) \(description) has layout version \(stored.map(String.init) ?? "none") "
                                                    + "for \(component), this Gatehouse reads version \(version)")
                }
            }
        }
    }

    /// The first host that answers and is a primary: after a failover the promoted standby is
    /// found, and a standby that has not been promoted is never written to.
    private func connect() throws -> PostgresConnection {
        var reasons: [String] = []
        for host in settings.hosts {
            let name = PostgresStoreSettings.name(host)
            let connection: PostgresConnection
            do {
                let id = nextConnectionID
                nextConnectionID += 1
                connection = try wait(PostgresConnection.connect(on: group.next(),
                                                                 configuration: settings.connectionConfiguration(host: host.host, port: host.port),
                                                                 id: id, logger: logger))
            } catch {
                reasons.append("\(name): \(Self.describe(error))")
                continue
            }
            do {
                let standby = try query(connection, "SELECT pg_is_in_recovery()").first?.decode(Bool.self) ?? true
                guard !standby else {
                    _ = try? wait(connection.close())
                    reasons.append("\(name): a standby (in recovery)")
                    continue
                }
                // A lock another instance holds too long, or a statement the server sits on, fails
                // the operation (clients get an error) instead of holding every client forever.
                try run(connection, "SET lock_timeout = '5s'")
                try run(connection, "SET statement_timeout = '10s'")
                if settings.hosts.count > 1 { logger.info("\(label) connected", metadata: ["host": "\(name)"]) }
                return connection
            } catch {
                _ = try? wait(connection.close())
                reasons.append("\(name): \(Self.describe(error))")
            }
        }
        throw LedgerStoreError.database("cannot reach a primary of the \(label) \(description): \(reasons.joined(separator: "; "))")
    }

    func run(_ connection: PostgresConnection, _ statement: PostgresQuery) throws {
        _ = try wait(connection.query(statement, logger: logger))
    }

    func query(_ connection: PostgresConnection, _ statement: PostgresQuery) throws -> [PostgresRow] {
        Array(try wait(connection.query(statement, logger: logger)).rows)
    }

    /// The future's value, or a timeout error after `answerTimeout`.
    func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        future.whenComplete { result in
            box.result = result
            semaphore.signal()
        }
        guard semaphore.wait(timeout: .now() + answerTimeout) == .success, let result = box.result else {
            throw StoreTimeout()
        }
        return try result.get()
    }

    /// The store's reason, without anything a caller sent (PSQLError's own description hides it all).
    static func describe(_ error: Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + state
            }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if error is StoreTimeout { return "no answer in time" }
        if let error = error as? LedgerStoreError { return "\(error)" }
        return "\(error)"
    }
}

private struct StoreTimeout: Error {}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
