/// One entry that touched a data subject (`SQLiteLedgerStore.subjects(digest:)`).
public struct LedgerSubjectHit: Hashable, Sendable {
    /// The identifier kind or classification category, as recorded with the entry.
    public let kind: String
    /// The entry's index in the log.
    public let index: UInt64
}
