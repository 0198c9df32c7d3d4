import GatehouseCore

/// Maps a parse-tree statement node type to the statement's kind.
enum StatementKindClassifier {
    private static let kinds: [String: StatementKind] = [
        "SelectStmt": .select, "InsertStmt": .insert, "UpdateStmt": .update, "DeleteStmt": .delete,
        "MergeStmt": .merge, "CopyStmt": .copy, "TransactionStmt": .transaction,
        "VariableSetStmt": .set, "VariableShowStmt": .show, "ExplainStmt": .explain,
        "CallStmt": .call, "DoStmt": .doBlock, "PrepareStmt": .prepare, "ExecuteStmt": .execute,
        "DeallocateStmt": .deallocate, "DiscardStmt": .deallocate, "ListenStmt": .listen, "UnlistenStmt": .listen,
        "NotifyStmt": .notify,
    ]

    /// Node type prefixes of statements that define or change schema objects or privileges.
    private static let definitionPrefixes = [
        "Create", "Alter", "Drop", "Define", "Rename", "Comment", "Grant", "Truncate", "Reassign",
        "SecLabel", "ImportForeignSchema", "CompositeType", "Index", "View", "Rule",
        "RefreshMatView", "ReplicaIdentity",
    ]

    static func kind(ofNodeType type: String) -> StatementKind {
        if let kind = kinds[type] { return kind }
        if definitionPrefixes.contains(where: { type.hasPrefix($0) }) { return .ddl }
        return .utility
    }
}
