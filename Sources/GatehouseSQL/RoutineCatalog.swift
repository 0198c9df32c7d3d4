import GatehouseCore

/// The functions and operators a database defines outside `pg_catalog`, by name, so that a
/// statement calling a built-in's name is known to call the built-in.
///
/// PostgreSQL resolves `upper(x)` or `a + b` by name and argument types over the search path:
/// a `public.upper(integer)` (or any `upper` once the search path puts `public` first) runs in
/// place of the built-in, and so does a function over a table's row type called in attribute
/// notation (`p.leak` for `leak(products)`). The analysis lists the names a statement uses;
/// any of them that the database also defines outside `pg_catalog` makes the statement
/// unanalysable (held on a connection with personal data, its result masked whole). Names
/// qualified with `pg_catalog` cannot be shadowed and pass.
public struct RoutineCatalog: Sendable, Equatable {
    /// Function (and procedure, aggregate) names, each with the schemas that define it.
    public private(set) var functions: [String: [String]]
    /// Operator names, each with the schemas that define it.
    public private(set) var operators: [String: [String]]

    public init(functions: [String: [String]] = [:], operators: [String: [String]] = [:]) {
        self.functions = functions
        self.operators = operators
    }

    public var isEmpty: Bool { functions.isEmpty && operators.isEmpty }

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
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_operator'::regclass AND d.objid = o.oid AND d.deptype = 'e')
        """

    /// From the rows of `query`; rows of other queries (other widths or tags) are ignored.
    public init(rows: [[String?]]) {
        self.init()
        for row in rows where row.count == 4 && row[0] == "routine" {
            guard let kind = row[1], let schema = row[2], let name = row[3] else { continue }
            switch kind {
            case "function": functions[name, default: []].append(schema)
            case "operator": operators[name, default: []].append(schema)
            default: continue
            }
        }
    }

    /// The analysis, marked unanalysable when a name it calls may run user-defined code.
    /// `isColumn` says whether a relation has a column of that name (nil: the relation is
    /// unknown), to tell attribute-notation calls from columns.
    public func check(_ analysis: StatementAnalysis, isColumn: (RelationName, String) -> Bool?) -> StatementAnalysis {
        guard !isEmpty else { return analysis }
        var reasons: [String] = []
        for name in analysis.functions {
            if let schemas = shadowing(name, in: functions) {
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
        guard !reasons.isEmpty else { return analysis }
        return analysis.unanalysable(because: reasons.joined(separator: "; "))
    }

    /// The schemas outside `pg_catalog` defining a name as a statement wrote it, or nil when the
    /// name cannot reach user-defined code (unknown, or qualified with `pg_catalog`).
    private func shadowing(_ written: String, in defined: [String: [String]]) -> String? {
        // Qualified (`pg_catalog.upper`): the built-in, or user code the walker already marked
        // (it is not a known built-in). Operator names hold no dots.
        guard !written.contains(".") else { return nil }
        return defined[written].map { $0.sorted().joined(separator: ", ") }
    }
}
