import Foundation
import GatehouseCore
import GatehousePolicy

/// A statement (or a Git fetch or push) held for approval: who asked, where, what it touches and
/// why it was held, the purpose given, and the decisions so far. For Git, the "statement" is the
/// request described in words (`git fetch team/app.git: want 1f2e…`): it holds no content.
public struct ApprovalRequest: Sendable, Hashable, Identifiable, Codable {
    /// `apr_` and 16 random hex digits.
    public let id: String
    /// Subject, agent application and groups of whoever sent the statement.
    public var requester: Principal
    public var connection: String
    /// The statement with personal identifiers masked: what approvers see and evidence records.
    public var maskedStatement: String
    /// The exact statement text that a one-time grant matches. Held in memory only: show and
    /// record `maskedStatement` instead.
    public var statementText: String
    /// What the statement touches (views resolved).
    public var scope: ApprovalScope
    /// Why it was held (from `ApprovalTrigger`).
    public var reasons: [String]
    public var purpose: Purpose?
    public var createdAt: Date
    /// When the held statement stops waiting.
    public var deadline: Date
    public var state: ApprovalState
    public var decisions: [ApprovalDecision]

    public init(
        id: String = ApprovalRequest.newID(), requester: Principal, connection: String, statementText: String,
        maskedStatement: String, need: ApprovalNeed, purpose: Purpose?, createdAt: Date, holdTimeoutSeconds: Int
    ) {
        self.id = id
        self.requester = requester
        self.connection = connection
        self.statementText = statementText
        self.maskedStatement = maskedStatement
        self.scope = need.scope
        self.reasons = need.reasons
        self.purpose = purpose
        self.createdAt = createdAt
        self.deadline = createdAt.addingTimeInterval(TimeInterval(holdTimeoutSeconds))
        self.state = .pending
        self.decisions = []
    }

    /// A fresh request ID: `apr_` and 16 random hex digits.
    public static func newID() -> String { ApprovalIdentifier.random(prefix: "apr_") }

    public var relations: [RelationName] { scope.relations }
    public var columns: [ColumnReference] { scope.columns }
    public var categories: [String] { scope.categories }
    public var repositories: [String] { scope.repositories }
    public var blobs: [String] { scope.blobs }
    public var pods: [String] { scope.pods }

    /// The distinct principals who approved so far.
    public var approvers: [Principal] {
        decisions.filter(\.approved).map(\.approver).reduce(into: []) { list, approver in
            if !list.contains(where: { $0.isSamePerson(as: approver) }) { list.append(approver) }
        }
    }
}

extension Principal {
    /// Issuer and subject identify a person; username and groups may change between tokens.
    public func isSamePerson(as other: Principal) -> Bool {
        ExactIdentifier.same(issuer, other.issuer) && ExactIdentifier.same(subject, other.subject)
    }
}
