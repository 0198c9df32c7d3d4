import GatehouseCore

/// What a held statement (or the statements of one message) touches, with views resolved to
/// their base relations. Approvers see it; time-boxed grants are scoped by it.
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

    public init(
        relations: [RelationName] = [], classifiedRelations: [RelationName] = [], columns: [ColumnReference] = [],
        categories: [String] = [], kinds: [StatementKind] = [], analysable: Bool = true
    ) {
        self.relations = relations
        self.classifiedRelations = classifiedRelations
        self.columns = columns
        self.categories = categories
        self.kinds = kinds
        self.analysable = analysable
    }
}
