extension LedgerEntryEnvelope {
    /// The event with its sealed fields opened by `key`; `.sealedUnavailable` when there is a box
    /// and no key. Throws `LedgerEntryError.dataKeyMismatch` for a key of another ID and
    /// `.sealedFieldsRejected` when the box does not authenticate in this entry.
    public func open(with key: DataKey?) throws -> LedgerEntryContents {
        guard let sealed else { return .event(joined(with: SealedFields())) }
        guard let key else { return .sealedUnavailable(self) }
        guard key.id == sealed.keyID else { throw LedgerEntryError.dataKeyMismatch(entryKeyID: sealed.keyID, givenKeyID: key.id) }
        let plaintext = try sealed.open(with: key, envelope: associatedData())
        let fields = try SealedFields(canonicalBytes: plaintext, kind: kind)
        // A git entry seals one `commits` element per clear commit, in the same order.
        if case .git(let git) = payload, (fields.commits?.count ?? 0) != git.commits.count {
            throw LedgerEntryError.invalidValue("sealed.commits")
        }
        return .event(joined(with: fields))
    }
}
