import GatehouseCore

/// The pure decisions Gatehouse takes for a connection: request in, decision out, no I/O.
///
/// Today it decides who may reach a connection (group membership) and lets every statement of an
/// admitted principal through. Approval holds (issue: just-in-time approval) plug into
/// `decide(_:)` without changing its callers.
public struct AccessPolicy: Sendable {
    public var connection: String
    /// Principals need at least one of these groups.
    public var allowedGroups: [String]
    public var classification: DataClassification

    public init(connection: String, allowedGroups: [String], classification: DataClassification) {
        self.connection = connection
        self.allowedGroups = allowedGroups
        self.classification = classification
    }

    /// May this principal open a session on the connection at all?
    public func admit(_ principal: Principal) -> Decision {
        if ExactIdentifier.sharesAny(principal.groups, allowedGroups) { return .allow }
        let allowed = allowedGroups.isEmpty ? "no group is allowed" : "allowed groups: \(allowedGroups.joined(separator: ", "))"
        return .deny(reason: "\(principal.displayName) is not in a group allowed on connection '\(connection)' (\(allowed))")
    }

    /// May these statements run now?
    public func decide(_ request: AccessRequest) -> Decision {
        guard admit(request.principal).isAllowed else { return admit(request.principal) }
        if let reason = request.statements.lazy.compactMap(\.forbidden).first { return .deny(reason: reason) }
        return .allow
    }

    /// Whether a statement reads or writes classified data, or cannot be analysed (fail safe).
    public func touchesPersonalData(_ statement: StatementAnalysis) -> Bool {
        if !statement.analysable { return true }
        if statement.relations.contains(where: { classification.table($0) != nil }) { return true }
        return statement.columns.contains { classification.category(of: $0) != nil }
    }
}
