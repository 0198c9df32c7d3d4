import Foundation

/// A stored data key: its wrapped bytes (wrapping is the caller's), or none once erased.
public struct LedgerDataKey: Hashable, Sendable {
    public let keyID: String
    /// nil once the key has been erased: what it encrypted can no longer be read.
    public let wrapped: [UInt8]?
    /// The connection whose retention period applies.
    public let connection: String?
    public let createdAt: Date?
    public let erasedAt: Date?
    /// `erasure` (on request) or `retention` (the period ended), once erased.
    public let erasedBecause: String?

    public init(keyID: String, wrapped: [UInt8]?, connection: String?, createdAt: Date?, erasedAt: Date?, erasedBecause: String?) {
        self.keyID = keyID
        self.wrapped = wrapped
        self.connection = connection
        self.createdAt = createdAt
        self.erasedAt = erasedAt
        self.erasedBecause = erasedBecause
    }
}
