/// A connection as the UI's connections page shows it: configuration only, no credentials.
public struct UIConnection: Sendable, Equatable {
    public struct ClassifiedTable: Sendable, Equatable {
        public var relation: String
        /// The whole table's category, when it has one.
        public var category: String?
        /// Column name to category.
        public var columns: [(name: String, category: String)]

        public init(relation: String, category: String?, columns: [(name: String, category: String)]) {
            self.relation = relation
            self.category = category
            self.columns = columns
        }

        public static func == (lhs: ClassifiedTable, rhs: ClassifiedTable) -> Bool {
            lhs.relation == rhs.relation && lhs.category == rhs.category
                && lhs.columns.map(\.name) == rhs.columns.map(\.name) && lhs.columns.map(\.category) == rhs.columns.map(\.category)
        }
    }

    public var name: String
    public var kind: String
    /// `host:port/database`, for orientation; never the user or password.
    public var upstream: String
    public var allowedGroups: [String]
    public var approvalMode: String
    public var approverGroups: [String]
    public var breakGlassGroups: [String]
    public var holdSeconds: Int
    public var maximumGrantMinutes: Int
    public var classified: [ClassifiedTable]

    public init(
        name: String, kind: String, upstream: String, allowedGroups: [String], approvalMode: String, approverGroups: [String],
        breakGlassGroups: [String], holdSeconds: Int, maximumGrantMinutes: Int, classified: [ClassifiedTable]
    ) {
        self.name = name
        self.kind = kind
        self.upstream = upstream
        self.allowedGroups = allowedGroups
        self.approvalMode = approvalMode
        self.approverGroups = approverGroups
        self.breakGlassGroups = breakGlassGroups
        self.holdSeconds = holdSeconds
        self.maximumGrantMinutes = maximumGrantMinutes
        self.classified = classified
    }
}
