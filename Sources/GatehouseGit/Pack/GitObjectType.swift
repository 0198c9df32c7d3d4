/// The four kinds of Git object, numbered as in the pack format's type field.
public enum GitObjectType: UInt8, Sendable, Hashable, CaseIterable {
    case commit = 1, tree = 2, blob = 3, tag = 4

    /// The name used in object headers (`"blob 12\0"`) and by `git cat-file -t`.
    public var name: String {
        switch self {
        case .commit: "commit"
        case .tree: "tree"
        case .blob: "blob"
        case .tag: "tag"
        }
    }

    /// The object's name: SHA-1 of `"<type> <size>\0"` followed by the content.
    public func objectID(of content: some Collection<UInt8>) -> GitObjectID {
        var hasher = SHA1()
        hasher.update(Array("\(name) \(content.count)\0".utf8))
        hasher.update(content)
        return GitObjectID(bytes: hasher.finalize())!
    }
}
