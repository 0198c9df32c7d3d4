import GatehouseCore
import GatehouseMasking
import GatehousePostgresWire

/// Decides how each column of a result is masked, once per result description.
///
/// A column is personal data when it *is* a classified column (RowDescription names its table
/// and attribute; views are followed to their base columns) or when the statement analysis says
/// its value *derives* from one (`upper(email)`, `substr(national_id, 1, 3)`, `row_to_json(c)`).
/// Such a column is masked by its category whatever its content; every other column gets the
/// detectors. Where the analysis cannot line up with the result (an unanalysable statement, a
/// `*` over an unknown relation), expression columns of a statement that touches personal data
/// are treated as personal data: fail safe.
public struct ResultMaskPlanner: Sendable {
    /// Category used when a column may hold personal data but the analysis cannot say which.
    public static let unknownCategory = "personal-data"

    public var classification: DataClassification
    /// Categories whose columns only get the detectors (free text), not whole-value masking.
    public var detectOnlyCategories: Set<String>
    public var catalog: ResultCatalog
    /// The base-table columns behind a column (itself for a table column; views followed).
    public var baseColumns: @Sendable (ColumnReference) -> [ColumnReference]

    public init(classification: DataClassification, detectOnlyCategories: Set<String> = [],
                catalog: ResultCatalog = ResultCatalog(),
                baseColumns: @escaping @Sendable (ColumnReference) -> [ColumnReference] = { [$0] }) {
        self.classification = classification
        self.detectOnlyCategories = detectOnlyCategories
        self.catalog = catalog
        self.baseColumns = baseColumns
    }

    /// Masks for a RowDescription. `analysis` is the statement's analysis *before* view
    /// resolution (nil when unknown).
    public func masks(for fields: [ResultField], analysis: StatementAnalysis?) -> [ResultColumnMask] {
        var aligned: [OutputColumn]?? = .none
        return fields.enumerated().map { index, field in
            if aligned == nil { aligned = .some(alignedOutputs(analysis, count: fields.count)) }
            let output = aligned!.flatMap { index < $0.count ? $0[index] : nil }
            guard let column = catalog.column(tableOID: field.tableOID, attributeNumber: field.attributeNumber) else {
                let derived = output.map { mask(sources: $0.sources, typeOID: field.typeOID) } ?? fallbackMask(analysis)
                return ResultColumnMask(typeOID: field.typeOID, format: field.format, mask: Self.trimmed(derived, typeOID: field.typeOID))
            }
            // A table column whose value the statement itself wrote (`UPDATE ... SET notes =
            // full_name RETURNING notes`) derives from what was written too.
            let written = output?.sources.filter { !Self.sameColumn($0, column) } ?? []
            // PostgreSQL names the table column only for a plain reference: the value is the
            // stored one, so a subject key's value identifies its subject.
            let keyOf = written.isEmpty ? subjectKeyOf(column) : nil
            if written.isEmpty, let fields = directJSONFields(column, typeOID: field.typeOID) {
                return ResultColumnMask(typeOID: field.typeOID, format: field.format, mask: .jsonFields(fields), subjectKeyOf: keyOf)
            }
            let stored = mask(sources: [column] + written, typeOID: field.typeOID)
            return ResultColumnMask(typeOID: field.typeOID, format: field.format,
                                    mask: Self.trimmed(stored, typeOID: field.typeOID), subjectKeyOf: keyOf)
        }
    }

    /// Masks for the columns of a `COPY ... TO STDOUT` (text or csv: every value is text on the
    /// wire; the catalog supplies column types where it knows them).
    public func copyMasks(analysis: StatementAnalysis?, columnCount: Int) -> [ResultColumnMask] {
        guard let outputs = alignedOutputs(analysis, count: columnCount) else {
            return Array(repeating: ResultColumnMask(typeOID: 0, format: 0, mask: fallbackMask(analysis)), count: columnCount)
        }
        return outputs.map { output in
            let type = output.sources.count == 1 ? typeOID(of: output.sources[0]) : 0
            // A column copied as it is (`COPY t`, `COPY (SELECT col ...)`).
            let asStored = output.sources.count == 1 && output.sources[0].column == output.name
            let keyOf = asStored ? subjectKeyOf(output.sources[0]) : nil
            if asStored, let fields = directJSONFields(output.sources[0], typeOID: type) {
                return ResultColumnMask(typeOID: type, format: 0, mask: .jsonFields(fields), subjectKeyOf: keyOf)
            }
            return ResultColumnMask(typeOID: type, format: 0, mask: Self.trimmed(mask(sources: output.sources, typeOID: type), typeOID: type),
                                    subjectKeyOf: keyOf)
        }
    }

    /// A JSON column classified field by field, returned as it is stored: its configured paths.
    private func directJSONFields(_ column: ColumnReference, typeOID: UInt32) -> [JSONField]? {
        let base = baseColumns(column)
        guard base.count == 1, [.json, .jsonb].contains(PostgresTypeFamily(oid: typeOID)) else { return nil }
        let paths = classification.jsonFields(of: base[0])
        guard !paths.isEmpty else { return nil }
        return paths.sorted { $0.key < $1.key }.compactMap { path, category in
            (try? JSONPath(path)).map { JSONField(path: $0, category: category) }
        }
    }

    /// The subjects (`public.customers`) whose keys a column holds as stored, when it is a
    /// subject key (views followed to one base column).
    private func subjectKeyOf(_ column: ColumnReference) -> String? {
        let base = baseColumns(column)
        guard base.count == 1, let key = classification.subjectKey(of: base[0]) else { return nil }
        return key.subjects.description
    }

    /// A column as the statement named it and the base columns behind it: a view classified in
    /// its own right, or an unqualified name that the search path may take to a classified table
    /// of that name in another schema, counts as well as what the view is defined over.
    private func columnAndBases(_ column: ColumnReference) -> [ColumnReference] {
        let bases = baseColumns(column)
        return bases == [column] ? bases : [column] + bases
    }

    /// Whether two references name one column (an unqualified relation meaning `public`).
    static func sameColumn(_ a: ColumnReference, _ b: ColumnReference) -> Bool {
        a.column == b.column && a.relation?.qualified == b.relation?.qualified
    }

    /// The detectors have nothing to read in numbers, dates and other fixed-grammar types:
    /// those columns are forwarded untouched (the fast path).
    static func trimmed(_ mask: ColumnMask, typeOID: UInt32) -> ColumnMask {
        if mask == .detect, PostgresTypeFamily(oid: typeOID) == .opaque { return .none }
        return mask
    }

    // MARK: - Deciding

    private func mask(sources: [ColumnReference], typeOID: UInt32) -> ColumnMask {
        let base = sources.flatMap(columnAndBases)
        var categories: [String] = []
        var wholeRows: [DataClassification.Table] = []
        for column in base {
            guard let relation = column.relation, let table = classification.table(relation) else { continue }
            if column.column == "*" {
                // A whole row mixes the table's categories: it is personal data in general.
                if let category = table.category {
                    categories.append(category)
                } else if table.columns.values.contains(where: { !detectOnlyCategories.contains($0) }) {
                    categories.append(Self.unknownCategory)
                } else {
                    continue
                }
                wholeRows.append(table)
            } else if let category = classification.category(of: column) {
                // Derived from a JSON column classified by field: its fields' categories count,
                // since an expression (`metadata->'caller'`) no longer lines up with the paths.
                let paths = classification.jsonFields(of: column)
                let fieldCategories = paths.keys.sorted().compactMap { paths[$0] }
                categories += fieldCategories.filter { !detectOnlyCategories.contains($0) } + [category]
            }
        }
        guard let strict = categories.first(where: { !detectOnlyCategories.contains($0) }) else { return .detect }
        // row_to_json(c), json_agg(c): mask the classified fields inside, keep the rest readable.
        if wholeRows.count == base.count, [.json, .jsonb].contains(PostgresTypeFamily(oid: typeOID)), wholeRows.allSatisfy({ $0.category == nil }) {
            let fields = jsonFields(of: wholeRows)
            if !fields.isEmpty { return .jsonFields(fields) }
        }
        return .classified(category: strict)
    }

    private func jsonFields(of tables: [DataClassification.Table]) -> [JSONField] {
        var fields: [JSONField] = []
        for table in tables {
            for (column, category) in table.columns.sorted(by: { $0.key < $1.key })
            where !detectOnlyCategories.contains(category) {
                for path in [JSONPath.member(column), JSONPath.member(column, inArray: true)] {
                    fields.append(JSONField(path: path, category: category))
                }
            }
        }
        return fields
    }

    /// When the result cannot be lined up with the analysis: expression columns of a statement
    /// that may touch personal data are personal data.
    private func fallbackMask(_ analysis: StatementAnalysis?) -> ColumnMask {
        personalDataCategory(of: analysis).map { .classified(category: $0) } ?? .detect
    }

    /// The category a statement's data may carry when it touches columns masked by
    /// classification (`unknownCategory` when it cannot be analysed on a connection with
    /// personal data, or touches whole rows); nil when it touches none.
    public func personalDataCategory(of analysis: StatementAnalysis?) -> String? {
        guard !classification.isEmpty else { return nil }
        guard let analysis, analysis.analysable else { return Self.unknownCategory }
        for column in (analysis.columns + analysis.outputs.flatMap(\.sources)).flatMap(columnAndBases) {
            guard let relation = column.relation, let table = classification.table(relation) else { continue }
            let category: String?
            if let tableWide = table.category {
                category = tableWide
            } else if column.column == "*" {
                category = table.columns.values.contains { !detectOnlyCategories.contains($0) } ? Self.unknownCategory : nil
            } else {
                let paths = table.jsonFields[column.column] ?? [:]
                let fieldCategories = paths.keys.sorted().compactMap { paths[$0] }
                category = fieldCategories.first { !detectOnlyCategories.contains($0) } ?? table.columns[column.column]
            }
            if let category, !detectOnlyCategories.contains(category) { return category }
        }
        return nil
    }

    // MARK: - Lining up

    /// The statement's output columns with every `*` expanded from the catalog, when that gives
    /// exactly `count` columns.
    func alignedOutputs(_ analysis: StatementAnalysis?, count: Int) -> [OutputColumn]? {
        guard let analysis, analysis.analysable else { return nil }
        var outputs: [OutputColumn] = []
        for output in analysis.outputs {
            guard output.name == "*" else {
                outputs.append(output)
                continue
            }
            guard output.sources.count == 1, output.sources[0].column == "*", let relation = output.sources[0].relation,
                  let columns = catalog.columns(of: relation)
            else { return nil }
            outputs += columns.map { OutputColumn(name: $0.name, sources: [ColumnReference(relation: relation, column: $0.name)]) }
        }
        return outputs.count == count ? outputs : nil
    }

    private func typeOID(of column: ColumnReference) -> UInt32 {
        guard let relation = column.relation else { return 0 }
        return catalog.columns(of: relation)?.first { $0.name == column.column }?.typeOID ?? 0
    }
}
