import Foundation
import GatehouseCore
import GatehousePolicy

/// Permission, given by approvers, for statements to proceed without another hold.
public struct ApprovalGrant: Sendable, Hashable, Identifiable, Codable {
    public enum Coverage: Sendable, Hashable, Codable {
        /// Exactly this statement text, once.
        case oneTime(statementText: String)
        /// Any fully analysed statement that touches only these relations and is of one of
        /// these kinds. The kinds are part of the scope so that approving a read does not
        /// also approve an UPDATE, DELETE or DDL on the same tables.
        case timeBoxed(relations: [RelationName], kinds: [StatementKind])
        /// Git, once: exactly this request (same repository, wants or ref updates). A fetch's
        /// negotiation rounds repeat its wants; the round that ends negotiation spends the grant.
        case gitRequest(requestText: String, repository: String)
        /// Git, time-boxed: any of these operations on these repositories.
        case gitRepositories(repositories: [String], operations: [GitOperation])
        /// Azure Blob, once: exactly this request.
        case blobRequest(requestText: String, blob: String)
        /// Azure Blob, time-boxed: these operations on blobs below these prefixes (`container/dir/`).
        case blobPrefixes(prefixes: [String], operations: [String])
        /// Kubernetes, once: exactly this request (same pod, command).
        case podRequest(requestText: String, pod: String)
        /// Kubernetes, time-boxed: these operations on any pod of these namespaces.
        case podNamespaces(namespaces: [String], operations: [String])
    }

    /// `grt_` and the digits of the request it came from.
    public var id: String
    public var requestID: String
    /// The requester it applies to (issuer and subject identify them).
    public var issuer: String
    public var subject: String
    public var connection: String
    public var coverage: Coverage
    /// The approvers whose approvals made the grant.
    public var approvers: [Principal]
    public var grantedAt: Date
    public var expiresAt: Date

    public init(
        id: String, requestID: String, issuer: String, subject: String, connection: String, coverage: Coverage,
        approvers: [Principal], grantedAt: Date, expiresAt: Date
    ) {
        self.id = id
        self.requestID = requestID
        self.issuer = issuer
        self.subject = subject
        self.connection = connection
        self.coverage = coverage
        self.approvers = approvers
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
    }

    /// Covers one statement or one Git request (as opposed to a time-box).
    public var isOneTime: Bool {
        switch coverage {
        case .oneTime, .gitRequest, .blobRequest, .podRequest: true
        case .timeBoxed, .gitRepositories, .blobPrefixes, .podNamespaces: false
        }
    }


    /// Whether this grant lets the principal's statement proceed on the connection now.
    /// `scope` is the statement's `ApprovalNeed.scope` (relations with views resolved).
    public func covers(
        principal: Principal, connection: String, statementText: String, scope: ApprovalScope, now: Date
    ) -> Bool {
        guard ExactIdentifier.same(principal.issuer, issuer), ExactIdentifier.same(principal.subject, subject), connection == self.connection,
              now < expiresAt else { return false }
        switch coverage {
        case .oneTime(let text), .gitRequest(let text, _), .blobRequest(let text, _), .podRequest(let text, _):
            return statementText == text
        case .timeBoxed(let relations, let kinds):
            // An incompletely analysed statement may touch relations nobody saw: never covered.
            // Nor is a Git, Blob or Kubernetes request, which touches no relation.
            return scope.analysable && scope.repositories.isEmpty && scope.blobs.isEmpty && scope.pods.isEmpty
                && Set(scope.relations).isSubset(of: relations)
                && Set(scope.kinds).isSubset(of: kinds)
        case .gitRepositories(let repositories, let operations):
            return !scope.repositories.isEmpty
                && Set(scope.repositories).isSubset(of: repositories)
                && Set(scope.gitOperations).isSubset(of: operations)
        case .blobPrefixes(let prefixes, let operations):
            return !scope.blobs.isEmpty
                && scope.blobs.allSatisfy { blob in prefixes.contains { blob.hasPrefix($0) } }
                && Set(scope.blobOperations).isSubset(of: operations)
        case .podNamespaces(let namespaces, let operations):
            return !scope.pods.isEmpty
                && scope.pods.allSatisfy { pod in namespaces.contains(String(pod.prefix { $0 != "/" })) }
                && Set(scope.kubeOperations).isSubset(of: operations)
        }
    }
}

extension ApprovalGrant {
    /// The grant as approval events record it: its kind, expiry and scope (never a one-time
    /// grant's statement text).
    public var evidence: EventPayload.Approval.Grant {
        switch coverage {
        case .oneTime:
            .init(kind: .oneTime, expires: expiresAt, relations: [])
        case .timeBoxed(let relations, _):
            .init(kind: .timeBoxed, expires: expiresAt, relations: relations)
        case .gitRequest(_, let repository):
            .init(kind: .oneTime, expires: expiresAt, relations: [], repositories: [repository])
        case .gitRepositories(let repositories, _):
            .init(kind: .timeBoxed, expires: expiresAt, relations: [], repositories: repositories)
        case .blobRequest(_, let blob):
            .init(kind: .oneTime, expires: expiresAt, relations: [], blobs: [blob])
        case .blobPrefixes(let prefixes, _):
            .init(kind: .timeBoxed, expires: expiresAt, relations: [], blobs: prefixes)
        case .podRequest(_, let pod):
            .init(kind: .oneTime, expires: expiresAt, relations: [], pods: [pod])
        case .podNamespaces(let namespaces, _):
            .init(kind: .timeBoxed, expires: expiresAt, relations: [], pods: namespaces.map { $0 + "/" })
        }
    }
}
