import GatehouseCore
import GatehouseMasking
import GatehousePostgresWire
import Testing

@testable import GatehousePostgresMasking

/// Which result columns are masked, and how: by classification of the column they come from,
/// by derivation (lineage from the statement analysis), or by the detectors.
@Suite struct PlannerTests {
    static let customersOID: UInt32 = 16400
    static let ordersOID: UInt32 = 16500
    static let contactsViewOID: UInt32 = 16600
    static let customers = RelationName(schema: "public", name: "customers")
    static let contacts = RelationName(schema: "public", name: "customer_contacts")

    static let catalog = ResultCatalog(relations: [
        customersOID: .init(name: customers, columns: [
            .init(attributeNumber: 1, name: "id", typeOID: 23),
            .init(attributeNumber: 2, name: "email", typeOID: 25),
            .init(attributeNumber: 3, name: "birth_date", typeOID: 1082),
            .init(attributeNumber: 4, name: "notes", typeOID: 25),
        ]),
        ordersOID: .init(name: RelationName(schema: "public", name: "orders"), columns: [
            .init(attributeNumber: 1, name: "id", typeOID: 23),
            .init(attributeNumber: 2, name: "status", typeOID: 25),
        ]),
        contactsViewOID: .init(name: contacts, columns: [
            .init(attributeNumber: 1, name: "id", typeOID: 23),
            .init(attributeNumber: 2, name: "email", typeOID: 25),
        ]),
    ])

    static let classification = DataClassification(tables: [
        .init(relation: customers, category: nil, columns: ["email": "contact", "birth_date": "demographic", "notes": "free-text"]),
    ])

    /// The view `customer_contacts` selects customers.id and customers.email.
    static let planner = ResultMaskPlanner(
        classification: classification, detectOnlyCategories: ["free-text"], catalog: catalog,
        baseColumns: { column in
            guard column.relation?.name == "customer_contacts" else { return [column] }
            return [ColumnReference(relation: customers, column: column.column)]
        })

    func analysis(_ outputs: [OutputColumn], analysable: Bool = true) -> StatementAnalysis {
        StatementAnalysis(text: "", kind: .select, outputs: outputs, analysable: analysable)
    }

    func source(_ column: String, _ relation: RelationName = customers) -> ColumnReference {
        ColumnReference(relation: relation, column: column)
    }

    @Test func classifiedColumnsByTableAndAttribute() {
        let fields = [
            ResultField(name: "id", tableOID: Self.customersOID, attributeNumber: 1, typeOID: 23),
            ResultField(name: "email", tableOID: Self.customersOID, attributeNumber: 2, typeOID: 25),
            ResultField(name: "birth_date", tableOID: Self.customersOID, attributeNumber: 3, typeOID: 1082, format: 1),
            ResultField(name: "notes", tableOID: Self.customersOID, attributeNumber: 4, typeOID: 25),
            ResultField(name: "status", tableOID: Self.ordersOID, attributeNumber: 2, typeOID: 25),
        ]
        let masks = Self.planner.masks(for: fields, analysis: nil)
        #expect(masks.map(\.mask) == [.none, .classified(category: "contact"), .classified(category: "demographic"), .detect, .detect])
        #expect(masks[2].format == 1)
        #expect(masks[2].typeOID == 1082)
    }

    @Test func viewColumnsFollowTheirBaseColumns() {
        let fields = [
            ResultField(name: "id", tableOID: Self.contactsViewOID, attributeNumber: 1, typeOID: 23),
            ResultField(name: "email", tableOID: Self.contactsViewOID, attributeNumber: 2, typeOID: 25),
        ]
        #expect(Self.planner.masks(for: fields, analysis: nil).map(\.mask) == [.none, .classified(category: "contact")])
    }

    @Test func derivedColumnsByLineage() {
        // SELECT upper(email), length(email), id + 1 FROM customers
        let fields = [
            ResultField(name: "upper", typeOID: 25),
            ResultField(name: "length", typeOID: 23),
            ResultField(name: "?column?", typeOID: 23),
        ]
        let analysis = analysis([
            OutputColumn(name: "upper", sources: [source("email")]),
            OutputColumn(name: "length", sources: [source("email")]),
            OutputColumn(name: "?column?", sources: [source("id")]),
        ])
        // A number derived from an email is still derived from it: NULL (classified, not text).
        #expect(Self.planner.masks(for: fields, analysis: analysis).map(\.mask)
                == [.classified(category: "contact"), .classified(category: "contact"), .none])
    }

    @Test func starsExpandFromTheCatalog() {
        // SELECT *, upper(email) FROM customers
        let fields = [
            ResultField(name: "id", typeOID: 23), ResultField(name: "email", typeOID: 25),
            ResultField(name: "birth_date", typeOID: 1082), ResultField(name: "notes", typeOID: 25),
            ResultField(name: "upper", typeOID: 25),
        ]
        let analysis = analysis([
            OutputColumn(name: "*", sources: [ColumnReference(relation: RelationName(name: "customers"), column: "*")]),
            OutputColumn(name: "upper", sources: [source("email")]),
        ])
        #expect(Self.planner.masks(for: fields, analysis: analysis).map(\.mask) == [
            .none, .classified(category: "contact"), .classified(category: "demographic"), .detect, .classified(category: "contact"),
        ])
    }

    @Test func wholeRowJSONMasksTheClassifiedFields() throws {
        // SELECT row_to_json(c) FROM customers c
        let fields = [ResultField(name: "row_to_json", typeOID: 114)]
        let masks = Self.planner.masks(for: fields, analysis: analysis([OutputColumn(name: "row_to_json", sources: [source("*")])]))
        guard case .jsonFields(let paths) = masks[0].mask else {
            Issue.record("expected JSON field masking, got \(masks[0].mask)")
            return
        }
        #expect(paths.map(\.path.description).sorted() == [
            "$[\"birth_date\"]", "$[\"email\"]", "$[*][\"birth_date\"]", "$[*][\"email\"]",
        ])
        // The whole row as a composite value cannot be masked inside: it is classified (NULL).
        let composite = Self.planner.masks(for: [ResultField(name: "c", typeOID: 16402)],
                                           analysis: analysis([OutputColumn(name: "c", sources: [source("*")])]))
        #expect(composite[0].mask == .classified(category: ResultMaskPlanner.unknownCategory))
    }

    /// A JSON column classified field by field keeps its paths as it is stored; an expression
    /// over it is masked whole by the fields' category.
    @Test func jsonColumnsClassifiedByField() {
        let tickets = RelationName(schema: "public", name: "tickets")
        let planner = ResultMaskPlanner(
            classification: DataClassification(tables: [
                .init(relation: tickets, category: nil, columns: ["metadata": "free-text"],
                      jsonFields: ["metadata": ["$.caller.name": "name"]]),
            ]),
            detectOnlyCategories: ["free-text"],
            catalog: ResultCatalog(relations: [
                17000: .init(name: tickets, columns: [.init(attributeNumber: 1, name: "metadata", typeOID: 3802)]),
            ]))
        let stored = planner.masks(for: [ResultField(name: "metadata", tableOID: 17000, attributeNumber: 1, typeOID: 3802)], analysis: nil)
        #expect(stored[0].mask == .jsonFields([JSONField(path: try! JSONPath("$.caller.name"), category: "name")]))
        let derived = planner.masks(
            for: [ResultField(name: "caller", typeOID: 3802)],
            analysis: analysis([OutputColumn(name: "caller", sources: [ColumnReference(relation: tickets, column: "metadata")])]))
        #expect(derived[0].mask == .classified(category: "name"))
    }

    @Test func unalignableResultsFailSafe() {
        let fields = [ResultField(name: "x", typeOID: 25), ResultField(name: "y", typeOID: 23)]
        // Unanalysable (a function whose body is invisible) on a connection with personal data.
        let unknown = Self.planner.masks(for: fields, analysis: analysis([], analysable: false))
        #expect(unknown.map(\.mask) == Array(repeating: .classified(category: ResultMaskPlanner.unknownCategory), count: 2))
        // Analysable but the outputs do not line up, and it touches a classified column.
        let touching = StatementAnalysis(text: "", kind: .select, columns: [source("email")],
                                         outputs: [OutputColumn(name: "x", sources: [source("email")])])
        #expect(Self.planner.masks(for: fields, analysis: touching).map(\.mask)
                == Array(repeating: .classified(category: "contact"), count: 2))
        // ...and one that touches nothing classified gets the detectors.
        let harmless = StatementAnalysis(text: "", kind: .select, columns: [source("status", RelationName(name: "orders"))])
        #expect(Self.planner.masks(for: fields, analysis: harmless).map(\.mask) == [.detect, .none])
    }

    @Test func copyColumnsTakeTheirTypesFromTheCatalog() {
        let analysis = analysis([
            OutputColumn(name: "id", sources: [source("id")]),
            OutputColumn(name: "birth_date", sources: [source("birth_date")]),
        ])
        let masks = Self.planner.copyMasks(analysis: analysis, columnCount: 2)
        #expect(masks == [
            ResultColumnMask(typeOID: 23, format: 0, mask: .none),
            ResultColumnMask(typeOID: 1082, format: 0, mask: .classified(category: "demographic")),
        ])
    }
}
