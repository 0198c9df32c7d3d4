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

    /// One labelled line of the connection's rules (approval, push rules...).
    public struct Detail: Sendable, Equatable {
        public var label: String
        public var value: String
        public init(_ label: String, _ value: String) {
            self.label = label
            self.value = value
        }
    }

    public var name: String
    public var kind: String
    /// `host:port/database` or the Git base URL, for orientation; never the user or password.
    public var upstream: String
    public var allowedGroups: [String]
    /// The kind's own rules: approval for PostgreSQL, push rules for Git.
    public var details: [Detail]
    public var classified: [ClassifiedTable]

    public init(name: String, kind: String, upstream: String, allowedGroups: [String], details: [Detail], classified: [ClassifiedTable]) {
        self.name = name
        self.kind = kind
        self.upstream = upstream
        self.allowedGroups = allowedGroups
        self.details = details
        self.classified = classified
    }
}
