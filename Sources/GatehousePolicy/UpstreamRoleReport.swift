import GatehouseCore

/// What the PostgreSQL role Gatehouse logs in as may do, read from the server (`query`, run as
/// that role), and what of it defeats the database backstop: statements the gateway lets
/// through without approval run as this role, so it must not be able to read classified data,
/// whatever the gateway's analysis concludes (docs/security.md, "The upstream roles").
public struct UpstreamRoleReport: Sendable, Equatable {
    public var role: String?
    public var isSuperuser = false
    public var bypassesRowSecurity = false
    /// Roles it may `SET ROLE` to, and whether it has their privileges without doing so.
    public var memberships: [String: Bool] = [:]
    /// Schemas where it may create objects (functions, operators, types, tables).
    public var creatableSchemas: [String] = []
    /// Every column of a user relation it may read.
    public var readableColumns: [ColumnReference] = []
    /// `SECURITY DEFINER` functions it may call that run as another role.
    public var definerFunctions: [DefinerFunction] = []

    public struct DefinerFunction: Sendable, Equatable {
        /// Schema-qualified.
        public var name: String
        public var owner: String
    }

    /// Rows tagged `privilege`, five wide, so they ride along with the catalog's other queries.
    public static let query = """
        SELECT 'privilege', 'role', rolname::text, rolsuper::text, rolbypassrls::text FROM pg_roles WHERE rolname = current_user \
        UNION ALL SELECT 'privilege', 'member', r.rolname::text, pg_has_role(current_user, r.oid, 'USAGE')::text, '' FROM pg_roles r \
        WHERE r.rolname <> current_user AND pg_has_role(current_user, r.oid, 'MEMBER') \
        UNION ALL SELECT 'privilege', 'create', n.nspname::text, '', '' FROM pg_namespace n \
        WHERE has_schema_privilege(n.oid, 'CREATE') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast%' \
        UNION ALL SELECT 'privilege', 'read', n.nspname::text, c.relname::text, a.attname::text FROM pg_class c \
        JOIN pg_namespace n ON n.oid = c.relnamespace \
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
        AND n.nspname NOT LIKE 'pg\\_toast%' AND has_column_privilege(c.oid, a.attnum, 'SELECT') \
        UNION ALL SELECT 'privilege', 'definer', n.nspname::text, p.proname::text, pg_get_userbyid(p.proowner)::text FROM pg_proc p \
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prosecdef AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) \
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND has_function_privilege(p.oid, 'EXECUTE') \
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        """

    public init() {}

    /// From the rows of `query`; rows of other queries (other widths or tags) are ignored.
    public init(rows: [[String?]]) {
        for row in rows where row.count == 5 && row[0] == "privilege" {
            let (kind, first, second, third) = (row[1] ?? "", row[2] ?? "", row[3] ?? "", row[4] ?? "")
            switch kind {
            case "role":
                role = first
                isSuperuser = second == "true"
                bypassesRowSecurity = third == "true"
            case "member":
                memberships[first] = second == "true"
            case "create":
                creatableSchemas.append(first)
            case "read":
                readableColumns.append(ColumnReference(relation: RelationName(schema: first, name: second), column: third))
            case "definer":
                definerFunctions.append(DefinerFunction(name: "\(first).\(second)", owner: third))
            default:
                continue
            }
        }
    }

    /// Why this role does not hold the backstop for a connection with `classification`, one
    /// line each (empty: it holds). `baseColumns` lines a view's column up with the table
    /// columns behind it, so a readable view over classified columns counts as reading them.
    public func problems(classification: DataClassification, approvedRole: String?,
                         baseColumns: (ColumnReference) -> [ColumnReference]) -> [String] {
        guard let role else { return ["the privileges of the upstream role could not be read"] }
        var problems: [String] = []
        if isSuperuser { problems.append("role \(role) is a superuser: it can read everything and change any privilege") }
        if bypassesRowSecurity { problems.append("role \(role) bypasses row-level security (BYPASSRLS)") }
        let classified = readableColumns.filter { column in
            classification.category(of: column) != nil || baseColumns(column).contains { classification.category(of: $0) != nil }
        }
        if !classified.isEmpty {
            let names = classified.prefix(5).map { "\($0.relation.map(\.description) ?? "?").\($0.column)" }
            problems.append("role \(role) can read \(classified.count) classified column(s) without approval (\(names.joined(separator: ", "))"
                + (classified.count > 5 ? ", ..." : "") + ")")
        }
        if !definerFunctions.isEmpty {
            // It runs with its owner's privileges, whatever the caller may read.
            let names = definerFunctions.prefix(5).map { "\($0.name) owned by \($0.owner)" }
            problems.append("role \(role) can call \(definerFunctions.count) SECURITY DEFINER function(s) that run as another role ("
                + names.joined(separator: ", ") + (definerFunctions.count > 5 ? ", ..." : "") + "): REVOKE EXECUTE from PUBLIC and \(role)")
        }
        if !creatableSchemas.isEmpty {
            problems.append("role \(role) can create functions, operators and types in schema(s) \(creatableSchemas.sorted().joined(separator: ", "))")
        }
        if let approvedRole {
            switch memberships[approvedRole] {
            case nil:
                problems.append("role \(role) cannot SET ROLE \(approvedRole) (the approved role): GRANT \(approvedRole) TO \(role)")
            case true?:
                problems.append("role \(role) inherits the privileges of \(approvedRole): make it NOINHERIT, so only approved statements have them")
            case false?:
                break
            }
        }
        return problems
    }
}
