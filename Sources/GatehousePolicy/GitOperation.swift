/// What a Git request does to a repository, as approval sees it: `fetch` reads its content
/// (clone, fetch, pull), `push` writes to it. Ref advertisements and v2 `ls-refs` list ref names
/// only and are never held.
public enum GitOperation: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case fetch
    case push

    public static func < (lhs: GitOperation, rhs: GitOperation) -> Bool { lhs.rawValue < rhs.rawValue }
}
