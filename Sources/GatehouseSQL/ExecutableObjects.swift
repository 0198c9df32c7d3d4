/// Statements that create or change code the server runs later, out of sight of the statement
/// that triggers it: functions, procedures, aggregates, operators, casts, triggers, rules,
/// policies, extensions and languages. A harmless-looking statement may call such code (a
/// function shadowing a built-in's name, an operator, a trigger on an unclassified table) and
/// read anything with it, so creating or changing it is never taken as fully described by its
/// text: the statement is unanalysable and, on a connection with personal data, held for an
/// approver, who sees its body.
///
/// Renaming, moving or re-owning a schema is here too: classification is by schema and name, so
/// a renamed schema would take classified tables out from under their names.
enum ExecutableObjects {
    /// Statement node types that always create or change executable code.
    static let statementTypes: Set<String> = [
        "CreateFunctionStmt", "AlterFunctionStmt", "DefineStmt", "CreateCastStmt", "CreateTrigStmt",
        "CreateEventTrigStmt", "AlterEventTrigStmt", "RuleStmt", "CreateOpClassStmt", "CreateOpFamilyStmt",
        "AlterOpFamilyStmt", "AlterOperatorStmt", "CreateConversionStmt", "CreateTransformStmt", "CreatePLangStmt",
        "CreateExtensionStmt", "AlterExtensionStmt", "AlterExtensionContentsStmt", "CreatePolicyStmt",
        "AlterPolicyStmt", "CreateRangeStmt", "AlterTypeStmt", "CreateForeignServerStmt", "CreateFdwStmt",
    ]

    /// Object types whose renaming, moving to another schema or change of owner changes which
    /// code a name calls, or which names classified data sits under.
    static let renamedObjectTypes: Set<String> = [
        "OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE", "OBJECT_AGGREGATE", "OBJECT_OPERATOR",
        "OBJECT_SCHEMA", "OBJECT_TRIGGER", "OBJECT_RULE", "OBJECT_TYPE", "OBJECT_DOMAIN", "OBJECT_POLICY",
        "OBJECT_EVENT_TRIGGER", "OBJECT_EXTENSION", "OBJECT_LANGUAGE", "OBJECT_CONVERSION",
    ]

    /// Why the statement is not fully described by its text, or nil when it is not one of these.
    static func limitation(ofNodeType type: String, fields: ParseNode) -> String? {
        if statementTypes.contains(type) {
            return "creates or changes code the server runs later (\(type.replacingOccurrences(of: "Stmt", with: ""))): its body can read any data"
        }
        let objectType: String?
        switch type {
        case "RenameStmt": objectType = fields["renameType"]?.stringValue
        case "AlterObjectSchemaStmt", "AlterOwnerStmt": objectType = fields["objectType"]?.stringValue
        default: objectType = nil
        }
        guard let objectType, renamedObjectTypes.contains(objectType) else { return nil }
        let what = objectType.dropFirst("OBJECT_".count).lowercased().replacingOccurrences(of: "_", with: " ")
        return "renames, moves or re-owns a \(what): which code a name runs, or which data a classified name holds, changes"
    }
}
