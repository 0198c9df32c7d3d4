import GatehouseCore

/// The value rules docs/evidence.md states beyond types and key order, checked on every entry
/// read (`audit verify`, bundles, the index): two verifiers written from the document accept the
/// same entries. The field-by-field readers already refuse unknown enumerations of `outcome`,
/// `approval`, `git`, `blob`, `kubernetes` and `mcp`; these are the rest.
extension LedgerEntryEnvelope {
    func checkValueRules() throws {
        switch payload {
        case .statement(let statement):
            guard ["simple", "extended"].contains(statement.protocolMode) else { throw LedgerEntryError.invalidValue("payload.protocolMode") }
        case .erasure(let erasure):
            try Self.noActor(self)
            guard ["session", "subject", "retention"].contains(erasure.scope) else { throw LedgerEntryError.invalidValue("payload.scope") }
            guard Self.isStrictlySorted(erasure.sessions) else { throw LedgerEntryError.invalidValue("payload.sessions") }
        case .configuration(let configuration):
            try Self.noActor(self)
            guard Self.isLowerHex(configuration.sha256, lengths: [64]) else { throw LedgerEntryError.invalidValue("payload.sha256") }
            guard Self.isStrictlySorted(configuration.connections) else { throw LedgerEntryError.invalidValue("payload.connections") }
        case .approval(let approval):
            // Every step names who acted: the requester, or for approved and denied the approver.
            guard principal != nil else { throw LedgerEntryError.missingField("principal") }
            if let notified = approval.notified, !notified.allSatisfy(["webhook", "slack", "teams"].contains) {
                throw LedgerEntryError.invalidValue("payload.notified")
            }
        case .git(let git):
            for (index, id) in git.wants.enumerated() where !Self.isObjectID(id) { throw LedgerEntryError.invalidValue("payload.wants[\(index)]") }
            for (index, update) in git.refUpdates.enumerated() where !Self.isObjectID(update.old) || !Self.isObjectID(update.new) {
                throw LedgerEntryError.invalidValue("payload.refUpdates[\(index)]")
            }
            for (index, commit) in git.commits.enumerated()
            where !Self.isObjectID(commit.id) || !Self.isObjectID(commit.tree) || !commit.parents.allSatisfy(Self.isObjectID) {
                throw LedgerEntryError.invalidValue("payload.commits[\(index)]")
            }
        case .blob(let blob):
            if let sha256 = blob.activity.sha256, !Self.isLowerHex(sha256, lengths: [64]) { throw LedgerEntryError.invalidValue("payload.sha256") }
        case .kubernetes(let kube):
            if let sha256 = kube.activity.sha256, !Self.isLowerHex(sha256, lengths: [64]) { throw LedgerEntryError.invalidValue("payload.sha256") }
        case .mcp(let call):
            guard !call.activity.tool.isEmpty else { throw LedgerEntryError.invalidValue("payload.tool") }
            if let rows = call.activity.rows, rows < 0 { throw LedgerEntryError.invalidValue("payload.rows") }
        case .authentication, .sessionEnd, .outcome, .classification:
            break
        }
    }

    /// Gatehouse's own entries (erasure, configuration) are nobody's session on no connection.
    private static func noActor(_ entry: LedgerEntryEnvelope) throws {
        if entry.connection != nil { throw LedgerEntryError.unexpectedField("connection") }
        if entry.principal != nil { throw LedgerEntryError.unexpectedField("principal") }
    }

    /// Sorted by UTF-8 bytes, no duplicates.
    static func isStrictlySorted(_ values: [String]) -> Bool {
        zip(values, values.dropFirst()).allSatisfy { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// A Git object ID: SHA-1 or SHA-256, lower-case hex.
    static func isObjectID(_ text: String) -> Bool {
        isLowerHex(text, lengths: [40, 64])
    }

    static func isLowerHex(_ text: String, lengths: Set<Int>) -> Bool {
        lengths.contains(text.utf8.count) && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
