import Foundation
import GatehouseCore
import GatehousePolicy

/// The request's state machine: pending until approved, denied, expired or cancelled.
extension ApprovalRequest {
    /// Records an approver's decision.
    ///
    /// Checked in this order: four-eyes (the requester never decides), approver-group membership,
    /// the request still pending, the deadline (a decision at or after it expires the request,
    /// which stays expired, and is refused), a second approval by the same approver, and the
    /// grant within the connection's cap. A denial by any approver denies. Approvals count per
    /// distinct approver (issuer and subject); at `minimumApprovals` the request is approved with
    /// the most restrictive grant any of them chose: one-time if any chose it, else the
    /// shortest time-box.
    public mutating func decide(
        by approver: Principal, approve: Bool, reason: String?, grant: GrantChoice, now: Date, rules: ApprovalRules
    ) throws(ApprovalRefusal) -> ApprovalDecisionOutcome {
        if approver.isSamePerson(as: requester) { throw .selfApproval }
        guard rules.isApprover(approver) else { throw .notAnApprover(approverGroups: rules.approverGroups) }
        guard state == .pending else { throw .notPending(state) }
        if expire(now: now) { throw .expired(deadline: deadline) }
        if approvers.contains(where: { $0.isSamePerson(as: approver) }) { throw .alreadyApproved }

        guard approve else {
            let decision = ApprovalDecision(approver: approver, approved: false, reason: reason, grant: nil, decidedAt: now)
            decisions.append(decision)
            state = .denied
            return .denied(decision)
        }
        if case .timeBoxed(let minutes) = grant {
            if minutes < 1 { throw .grantTooShort(minutes: minutes) }
            if minutes > rules.maximumGrantMinutes {
                throw .grantTooLong(minutes: minutes, maximumMinutes: rules.maximumGrantMinutes)
            }
        }
        decisions.append(ApprovalDecision(approver: approver, approved: true, reason: reason, grant: grant, decidedAt: now))
        let remaining = rules.minimumApprovals - approvers.count
        guard remaining <= 0 else { return .awaitingMoreApprovals(remaining: remaining) }
        state = .approved
        return .approved(makeGrant(now: now, rules: rules))
    }

    /// Expires the request if it is pending and its deadline has come. Returns whether it did.
    @discardableResult
    public mutating func expire(now: Date) -> Bool {
        guard state == .pending, now >= deadline else { return false }
        state = .expired
        return true
    }

    /// Cancels the request if it is pending (the client went away). Returns whether it did.
    @discardableResult
    public mutating func cancel() -> Bool {
        guard state == .pending else { return false }
        state = .cancelled
        return true
    }

    /// The grant of an approved request. A one-time grant lasts one hold timeout: the held
    /// statement or Git request proceeds at once, so an unused grant should not linger.
    private func makeGrant(now: Date, rules: ApprovalRules) -> ApprovalGrant {
        let chosen = decisions.filter(\.approved).compactMap(\.grant)
        let minutes = chosen.compactMap { choice -> Int? in
            if case .timeBoxed(let minutes) = choice { minutes } else { nil }
        }
        let coverage: ApprovalGrant.Coverage
        let lifetime: TimeInterval
        let isGit = !scope.repositories.isEmpty, isBlob = !scope.blobs.isEmpty, isPod = !scope.pods.isEmpty
        if chosen.contains(.oneTime) || minutes.isEmpty {
            coverage = isGit ? .gitRequest(requestText: statementText, repository: scope.repositories[0])
                : isBlob ? .blobRequest(requestText: statementText, blob: scope.blobs[0])
                : isPod ? .podRequest(requestText: statementText, pod: scope.pods[0]) : .oneTime(statementText: statementText)
            lifetime = TimeInterval(rules.holdTimeoutSeconds)
        } else {
            // A Blob time-box covers the operation below the blob's container and directory.
            coverage = isGit ? .gitRepositories(repositories: scope.repositories, operations: scope.gitOperations)
                : isBlob ? .blobPrefixes(prefixes: scope.blobs.map(Self.directory), operations: scope.blobOperations)
                // A Kubernetes time-box covers the operation on every pod of the pod's namespace.
                : isPod ? .podNamespaces(namespaces: Array(Set(scope.pods.map { String($0.prefix { $0 != "/" }) })).sorted(),
                                         operations: scope.kubeOperations)
                : .timeBoxed(relations: scope.relations, kinds: scope.kinds)
            lifetime = TimeInterval(minutes.min()! * 60)
        }
        return ApprovalGrant(
            id: ApprovalIdentifier.grantID(forRequest: id), requestID: id, issuer: requester.issuer,
            subject: requester.subject, connection: connection, coverage: coverage, approvers: approvers,
            grantedAt: now, expiresAt: now.addingTimeInterval(lifetime))
    }

    /// `exports/customers/` for `exports/customers/a.json`: what a time-boxed Blob grant covers.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[...slash])
    }
}
