import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy

/// Principals, rules and requests shared by the approval tests.
enum Fixture {
    static let issuer = "https://issuer.example"
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let customers = RelationName(schema: "public", name: "customers")
    static let orders = RelationName(schema: "public", name: "orders")

    static let requester = Principal(subject: "agent-alice", issuer: issuer, agentApplication: "coder", groups: ["engineers"])
    static let bob = Principal(subject: "bob", issuer: issuer, groups: ["dpo"])
    static let carol = Principal(subject: "carol", issuer: issuer, groups: ["dpo", "engineers"])
    static let outsider = Principal(subject: "mallory", issuer: issuer, groups: ["engineers"])

    static func rules(minimumApprovals: Int = 1, maximumGrantMinutes: Int = 60) -> ApprovalRules {
        ApprovalRules(mode: .personalData, approverGroups: ["dpo"], minimumApprovals: minimumApprovals,
                      maximumGrantMinutes: maximumGrantMinutes)
    }

    static func scope(_ relations: [RelationName] = [customers], kinds: [StatementKind] = [.select],
                      analysable: Bool = true) -> ApprovalScope {
        ApprovalScope(relations: relations, classifiedRelations: relations, categories: ["contact"], kinds: kinds,
                      analysable: analysable)
    }

    static func request(
        text: String = "SELECT email FROM customers WHERE id = 7", scope: ApprovalScope = scope(),
        requester: Principal = requester, connection: String = "shop"
    ) -> ApprovalRequest {
        ApprovalRequest(
            requester: requester, connection: connection, statementText: text, maskedStatement: text,
            need: ApprovalNeed(reasons: ["reads classified table public.customers (contact)"], scope: scope),
            purpose: Purpose(text: "TICKET-123", source: .statementComment), createdAt: start, holdTimeoutSeconds: 60)
    }

    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }
}
