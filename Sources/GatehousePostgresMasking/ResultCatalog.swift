import GatehouseCore

/// The upstream's tables and views with their columns, by OID and by name: a RowDescription
/// names a column by table OID and attribute number, and `SELECT *` needs the column list to
/// line the result up with the statement's analysis.
public struct ResultCatalog: Sendable {
    public struct Relation: Sendable, Equatable {
        public var name: RelationName
        /// Columns in table order (attribute number order, dropped columns left out).
        public var columns: [Column]

        public init(name: RelationName, columns: [Column]) {
            self.name = name
            self.columns = columns
        }
    }

    public struct Column: Sendable, Equatable {
        public var attributeNumber: Int16
        public var name: String
        public var typeOID: UInt32

        public init(attributeNumber: Int16, name: String, typeOID: UInt32) {
            self.attributeNumber = attributeNumber
            self.name = name
            self.typeOID = typeOID
        }
    }

    private var byOID: [UInt32: Relation] = [:]
    private var byName: [RelationName: UInt32] = [:]
    private var names: Set<String> = []

    /// Tables, views, materialized views, foreign and partitioned tables and sequences outside
    /// the system schemas, one row per column: oid, schema, name, attribute number, column name,
    /// type OID.
    public static let query = """
        SELECT c.oid, n.nspname, c.relname, a.attnum, a.attname, a.atttypid FROM pg_class c \
        JOIN pg_namespace n ON n.oid = c.relnamespace \
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') \
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' \
        ORDER BY c.oid, a.attnum
        """

    public init() {}

    public init(relations: [UInt32: Relation]) {
        byOID = relations
        for (oid, relation) in relations {
            byName[Self.key(relation.name)] = oid
            names.insert(relation.name.name)
        }
    }

    /// From the rows of `query` (text values); malformed rows are skipped.
    public init(rows: [[String?]]) {
        var relations: [UInt32: Relation] = [:]
        for row in rows where row.count == 6 {
            guard let oidText = row[0], let oid = UInt32(oidText), let schema = row[1], let name = row[2],
                  let numberText = row[3], let number = Int16(numberText), let column = row[4],
                  let typeText = row[5], let type = UInt32(typeText)
            else { continue }
            relations[oid, default: Relation(name: RelationName(schema: schema, name: name), columns: [])]
                .columns.append(Column(attributeNumber: number, name: column, typeOID: type))
        }
        self.init(relations: relations)
    }

    public var isEmpty: Bool { byOID.isEmpty }

    /// The table or view column a RowDescription field comes from, if it is a plain column.
    public func column(tableOID: UInt32, attributeNumber: Int16) -> ColumnReference? {
        guard tableOID != 0, attributeNumber > 0, let relation = byOID[tableOID],
              let column = relation.columns.first(where: { $0.attributeNumber == attributeNumber })
        else { return nil }
        return ColumnReference(relation: relation.name, column: column.name)
    }

    /// A relation's columns in order, by name (an unqualified name means `public`).
    public func columns(of relation: RelationName) -> [Column]? {
        byName[Self.key(relation)].flatMap { byOID[$0]?.columns }
    }

    /// Whether a relation has a column of that name; nil when the relation is unknown.
    public func hasColumn(_ relation: RelationName, named column: String) -> Bool? {
        columns(of: relation).map { $0.contains { $0.name == column } }
    }

    /// Whether any schema has a relation of this name (an unqualified name goes through the
    /// search path, which finds temporary tables first).
    public func hasRelation(named name: String) -> Bool {
        names.contains(name)
    }

    private static func key(_ relation: RelationName) -> RelationName {
        RelationName(schema: relation.effectiveSchema, name: relation.name)
    }
}
