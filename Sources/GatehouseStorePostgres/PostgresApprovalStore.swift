import Foundation
import GatehouseApproval
import GatehouseStore
import Logging
import NIOCore
import PostgresNIO

/// Approvals shared by several instances in the PostgreSQL store (docs/deployment.md,
/// "Approvals across instances").
///
/// Every change to a request or grant is one transaction that ends with `pg_notify` on
/// `gatehouse_approvals` (`r:<request>` or `g:<grant>`): every instance LISTENs on a connection
/// of its own and reads what changed at once, so a decision reaches the holder in one round trip
/// after its commit, without polling. All store work runs on one serial queue, so this
/// instance's writes land in the order it made them. Once a second the queue retries writes
/// the store refused, and checks the listening connection; after it was lost, the whole state
/// is read again, since notifications sent meanwhile are gone.
public final class PostgresApprovalStore: SharedApprovals, @unchecked Sendable {
    public let instance: String
    private let writer: PostgresStoreConnection
    private let listener: PostgresStoreListener
    private let logger: Logger
    private let queue = DispatchQueue(label: "gatehouse.approvals.store")
    // Guarded by `queue`.
    private var changes: SharedApprovalChanges?
    private var unstored: [ApprovalRequest] = []

    static let channel = "gatehouse_approvals"

    /// Connects and creates the tables if they are missing.
    public init(settings: PostgresStoreSettings, logger: Logger) throws {
        instance = settings.instanceName
        self.logger = logger
        writer = PostgresStoreConnection(settings: settings, label: "shared approval store", logger: logger, answerTimeout: .seconds(10))
        listener = PostgresStoreListener(settings: settings, channel: Self.channel, label: "shared approval store", logger: logger)
        try writer.createSchema(component: "approvals", version: PostgresApprovalSchema.version, lockID: PostgresApprovalSchema.lockID,
                                PostgresApprovalSchema.create)
    }

    public func close() {
        queue.sync {
            listener.stop()
            changes = nil
        }
        listener.close()
        writer.close()
    }

    // MARK: SharedApprovals

    public func start(_ changes: SharedApprovalChanges) throws -> SharedApprovalSnapshot {
        try queue.sync { () throws -> SharedApprovalSnapshot in
            self.changes = changes
            try listener.start(on: queue, heard: { [weak self] in self?.heard($0) },
                               everySecond: { [weak self] in self?.storeWaitingWrites() },
                               relistened: { [weak self] in try self?.readEverythingAgain() })
            return try writer.withConnection { try self.snapshot(on: $0) }
        }
    }

    public func publish(_ request: ApprovalRequest) {
        queue.async { [self] in
            unstored.append(request)
            storeWaitingWrites()
        }
    }

    public func settle(_ request: ApprovalRequest) {
        publish(request)
    }

    public func decide(
        requestID: String,
        _ change: @escaping @Sendable (inout ApprovalRequest) throws(ApprovalRefusal) -> ApprovalDecisionOutcome
    ) async throws(ApprovalRefusal) -> (stored: SharedApprovalRequest, outcome: ApprovalDecisionOutcome) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<(SharedApprovalRequest, ApprovalDecisionOutcome), ApprovalRefusal>, Never>) in
            queue.async { [self] in
                // This instance's own writes go first: a request published here a moment ago is found.
                storeWaitingWrites()
                do {
                    continuation.resume(returning: try writer.withConnection { try decide(requestID, change, on: $0) })
                } catch {
                    continuation.resume(returning: .failure(.storeUnavailable(PostgresStoreConnection.describe(error))))
                }
            }
        }
        return try result.get()
    }

    // MARK: On the queue

    /// One decision in one transaction: the request locked, changed, stored with its grant, announced.
    private func decide(
        _ requestID: String, _ change: (inout ApprovalRequest) throws(ApprovalRefusal) -> ApprovalDecisionOutcome,
        on connection: PostgresConnection
    ) throws -> Result<(SharedApprovalRequest, ApprovalDecisionOutcome), ApprovalRefusal> {
        try writer.inTransaction(connection) {
            guard let row = try writer.query(connection, """
                SELECT holder, request, grant_made FROM gatehouse_approval_requests WHERE request_id = \(requestID) FOR UPDATE
                """).first else { return .failure(.unknownRequest(requestID)) }
            var stored = try Self.decodeRequest(row)
            let before = stored.request
            let result: Result<ApprovalDecisionOutcome, ApprovalRefusal>
            do throws(ApprovalRefusal) { result = .success(try change(&stored.request)) } catch { result = .failure(error) }
            if case .success(.approved(let grant)) = result { stored.grant = grant }
            if stored.request != before {
                try update(stored, on: connection)
                if let grant = stored.grant, !grant.isOneTime {
                    try writer.run(connection, """
                        INSERT INTO gatehouse_approval_grants (grant_id, request_id, expires_at, grant_made)
                        VALUES (\(grant.id), \(grant.requestID), \(grant.expiresAt), \(try StoreJSON.encode(grant)))
                        ON CONFLICT (grant_id) DO NOTHING
                        """)
                    try notify("g:" + grant.id, on: connection)
                }
                try notify("r:" + requestID, on: connection)
            }
            return result.map { (stored, $0) }
        }
    }

    /// Stores the requests this instance published or ended, in order; what the store refuses
    /// waits for the next tick. Ending one changes only its state (decisions taken elsewhere
    /// stay), and a request already ended is never changed again.
    private func storeWaitingWrites() {
        while let request = unstored.first {
            do {
                try writer.withConnection { connection in
                    let stored = SharedApprovalRequest(request: request, holder: instance)
                    let body = try StoreJSON.encode(stored.request)
                    try writer.run(connection, """
                        WITH written AS (
                            INSERT INTO gatehouse_approval_requests (request_id, holder, state, deadline, request)
                            VALUES (\(request.id), \(instance), \(request.state.rawValue), \(request.deadline), \(body))
                            ON CONFLICT (request_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now(),
                                request = jsonb_set(gatehouse_approval_requests.request::jsonb, '{state}', to_jsonb(EXCLUDED.state))::text
                                WHERE gatehouse_approval_requests.state = 'pending' AND gatehouse_approval_requests.holder = EXCLUDED.holder
                            RETURNING request_id)
                        SELECT pg_notify(\(Self.channel), 'r:' || request_id) FROM written
                        """)
                }
                unstored.removeFirst()
            } catch {
                logger.error("approval request not yet in the shared store; trying again", metadata: ["request": "\(request.id)", "error": "\(error)"])
                return
            }
        }
    }

    private func update(_ stored: SharedApprovalRequest, on connection: PostgresConnection) throws {
        try writer.run(connection, """
            UPDATE gatehouse_approval_requests SET state = \(stored.request.state.rawValue), request = \(try StoreJSON.encode(stored.request)),
                grant_made = \(try stored.grant.map(StoreJSON.encode)), updated_at = now()
            WHERE request_id = \(stored.request.id)
            """)
    }

    private func notify(_ payload: String, on connection: PostgresConnection) throws {
        try writer.run(connection, "SELECT pg_notify(\(Self.channel), \(payload))")
    }

    /// A notification: read what changed and pass it on.
    private func heard(_ payload: String) {
        guard let changes else { return }
        do {
            try writer.withConnection { connection in
                let id = String(payload.dropFirst(2))
                if payload.hasPrefix("r:"), let stored = try request(id, on: connection) {
                    changes.request(stored)
                } else if payload.hasPrefix("g:"), let row = try writer.query(connection, """
                    SELECT grant_made FROM gatehouse_approval_grants WHERE grant_id = \(id)
                    """).first {
                    changes.grant(try StoreJSON.decode(ApprovalGrant.self, from: try row.decode(String.self)))
                }
            }
        } catch {
            // The tick reads everything again once the store answers.
            logger.error("a change in the shared approval store cannot be read", metadata: ["error": "\(error)"])
        }
    }

    /// After the listening connection was lost: everything pending, every grant, and the
    /// requests this instance waits on (decided meanwhile, perhaps).
    private func readEverythingAgain() throws {
        guard let changes else { return }
        try writer.withConnection { connection in
            let all = try snapshot(on: connection)
            for stored in all.pending { changes.request(stored) }
            for grant in all.grants { changes.grant(grant) }
            for id in changes.waitingIDs() {
                if let stored = try request(id, on: connection) { changes.request(stored) }
            }
        }
    }

    private func snapshot(on connection: PostgresConnection) throws -> SharedApprovalSnapshot {
        let pending = try writer.query(connection, """
            SELECT holder, request, grant_made FROM gatehouse_approval_requests WHERE state = 'pending' AND deadline > now()
            """).map(Self.decodeRequest)
        let grants = try writer.query(connection, "SELECT grant_made FROM gatehouse_approval_grants WHERE expires_at > now()").map { row in
            try StoreJSON.decode(ApprovalGrant.self, from: try row.decode(String.self))
        }
        return SharedApprovalSnapshot(pending: pending, grants: grants)
    }

    private func request(_ id: String, on connection: PostgresConnection) throws -> SharedApprovalRequest? {
        try writer.query(connection, """
            SELECT holder, request, grant_made FROM gatehouse_approval_requests WHERE request_id = \(id)
            """).first.map(Self.decodeRequest)
    }

    private static func decodeRequest(_ row: PostgresRow) throws -> SharedApprovalRequest {
        let (holder, request, grant) = try row.decode((String, String, String?).self)
        return SharedApprovalRequest(request: try StoreJSON.decode(ApprovalRequest.self, from: request), holder: holder,
                                     grant: try grant.map { try StoreJSON.decode(ApprovalGrant.self, from: $0) })
    }
}
