extension LedgerEntryEnvelope {
    /// The event with its sealed fields opened by `key`; `.sealedUnavailable` when there is a box
    /// and no key. Throws `LedgerEntryError.dataKeyMismatch` for a key of another ID and
    /// `.sealedFieldsRejected` when the box does not authenticate in this entry.
    public func open(with key: DataKey?) throws -> LedgerEntryContents {
        guard let sealed else { return .event(joined(with: SealedFields())) }
        guard let key else { return .sealedUnavailable(self) }
        guard key.id == sealed.keyID else { throw LedgerEntryError.dataKeyMismatch(entryKeyID: sealed.keyID, givenKeyID: key.id) }
        let plaintext = try sealed.open(with: key, envelope: associatedData())
        return .event(joined(with: try SealedFields(canonicalBytes: plaintext, kind: kind)))
    }
}
