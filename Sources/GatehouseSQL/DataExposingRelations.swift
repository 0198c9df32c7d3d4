import GatehouseCore

/// System views that hold other tables' values rather than definitions: planner statistics
/// (most common values, histogram bounds) and the texts of statements other sessions ran (with
/// their literals). Reading one reads data the statement does not name, so the statement is
/// unanalysable: on a connection with personal data it is held, and its result masked whole.
enum DataExposingRelations {
    static let names: Set<String> = [
        "pg_stats", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic", "pg_statistic_ext_data",
        "pg_stat_activity", "pg_stat_statements", "pg_stat_statements_info",
    ]

    /// Whether `relation` names one of them: in `pg_catalog`, or unqualified (the search path
    /// finds `pg_catalog` first unless it is listed later; either way, fail safe).
    /// `pg_stat_statements` lives in whatever schema its extension was installed in.
    static func contains(_ relation: RelationName) -> Bool {
        guard names.contains(relation.name) else { return false }
        guard let schema = relation.schema else { return true }
        return schema == "pg_catalog" || relation.name.hasPrefix("pg_stat_statements")
    }
}
