import Foundation
import GatehouseCore

/// An entry to append: its bytes (opaque to the store; the format is the ledger's), the data
/// subjects it touched (indexed in `subjects`, so "which entries touched this person" is a
/// lookup), its session and time (copied into columns for exports by session or time range),
/// and the wrapped data key its sealed fields need when this entry is the session's first.
public struct LedgerAppendEntry: Sendable {
    public var bytes: [UInt8]
    public var subjects: [SubjectReference]
    public var sessionID: String?
    public var time: Date?
    /// Stored in the same transaction as the entry, so no committed entry lacks its key.
    public var newDataKey: LedgerNewDataKey?
    /// The entry derives classification: indexed in `derived_classifications`, so the gateway
    /// reads every such entry back when it starts.
    public var derivesClassification: Bool

    public init(bytes: [UInt8], subjects: [SubjectReference] = [], sessionID: String? = nil, time: Date? = nil,
                newDataKey: LedgerNewDataKey? = nil, derivesClassification: Bool = false) {
        self.bytes = bytes
        self.subjects = subjects
        self.sessionID = sessionID
        self.time = time
        self.newDataKey = newDataKey
        self.derivesClassification = derivesClassification
    }
}

/// A data key to store with an entry: its ID, wrapped bytes, and what retention needs.
public struct LedgerNewDataKey: Sendable, Hashable {
    public var keyID: String
    public var wrapped: [UInt8]
    public var connection: String?
    public var createdAt: Date

    public init(keyID: String, wrapped: [UInt8], connection: String?, createdAt: Date) {
        self.keyID = keyID
        self.wrapped = wrapped
        self.connection = connection
        self.createdAt = createdAt
    }
}
