import Foundation
import GatehouseCore
import GatehousePolicy

/// The grants in force: find one that covers a statement, use one-time grants up, forget
/// expired ones. A value: the broker guards it with its lock.
public struct GrantBook: Sendable, Hashable {
    public private(set) var grants: [ApprovalGrant] = []

    public init() {}

    public mutating func add(_ grant: ApprovalGrant) {
        grants.removeAll { $0.id == grant.id }
        grants.append(grant)
    }

    /// A grant that lets the statement proceed now, without using it up. One-time grants are
    /// preferred (they are the most specific), then the time-box that ends soonest.
    public func covering(
        principal: Principal, connection: String, statementText: String, scope: ApprovalScope, now: Date
    ) -> ApprovalGrant? {
        grants
            .filter { $0.covers(principal: principal, connection: connection, statementText: statementText, scope: scope, now: now) }
            .min { ($0.isOneTime ? 0 : 1, $0.expiresAt) < ($1.isOneTime ? 0 : 1, $1.expiresAt) }
    }

    /// Marks a grant used: a one-time grant is removed (it never covers again); a time-boxed one
    /// stays until it expires. Returns whether the grant was in the book.
    @discardableResult
    public mutating func consume(_ grantID: String) -> Bool {
        guard let index = grants.firstIndex(where: { $0.id == grantID }) else { return false }
        if grants[index].isOneTime { grants.remove(at: index) }
        return true
    }

    /// Finds a covering grant and uses it, in one step. `spendingOneTime: false` leaves a
    /// one-time grant in place: a Git fetch's negotiation round that does not end the fetch.
    public mutating func use(
        principal: Principal, connection: String, statementText: String, scope: ApprovalScope, now: Date,
        spendingOneTime: Bool = true
    ) -> ApprovalGrant? {
        guard let grant = covering(
            principal: principal, connection: connection, statementText: statementText, scope: scope, now: now)
        else { return nil }
        if spendingOneTime || !grant.isOneTime { consume(grant.id) }
        return grant
    }

    /// Forgets grants that have expired at `now`, and returns them.
    @discardableResult
    public mutating func dropExpired(now: Date) -> [ApprovalGrant] {
        let expired = grants.filter { now >= $0.expiresAt }
        grants.removeAll { now >= $0.expiresAt }
        return expired
    }
}
