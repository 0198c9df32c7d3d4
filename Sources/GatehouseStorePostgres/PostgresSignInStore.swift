import Foundation
import GatehouseCore
import Logging
import PostgresNIO

/// Web UI sign-ins shared by several instances in the PostgreSQL store (docs/deployment.md,
/// "Sign-ins across instances"). A new session or a sign-out is one statement that ends with
/// `pg_notify` on `gatehouse_sign_ins` (`in:<digest>`, `out:<digest>`); every instance LISTENs
/// and keeps its copy of the sessions in force current. Store work runs on one serial queue;
/// once a second the listening connection is checked, and after it was lost every session in
/// force is read again.
public final class PostgresSignInStore: SharedSignIns, @unchecked Sendable {
    private let writer: PostgresStoreConnection
    private let listener: PostgresStoreListener
    private let logger: Logger
    private let queue = DispatchQueue(label: "gatehouse.sign-ins.store")
    // Guarded by `queue`.
    private var changes: (@Sendable (SharedSignInChange) -> Void)?

    static let channel = "gatehouse_sign_ins"

    /// Connects and creates the tables if they are missing.
    public init(settings: PostgresStoreSettings, logger: Logger) throws {
        self.logger = logger
        writer = PostgresStoreConnection(settings: settings, label: "shared sign-in store", logger: logger, answerTimeout: .seconds(10))
        listener = PostgresStoreListener(settings: settings, channel: Self.channel, label: "shared sign-in store", logger: logger)
        try writer.createSchema(component: "sign_ins", version: PostgresSignInSchema.version, lockID: PostgresSignInSchema.lockID,
                                PostgresSignInSchema.create)
    }

    public func close() {
        queue.sync {
            listener.stop()
            changes = nil
        }
        listener.close()
        writer.close()
    }

    public func start(_ changes: @escaping @Sendable (SharedSignInChange) -> Void) throws -> [SharedSignIn] {
        try queue.sync { () throws -> [SharedSignIn] in
            self.changes = changes
            try listener.start(on: queue, heard: { [weak self] in self?.heard($0) }, relistened: { [weak self] in
                guard let self else { return }
                changes(.all(try writer.withConnection { try self.current(on: $0) }))
            })
            return try writer.withConnection { try self.current(on: $0) }
        }
    }

    public func store(_ signIn: SharedSignIn) async throws {
        let body = try StoreJSON.encode(signIn)
        try await onQueue { [self] in
            try writer.withConnection { connection in
                try writer.run(connection, """
                    WITH stored AS (
                        INSERT INTO gatehouse_web_sessions (id_digest, expires_at, session)
                        VALUES (\(signIn.idDigest), \(signIn.expiresAt), \(body)) RETURNING id_digest)
                    SELECT pg_notify(\(Self.channel), 'in:' || id_digest) FROM stored
                    """)
            }
        }
    }

    public func end(idDigest: String) async throws {
        try await onQueue { [self] in
            try writer.withConnection { connection in
                try writer.run(connection, """
                    WITH ended AS (DELETE FROM gatehouse_web_sessions WHERE id_digest = \(idDigest) RETURNING id_digest)
                    SELECT pg_notify(\(Self.channel), 'out:' || id_digest) FROM ended
                    """)
            }
        }
    }

    public func signIn(idDigest: String) async throws -> SharedSignIn? {
        try await onQueue { [self] in try writer.withConnection { try signIn(idDigest, on: $0) } }
    }

    public func claim(stateDigest: String, until: Date) async throws -> Bool {
        try await onQueue { [self] in
            try writer.withConnection { connection in
                try !writer.query(connection, """
                    INSERT INTO gatehouse_web_sign_in_states (state_digest, expires_at) VALUES (\(stateDigest), \(until))
                    ON CONFLICT (state_digest) DO NOTHING RETURNING state_digest
                    """).isEmpty
            }
        }
    }

    // MARK: On the queue

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func heard(_ payload: String) {
        guard let changes else { return }
        if payload.hasPrefix("out:") {
            changes(.signedOut(idDigest: String(payload.dropFirst(4))))
            return
        }
        guard payload.hasPrefix("in:") else { return }
        do {
            if let signIn = try writer.withConnection({ try signIn(String(payload.dropFirst(3)), on: $0) }) {
                changes(.signedIn(signIn))
            }
        } catch {
            // Looked up in the store when its browser comes; the tick reads everything once the store answers.
            logger.error("a sign-in in the shared store cannot be read", metadata: ["error": "\(error)"])
        }
    }

    private func current(on connection: PostgresConnection) throws -> [SharedSignIn] {
        try writer.query(connection, "SELECT session FROM gatehouse_web_sessions WHERE expires_at > now()").map(Self.decode)
    }

    private func signIn(_ digest: String, on connection: PostgresConnection) throws -> SharedSignIn? {
        try writer.query(connection, """
            SELECT session FROM gatehouse_web_sessions WHERE id_digest = \(digest) AND expires_at > now()
            """).first.map(Self.decode)
    }

    private static func decode(_ row: PostgresRow) throws -> SharedSignIn {
        try StoreJSON.decode(SharedSignIn.self, from: try row.decode(String.self))
    }
}
