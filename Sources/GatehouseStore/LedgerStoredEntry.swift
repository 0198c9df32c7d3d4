import GatehouseLedger

/// An entry as read back for auditing: where it sits in the tree, its stored leaf hash and bytes.
public struct LedgerStoredEntry: Hashable, Sendable {
    public let index: UInt64
    public let leafHash: MerkleHash
    public let bytes: [UInt8]
}
