import GatehouseLedger

/// What one `append` call committed: its entries are `firstIndex ..< treeSize`, and `rootHash`
/// is the root of the log at `treeSize` (the first tree that contains all of them).
public struct LedgerAppend: Hashable, Sendable {
    public let firstIndex: UInt64
    public let treeSize: UInt64
    public let rootHash: MerkleHash

    public init(firstIndex: UInt64, treeSize: UInt64, rootHash: MerkleHash) {
        self.firstIndex = firstIndex
        self.treeSize = treeSize
        self.rootHash = rootHash
    }

    /// The indexes this call's entries got, in order.
    public var indexes: Range<UInt64> { firstIndex..<treeSize }
}
