import GatehouseCore
import Testing

@testable import GatehousePolicy

/// What a write copies out of classified columns is classified where it lands.
@Suite struct ClassificationDerivationTests {
    let customers = RelationName(schema: "public", name: "customers")
    var classification: DataClassification {
        DataClassification(tables: [.init(relation: customers, category: nil, columns: ["email": "contact", "full_name": "name"])])
    }

    func fill(_ table: String, _ column: String, from sources: [ColumnReference]) -> FilledColumn {
        FilledColumn(column: ColumnReference(relation: RelationName(name: table), column: column), sources: sources)
    }

    @Test func aColumnFilledFromAClassifiedOneTakesItsCategory() {
        let tables = ClassificationDerivation.derive(
            [fill("stash", "contact", from: [ColumnReference(relation: customers, column: "email")]),
             fill("stash", "id", from: [ColumnReference(relation: customers, column: "id")])],
            classification: classification)
        #expect(tables == [.init(relation: RelationName(schema: "public", name: "stash"), category: nil, columns: ["contact": "contact"])])
    }

    @Test func aWholeRowOrAnyColumnClassifiesTheTable() {
        let tables = ClassificationDerivation.derive(
            [fill("stash", "*", from: [ColumnReference(relation: customers, column: "*")])], classification: classification)
        #expect(tables.first?.category == "contact")
    }

    @Test func unclassifiedSourcesDeriveNothing() {
        let tables = ClassificationDerivation.derive(
            [fill("stash", "n", from: [ColumnReference(relation: RelationName(name: "products"), column: "name")])],
            classification: classification)
        #expect(tables.isEmpty)
    }

    @Test func derivedClassificationCompoundsAndMerges() {
        let first = classification.merging(ClassificationDerivation.derive(
            [fill("stash", "n", from: [ColumnReference(relation: customers, column: "full_name")])], classification: classification))
        // A copy of the copy is classified too.
        let second = ClassificationDerivation.derive(
            [fill("stash2", "m", from: [ColumnReference(relation: RelationName(name: "stash"), column: "n")])], classification: first)
        #expect(second.first?.columns == ["m": "name"])
        // Merging into a classified table keeps what it had.
        let merged = first.merging([.init(relation: customers, category: nil, columns: ["email": "other", "notes": "name"])])
        #expect(merged.table(customers)?.columns == ["email": "contact", "full_name": "name", "notes": "name"])
    }
}
