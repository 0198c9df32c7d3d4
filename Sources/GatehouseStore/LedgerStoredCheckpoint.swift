import Foundation

/// A checkpoint as stored: the signed note for the log at `treeSize`, and when it was signed.
public struct LedgerStoredCheckpoint: Hashable, Sendable {
    public let treeSize: UInt64
    /// The C2SP signed note, serialized.
    public let note: String
    public let signedAt: Date

    public init(treeSize: UInt64, note: String, signedAt: Date) {
        self.treeSize = treeSize
        self.note = note
        self.signedAt = signedAt
    }
}
