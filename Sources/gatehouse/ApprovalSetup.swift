import Foundation
import GatehouseApproval
import GatehouseConfig
import GatehouseCore
import GatehouseIdentity
import GatehouseNotify
import GatehousePolicy
import GatehouseStore
import GatehouseStorePostgres
import GatehouseWeb
import Logging

/// The approval pieces `serve` and `demo` share: one broker for every connection (the
/// PostgreSQL sessions hold statements on it, the REST API decides on it), its expiry clock,
/// the URL an approver opens for a request (its web UI page), and the notifications each step sends.
struct ApprovalSetup {
    let configuration: GatehouseConfiguration
    let broker: ApprovalBroker
    let url: @Sendable (String) -> String
    let sender: NotificationSender?
    /// The kinds of the configured targets, recorded with each request (`notified`).
    let notificationKinds: [String]
    /// Where requests and grants are shared with other instances (`store: postgres`).
    let shared: PostgresApprovalStore?
    /// Each connection's approval rules, as last loaded (a reload replaces them).
    let rules: ApprovalRulesTable

    /// Resolves the notification targets' URLs and secrets now: a broken target stops the start.
    init(configuration: GatehouseConfiguration, logger: Logger) throws {
        self.configuration = configuration
        rules = ApprovalRulesTable(configuration.approvalRulesByConnection)
        let url: @Sendable (String) -> String = { id in configuration.approvalPageURL(requestID: id) }
        self.url = url

        let targets = try configuration.notifications.map(Self.target)
        let sender = targets.isEmpty ? nil : NotificationSender(targets: targets, onFailure: { failure in
            logger.error("approval notification not delivered", metadata: ["failure": "\(failure)"])
        })
        self.sender = sender
        notificationKinds = configuration.notifications.map(\.kind)
        do {
            shared = try LedgerSetup.storeSettings(configuration).map { try PostgresApprovalStore(settings: $0, logger: logger) }
        } catch let error as LedgerStoreError {
            throw ValidationFailure("approvals cannot be shared: \(error)")
        }
        broker = ApprovalBroker(shared: shared) { transition in
            // Sessions record every step in the ledger; here the operator's log line, and the news.
            logger.info("approval", metadata: Self.logMetadata(transition))
            if let notice = Self.notice(for: transition, url: url) { sender?.notify(notice) }
        }
    }

    /// The REST API, authenticating callers with the same token validation as the listener.
    func api(validator: TokenValidator) -> ApprovalAPI {
        let rules = rules
        return ApprovalAPI(broker: broker, rules: { rules.current[$0] }, authenticate: { try await validator.validate($0) }, approvalURL: url)
    }

    /// Takes in the approvals other instances share, and records the cancellation of the
    /// requests this instance held before it restarted (their clients are gone).
    func startSharing(recorder: any EventRecorder, logger: Logger) async throws {
        let orphans: [ApprovalRequest]
        do {
            orphans = try broker.startSharing()
        } catch {
            throw ValidationFailure("approvals cannot be shared: \(error)")
        }
        guard !orphans.isEmpty else { return }
        let comment = "the gateway instance holding it (\(shared?.instance ?? "")) restarted; its client was disconnected"
        let session = "gateway-" + UUID().uuidString.lowercased()
        try await recorder.record(orphans.map { request in
            GatehouseEvent(sessionID: session, connection: request.connection, principal: request.requester,
                           payload: .approval(.init(step: .cancelled, requestID: request.id, statementIDs: [], comment: comment)))
        })
        logger.info("approval requests held before the restart cancelled", metadata: ["count": "\(orphans.count)"])
    }

    /// Expires requests past their deadline, every second (the waiting client then gets its
    /// timeout error), until cancelled.
    func startExpiring() -> Task<Void, Never> {
        let broker = broker
        return Task {
            while !Task.isCancelled {
                _ = broker.expireDue(now: Date())
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private static func target(_ configured: NotificationConfiguration) throws -> NotificationTarget {
        guard let kind = NotificationTarget.Kind(rawValue: configured.kind) else {
            throw ValidationFailure("notifications: '\(configured.name)': unknown kind \(configured.kind)")
        }
        do {
            return try NotificationTarget(name: configured.name, kind: kind, url: try configured.url.resolve(),
                                          secret: try configured.secret?.resolve())
        } catch {
            throw ValidationFailure("notifications: '\(configured.name)': \(error)")
        }
    }

    /// The operator's log line for a step: which step of which request, on which connection.
    /// Never the statement, the requester or the reasons: those are evidence, in the ledger.
    static func logMetadata(_ transition: ApprovalTransition) -> Logger.Metadata {
        let (step, request): (String, String) = switch transition {
        case .requested(let request): ("requested", request.id)
        case .approvalCounted(let request, _, _, _): ("approval_counted", request.id)
        case .approved(let request, _, _, _): ("approved", request.id)
        case .denied(let request, _, _): ("denied", request.id)
        case .expired(let request): ("expired", request.id)
        case .cancelled(let request): ("cancelled", request.id)
        case .grantUsed(_, let requestID): ("grant_used", requestID)
        }
        return ["step": "\(step)", "request": "\(request)"]
    }

    /// What a transition announces; partial approvals, cancellations and grant uses are not news.
    private static func notice(for transition: ApprovalTransition, url: (String) -> String) -> ApprovalNotice? {
        func make(_ event: ApprovalEvent, _ request: ApprovalRequest, decidedBy: Principal? = nil) -> ApprovalNotice {
            ApprovalNotice(event: event, requestID: request.id, requester: request.requester, connection: request.connection,
                           purpose: request.purpose?.text, maskedStatement: request.maskedStatement,
                           tables: request.relations.map(\.description), personalDataCategories: request.categories,
                           reasons: request.reasons, createdAt: request.createdAt, deadline: request.deadline,
                           decidedAt: decidedBy == nil ? nil : Date(), decidedBy: decidedBy.map { $0.username ?? $0.subject },
                           approvalURL: URL(string: url(request.id)))
        }
        switch transition {
        case .requested(let request): return make(.requested, request)
        case .approved(let request, let approver, _, _): return make(.approved, request, decidedBy: approver)
        case .denied(let request, let approver, _): return make(.denied, request, decidedBy: approver)
        case .expired(let request): return make(.expired, request)
        default: return nil
        }
    }
}

/// The approval rules the API and UI decide by, replaced whole when the configuration is reloaded.
final class ApprovalRulesTable: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [String: ApprovalRules]

    init(_ rules: [String: ApprovalRules]) { self.rules = rules }

    var current: [String: ApprovalRules] {
        get { lock.withLock { rules } }
        set { lock.withLock { rules = newValue } }
    }
}
