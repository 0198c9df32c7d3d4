/// Which columns of a table are personal data by classification, as the error masker asks it:
/// errors name a table (fields `s` and `t`) and print values of its columns in their details.
public struct ClassifiedColumnLookup: Sendable {
    /// The category of `schema.table.column`, or nil when it is not classified. The schema is
    /// nil when the error did not name one.
    public var category: @Sendable (_ schema: String?, _ table: String, _ column: String) -> String?
    /// The category for a whole row of the table (its table-wide category, or a general one
    /// when its columns have several), or nil when nothing in it is masked by classification:
    /// used where PostgreSQL prints values without naming their columns.
    public var tableCategory: @Sendable (_ schema: String?, _ table: String) -> String?

    public init(
        category: @escaping @Sendable (_ schema: String?, _ table: String, _ column: String) -> String?,
        tableCategory: @escaping @Sendable (_ schema: String?, _ table: String) -> String?
    ) {
        self.category = category
        self.tableCategory = tableCategory
    }
}
