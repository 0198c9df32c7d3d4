/// One entry of a parsed pack as the gateway sees it. `type`, `id` and `size` are nil only for a
/// delta whose base is not in the pack (a thin pack's delta against an object the server has).
public struct PackObject: Sendable, Hashable {
    public let index: Int
    /// Byte offset of the entry's header from the start of the pack.
    public let offset: Int
    public let kind: PackEntryKind
    /// Inflated size of the entry itself: the content, or for a delta its instructions.
    public let entrySize: Int
    public internal(set) var type: GitObjectType?
    public internal(set) var id: GitObjectID?
    /// Size of the object's content (for a resolved delta, the size after applying it).
    public internal(set) var size: Int?
    /// 0 for a whole object, 1 for a delta against a whole object, and so on.
    public internal(set) var deltaDepth: Int?

    public var isResolved: Bool { id != nil }
}

/// The literal bytes a delta inserts: new content the push brings even when the delta's base
/// stays on the server. `baseID` is known for REF_DELTA and for resolved OFS_DELTA entries.
public struct DeltaInserts: Sendable, Hashable {
    public let objectIndex: Int
    public internal(set) var baseID: GitObjectID?
    public internal(set) var resultID: GitObjectID?
    public let chunks: [ArraySlice<UInt8>]
}
