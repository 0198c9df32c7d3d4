import Foundation

/// A stored data key: its wrapped bytes (wrapping is the caller's), or none once erased.
public struct LedgerDataKey: Hashable, Sendable {
    public let keyID: String
    /// nil once the key has been erased: what it encrypted can no longer be read.
    public let wrapped: [UInt8]?
    public let erasedAt: Date?
}
