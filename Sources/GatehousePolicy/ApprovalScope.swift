import GatehouseCore

/// What a held statement (or the statements of one message) touches, with views resolved to
/// their base relations; or, for a held Git request, its repository and operation. Approvers see
/// it; time-boxed grants are scoped by it.
public struct ApprovalScope: Sendable, Hashable, Codable {
    /// Every base relation read or written (schema-qualified, sorted).
    public var relations: [RelationName]
    /// Those of `relations` (or views read) that are classified.
    public var classifiedRelations: [RelationName]
    /// Classified columns referenced (schema-qualified relation, sorted by description).
    public var columns: [ColumnReference]
    /// Personal-data categories touched (sorted).
    public var categories: [String]
    /// Statement kinds, in order of first appearance.
    public var kinds: [StatementKind]
    /// False when any statement could not be fully analysed: its relations may be incomplete.
    public var analysable: Bool
    /// Git: the repository paths (under the connection) the request reads or writes.
    public var repositories: [String]
    /// Git: what the request does to them.
    public var gitOperations: [GitOperation]
    /// Azure Blob: the `container/blob` paths (names masked) the request reads or writes.
    public var blobs: [String]
    /// Azure Blob: its operations (`get-blob`, `put-blob`, ...).
    public var blobOperations: [String]
    /// Kubernetes: the `namespace/pod` the request reaches.
    public var pods: [String]
    /// Kubernetes: its operations (`exec`, `logs`).
    public var kubeOperations: [String]

    public init(
        relations: [RelationName] = [], classifiedRelations: [RelationName] = [], columns: [ColumnReference] = [],
        categories: [String] = [], kinds: [StatementKind] = [], analysable: Bool = true,
        repositories: [String] = [], gitOperations: [GitOperation] = [], blobs: [String] = [], blobOperations: [String] = [],
        pods: [String] = [], kubeOperations: [String] = []
    ) {
        self.pods = pods
        self.kubeOperations = kubeOperations
        self.blobs = blobs
        self.blobOperations = blobOperations
        self.repositories = repositories
        self.gitOperations = gitOperations
        self.relations = relations
        self.classifiedRelations = classifiedRelations
        self.columns = columns
        self.categories = categories
        self.kinds = kinds
        self.analysable = analysable
    }
}
