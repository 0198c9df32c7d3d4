import GatehouseCore

/// The functions and operators a database defines outside `pg_catalog`, and the types and
/// relations whose values run such code, by name, so that a statement calling a built-in's name
/// is known to call the built-in and a statement naming no such type or relation runs no
/// user-defined code.
///
/// PostgreSQL resolves `upper(x)` or `a + b` by name and argument types over the search path:
/// a `public.upper(integer)` (or any `upper` once the search path puts `public` first) runs in
/// place of the built-in, and so does a function over a table's row type called in attribute
/// notation (`p.leak` for `leak(products)`). The analysis lists the names a statement uses;
/// any of them that the database also defines outside `pg_catalog` makes the statement
/// unanalysable (held on a connection with personal data, its result masked whole). Names
/// qualified with `pg_catalog` cannot be shadowed and pass.
///
/// Code also runs where no name calls it: a domain's check constraint when a value becomes the
/// domain, a user-defined cast wherever its types meet (implicitly too), a type's input and
/// output functions. The catalog resolves those by OID (`pg_cast`, the constraint's dependencies,
/// `pg_type`) to the types involved, follows them through domains, arrays and composite types, and
/// lists the types and the relations with a column of one: a statement casting to such a type
/// or reading or writing such a relation is unanalysable. So is a write to a relation with
/// triggers or rules, which run whatever their author wrote.
public struct RoutineCatalog: Sendable, Equatable {
    /// Function (and procedure, aggregate) names, each with the schemas that define it.
    public private(set) var functions: [String: [String]]
    /// Operator names, each with the schemas that define it.
    public private(set) var operators: [String: [String]]
    /// Types whose values run user-defined code (domain checks, casts, I/O), with their schemas.
    public private(set) var types: [String: [String]]
    /// Relations with a column of such a type, with their schemas.
    public private(set) var typedRelations: [String: [String]]
    /// Relations whose writes run user code (triggers, rules), with their schemas.
    public private(set) var triggeredRelations: [String: [String]]
    /// The function names of `pg_catalog` and of `information_schema`, as the database has them
    /// (empty until read: `BuiltinFunctions`' short list stands in).
    public private(set) var builtinFunctions: Set<String> = []
    public private(set) var informationSchemaFunctions: Set<String> = []

    public init(functions: [String: [String]] = [:], operators: [String: [String]] = [:],
                types: [String: [String]] = [:], typedRelations: [String: [String]] = [:],
                triggeredRelations: [String: [String]] = [:]) {
        self.functions = functions
        self.operators = operators
        self.types = types
        self.typedRelations = typedRelations
        self.triggeredRelations = triggeredRelations
    }

    /// Nothing read from a database (the short list of built-ins stands in).
    public var isEmpty: Bool {
        functions.isEmpty && operators.isEmpty && types.isEmpty && typedRelations.isEmpty && triggeredRelations.isEmpty
            && builtinFunctions.isEmpty
    }

    /// Rows of `query` are `'routine', kind, schema, name`. Members of extensions are left out:
    /// an extension is code an administrator installed (creating one through Gatehouse is held),
    /// and extensions such as citext or hstore define operators like `=` and `||` for their own
    /// types, which would otherwise make every statement using those names unanalysable.
    public static let query = """
        SELECT 'routine', 'function', n.nspname, p.proname FROM pg_proc p \
        JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') \
        UNION ALL SELECT 'routine', 'operator', n.nspname, o.oprname FROM pg_operator o \
        JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e'); \
        \(typesQuery); \
        \(triggeredRelationsQuery); \
        SELECT DISTINCT 'routine', 'builtin', n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
        WHERE n.nspname IN ('pg_catalog', 'information_schema')
        """

    /// Rows `'routine', 'triggered-relation', schema, name`: relations with a trigger whose
    /// function is not built-in (foreign-key triggers are internal) or a rule other than a view's
    /// own: a write to them runs that code, which may read anything.
    static let triggeredRelationsQuery = """
        SELECT 'routine', 'triggered-relation', n.nspname, c.relname FROM pg_class c \
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
        AND (EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = c.oid \
        AND NOT t.tgisinternal AND p.pronamespace <> 'pg_catalog'::regnamespace) \
        OR EXISTS (SELECT 1 FROM pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN'))
        """

    /// Rows `'routine', 'type' | 'typed-relation', schema, name`. Seeds: the user-defined side of
    /// a cast through a user-defined function (creating a cast needs to own one of its types, so
    /// the built-in side is never marked), domains whose constraints depend on such a function,
    /// types with such an input, output, receive or send function. Then, to a fixed point: domains
    /// over them, arrays of them, and the row types of relations and composite types with a
    /// column of them.
    static let typesQuery = """
        WITH RECURSIVE user_code AS (SELECT p.oid FROM pg_proc p \
        WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) \
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')), \
        code_types(oid) AS (\
        SELECT s.oid FROM pg_cast c JOIN pg_type s ON s.oid IN (c.castsource, c.casttarget) \
        WHERE c.castfunc IN (SELECT oid FROM user_code) \
        AND s.typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace) \
        UNION SELECT con.contypid FROM pg_constraint con JOIN pg_depend d ON d.classid = 'pg_constraint'::regclass \
        AND d.objid = con.oid AND d.refclassid = 'pg_proc'::regclass WHERE con.contypid <> 0 AND d.refobjid IN (SELECT oid FROM user_code) \
        UNION SELECT t.oid FROM pg_type t WHERE t.typinput IN (SELECT oid FROM user_code) OR t.typoutput IN (SELECT oid FROM user_code) \
        OR t.typreceive IN (SELECT oid FROM user_code) OR t.typsend IN (SELECT oid FROM user_code) \
        UNION SELECT derived.oid FROM code_types ct CROSS JOIN LATERAL (\
        SELECT t.oid FROM pg_type t WHERE t.typbasetype = ct.oid OR t.typelem = ct.oid \
        UNION ALL SELECT r.reltype FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid \
        WHERE a.atttypid = ct.oid AND NOT a.attisdropped AND a.attnum > 0) derived) \
        SELECT 'routine', CASE WHEN r.relkind IS NOT NULL AND r.relkind <> 'c' THEN 'typed-relation' ELSE 'type' END, \
        n.nspname, t.typname FROM code_types ct JOIN pg_type t ON t.oid = ct.oid \
        JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_class r ON r.oid = t.typrelid
        """

    /// From the rows of `query`; rows of other queries (other widths or tags) are ignored.
    public init(rows: [[String?]]) {
        self.init()
        for row in rows where row.count == 4 && row[0] == "routine" {
            guard let kind = row[1], let schema = row[2], let name = row[3] else { continue }
            switch kind {
            case "function": functions[name, default: []].append(schema)
            case "operator": operators[name, default: []].append(schema)
            case "type": types[name, default: []].append(schema)
            case "typed-relation": typedRelations[name, default: []].append(schema)
            case "triggered-relation": triggeredRelations[name, default: []].append(schema)
            case "builtin" where schema == "pg_catalog": builtinFunctions.insert(name)
            case "builtin" where schema == "information_schema": informationSchemaFunctions.insert(name)
            default: continue
            }
        }
    }

    /// The analysis, marked unanalysable when a name it calls may run user-defined code or read
    /// what its text does not name. `isColumn` says whether a relation has a column of that name
    /// (nil: the relation is unknown), to tell attribute-notation calls from columns.
    public func check(_ analysis: StatementAnalysis, isColumn: (RelationName, String) -> Bool?) -> StatementAnalysis {
        var reasons: [String] = []
        for name in analysis.functions {
            if let reason = unknownFunction(name) {
                reasons.append(reason)
            } else if let schemas = shadowing(name, in: functions) {
                reasons.append("calls \(name), which the database also defines in \(schemas): which one runs depends on argument types and the search path")
            }
        }
        for name in analysis.operators {
            if let schemas = shadowing(name, in: operators) {
                reasons.append("uses operator \(name), which the database also defines in \(schemas)")
            }
        }
        for column in analysis.columns where column.column != "*" {
            guard let schemas = functions[column.column] else { continue }
            if let relation = column.relation, isColumn(relation, column.column) == true { continue }
            reasons.append("\(column) may call function \(column.column) (defined in \(schemas.sorted().joined(separator: ", "))) in attribute notation")
        }
        for name in analysis.types {
            if let schemas = defining(name, in: types) ?? defining(name, in: typedRelations) {
                reasons.append("casts to \(name) (defined in \(schemas)), whose values run user-defined code (a domain check, a cast or the type's own functions)")
            }
        }
        for relation in analysis.reads + analysis.writes {
            if let schemas = defining(relation, in: typedRelations) {
                reasons.append("\(relation.name) (in \(schemas)) has a column of a type whose values run user-defined code")
            }
        }
        for relation in analysis.writes {
            if let schemas = defining(relation, in: triggeredRelations) {
                reasons.append("writing \(relation.name) (in \(schemas)) runs its triggers or rules")
            }
        }
        guard !reasons.isEmpty else { return analysis }
        return analysis.unanalysable(because: reasons.joined(separator: "; "))
    }

    /// Why a call by this name (as written) is not a built-in the text describes, or nil when
    /// it is: a function of `pg_catalog` (unqualified or qualified so; whether another schema
    /// shadows it is `shadowing`'s question) or of `information_schema` (qualified so), other
    /// than those that read elsewhere.
    private func unknownFunction(_ written: String) -> String? {
        let parts = written.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let name = parts[parts.count - 1]
        let known: Bool
        switch parts.count == 1 ? "pg_catalog" : parts.count == 2 ? parts[0] : "" {
        case "pg_catalog":
            if let reason = BuiltinFunctions.readingElsewhere(name) { return "calls \(written), which \(reason)" }
            known = builtinFunctions.isEmpty ? BuiltinFunctions.isKnown([name]) : builtinFunctions.contains(name)
        case "information_schema":
            known = (informationSchemaFunctions.isEmpty ? BuiltinFunctions.informationSchemaNames : informationSchemaFunctions).contains(name)
        default:
            known = false
        }
        return known ? nil : "calls function \(written)"
    }

    /// The schemas outside `pg_catalog` defining a name as a statement wrote it, or nil when the
    /// name cannot reach user-defined code (unknown, or qualified with `pg_catalog`).
    private func shadowing(_ written: String, in defined: [String: [String]]) -> String? {
        // Qualified (`pg_catalog.upper`): the built-in, or user code the walker already marked
        // (it is not a known built-in). Operator names hold no dots.
        guard !written.contains(".") else { return nil }
        return defined[written].map { $0.sorted().joined(separator: ", ") }
    }

    /// The schemas defining a type name as a statement wrote it (`name` or `schema.name`): an
    /// unqualified name may be any of them, since the search path decides.
    private func defining(_ written: String, in defined: [String: [String]]) -> String? {
        let parts = written.split(separator: ".").map(String.init)
        guard let name = parts.last else { return nil }
        return defining(schema: parts.count > 1 ? parts[parts.count - 2] : nil, name: name, in: defined)
    }

    /// The same for a relation a statement names.
    private func defining(_ relation: RelationName, in defined: [String: [String]]) -> String? {
        defining(schema: relation.schema, name: relation.name, in: defined)
    }

    /// `pg_temp` is the session's own temporary schema, `pg_temp_N` in the catalog.
    private func defining(schema: String?, name: String, in defined: [String: [String]]) -> String? {
        guard let schemas = defined[name] else { return nil }
        let matching = schemas.filter { defined in
            guard let schema else { return true }
            return schema == "pg_temp" ? defined.hasPrefix("pg_temp_") : defined == schema
        }
        return matching.isEmpty ? nil : matching.sorted().joined(separator: ", ")
    }
}
