import GatehouseCore

/// An entry to append: its bytes (opaque to the store; the format is the ledger's) and the data
/// subjects it touched, indexed in `subjects` so "which entries touched this person" is a lookup.
public struct LedgerAppendEntry: Hashable, Sendable {
    public var bytes: [UInt8]
    public var subjects: [SubjectReference]

    public init(bytes: [UInt8], subjects: [SubjectReference] = []) {
        self.bytes = bytes
        self.subjects = subjects
    }
}
