/// A schema-qualified relation (table or view). `schema` is nil when the statement did not
/// qualify the name; policy treats an unqualified name as `public` (the default search path).
public struct RelationName: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public var schema: String?
    public var name: String

    public init(schema: String? = nil, name: String) {
        self.schema = schema
        self.name = name
    }

    /// The schema the name resolves to under the default search path.
    public var effectiveSchema: String { schema ?? "public" }

    /// The same name with the default schema made explicit, so names compare as PostgreSQL resolves them.
    public var qualified: RelationName { RelationName(schema: effectiveSchema, name: name) }

    public var description: String { "\(effectiveSchema).\(name)" }

    public static func < (lhs: RelationName, rhs: RelationName) -> Bool {
        lhs.description < rhs.description
    }
}

/// A column of a relation. `relation` is nil when the statement did not say (or the
/// analysis could not tell) which relation the column belongs to.
public struct ColumnReference: Sendable, Codable, Hashable, CustomStringConvertible {
    public var relation: RelationName?
    public var column: String

    public init(relation: RelationName?, column: String) {
        self.relation = relation
        self.column = column
    }

    public var description: String {
        if let relation { return "\(relation).\(column)" }
        return column
    }
}

/// One column of a statement's result and the source columns its value derives from.
public struct OutputColumn: Sendable, Codable, Hashable {
    public var name: String
    /// Source columns. A `*` column with a relation means "every column of that relation".
    public var sources: [ColumnReference]

    public init(name: String, sources: [ColumnReference]) {
        self.name = name
        self.sources = sources
    }
}

/// What kind of statement this is, as PostgreSQL's parser sees it.
public enum StatementKind: String, Sendable, Codable, CaseIterable {
    case select, insert, update, delete, merge, copy, ddl, transaction, set, show
    case explain, call, doBlock = "do", prepare, execute, deallocate, listen, notify, utility
    case empty
    case unknown
}

/// The description of one SQL statement that the policy decides on and the recording keeps.
public struct StatementAnalysis: Sendable, Codable, Hashable {
    /// This statement's own text (one statement of a multi-statement string).
    public var text: String
    public var kind: StatementKind
    /// Relations the statement reads from.
    public var reads: [RelationName]
    /// Relations the statement writes to (INSERT/UPDATE/DELETE/MERGE/COPY FROM targets, DDL targets).
    public var writes: [RelationName]
    /// Every column the statement references, wherever it appears.
    public var columns: [ColumnReference]
    /// Each output column and the columns it derives from.
    public var outputs: [OutputColumn]
    /// False when the parser could not analyse it fully; policy must then assume it touches
    /// personal data (fail safe).
    public var analysable: Bool
    /// Why the analysis is incomplete, when `analysable` is false.
    public var limitation: String?
    /// For COPY: how the data stream is laid out (nil for every other statement).
    public var copy: CopyOptions?
    /// Functions the statement calls by name, as written (`upper`, `pg_catalog.upper`). A
    /// built-in's name calls the built-in only while the database defines no other function
    /// of that name that the search path can reach; the catalog decides (`RoutineCatalog`).
    public var functions: [String]
    /// Operators the statement uses by name, as written (`+`, `~~`, `public.===`); the same holds.
    public var operators: [String]
    /// Types the statement casts to by name, as written (`email_address`, `app.money`): a domain's
    /// check constraint or a user-defined cast runs code wherever a value becomes that type.
    public var types: [String]
    /// Columns the statement stores values into, each with the columns its values derive from
    /// (`INSERT ... SELECT`, `UPDATE ... SET`, `CREATE TABLE ... AS`, `SELECT ... INTO`); a `*`
    /// column stands for any column of the relation. What a write copies out of classified
    /// columns is personal data where it lands (derived classification).
    public var fills: [FilledColumn]
    /// Relations the statement creates or drops (among `writes`): a relation that does not exist
    /// yet holds no data, and dropping one reads none, so the catalog not knowing them is no reason
    /// to hold the statement.
    public var createsOrDrops: [RelationName]
    /// For DECLARE, FETCH, MOVE and CLOSE: the SQL cursor it declares, reads or closes. A FETCH
    /// returns what its cursor's query reads, which the session knows from the DECLARE.
    public var cursor: CursorReference?
    /// For SQL PREPARE, EXECUTE and DEALLOCATE (or DISCARD ALL): the prepared statement it
    /// defines, runs or drops. An EXECUTE runs what its PREPARE analysed, which the session knows.
    public var prepared: PreparedStatementReference?
    /// Why the gateway never forwards this statement, whoever approves it (it would change how
    /// the server reads later statements, so the gateway's analysis of them would be wrong).
    public var forbidden: String?
    /// PostgreSQL's parser (libpg_query) refused the text: the server would refuse it too, so the
    /// client gets this error at once instead of a hold.
    public var syntaxError: SyntaxError?

    public init(
        text: String, kind: StatementKind, reads: [RelationName] = [], writes: [RelationName] = [],
        columns: [ColumnReference] = [], outputs: [OutputColumn] = [], analysable: Bool = true,
        limitation: String? = nil, copy: CopyOptions? = nil, functions: [String] = [], operators: [String] = [],
        types: [String] = [], forbidden: String? = nil, cursor: CursorReference? = nil, createsOrDrops: [RelationName] = [],
        fills: [FilledColumn] = [], prepared: PreparedStatementReference? = nil
    ) {
        self.text = text
        self.kind = kind
        self.reads = reads
        self.writes = writes
        self.columns = columns
        self.outputs = outputs
        self.analysable = analysable
        self.limitation = limitation
        self.copy = copy
        self.functions = functions
        self.operators = operators
        self.types = types
        self.forbidden = forbidden
        self.cursor = cursor
        self.createsOrDrops = createsOrDrops
        self.fills = fills
        self.syntaxError = nil
        self.prepared = prepared
    }

    /// The same analysis, no longer taken as fully describing the statement.
    public func unanalysable(because reason: String) -> StatementAnalysis {
        var copy = self
        copy.analysable = false
        copy.limitation = [limitation, reason].compactMap { $0 }.joined(separator: "; ")
        return copy
    }

    /// Every relation the statement touches, read or written.
    public var relations: [RelationName] { Array(Set(reads + writes)).sorted() }
}

/// A parse error as PostgreSQL reports it: its message and the 1-based character position in
/// the text where it was found (0 when the parser gives none).
public struct SyntaxError: Sendable, Codable, Hashable {
    public var message: String
    public var position: Int

    public init(message: String, position: Int) {
        self.message = message
        self.position = position
    }
}

/// A statement's use of an SQL cursor.
public struct CursorReference: Sendable, Codable, Hashable {
    public enum Action: String, Sendable, Codable {
        case declare, fetch, close
    }

    public var action: Action
    /// The cursor's name; nil for `CLOSE ALL`.
    public var name: String?

    public init(action: Action, name: String?) {
        self.action = action
        self.name = name
    }
}

/// A statement's use of an SQL prepared statement (`PREPARE`, not the protocol's Parse).
public struct PreparedStatementReference: Sendable, Codable, Hashable {
    public enum Action: String, Sendable, Codable {
        case prepare, execute, deallocate
    }

    public var action: Action
    /// The prepared statement's name; nil for `DEALLOCATE ALL` and `DISCARD ALL`.
    public var name: String?
    /// For PREPARE: the kind of the statement it prepares (what EXECUTE runs).
    public var preparedKind: StatementKind?

    public init(action: Action, name: String?, preparedKind: StatementKind? = nil) {
        self.action = action
        self.name = name
        self.preparedKind = preparedKind
    }
}

/// A column a statement stores values into, and the columns those values derive from.
public struct FilledColumn: Sendable, Codable, Hashable {
    public var column: ColumnReference
    public var sources: [ColumnReference]

    public init(column: ColumnReference, sources: [ColumnReference]) {
        self.column = column
        self.sources = sources
    }
}
