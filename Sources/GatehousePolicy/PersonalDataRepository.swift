/// Repositories of a Git connection classified as holding personal data (exports, fixtures,
/// HR tooling…): which paths, what kind of data, and which operations on them need approval.
public struct PersonalDataRepository: Sendable, Hashable {
    /// Matched against the repository path under the connection (`team/hr-exports.git`).
    public var pattern: PathPattern
    /// Personal-data categories, shown to approvers and recorded (may be empty).
    public var categories: [String]
    /// The operations held for approval; never empty.
    public var operations: Set<GitOperation>

    public init(pattern: String, categories: [String] = [], operations: Set<GitOperation> = Set(GitOperation.allCases)) {
        self.pattern = PathPattern(pattern)
        self.categories = categories
        self.operations = operations
    }
}
