/// What one pack entry holds: a whole object, or a delta against a base named by its position
/// in this pack (OFS_DELTA) or by its object ID (REF_DELTA, possibly absent from a thin pack).
public enum PackEntryKind: Sendable, Hashable {
    case object(GitObjectType)
    /// `baseOffset` is the absolute byte offset of the base entry in the pack.
    case offsetDelta(baseOffset: Int)
    case referenceDelta(base: GitObjectID)

    public var isDelta: Bool {
        if case .object = self { false } else { true }
    }
}

/// One entry as read from the pack, inflated but not yet resolved.
struct PackEntry: Sendable {
    let index: Int
    let offset: Int
    let kind: PackEntryKind
    /// The inflated bytes: the object's content, or the delta's instructions.
    let data: [UInt8]
}
