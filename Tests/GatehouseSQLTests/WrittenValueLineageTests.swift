import GatehouseCore
import Testing

@testable import GatehouseSQL

/// Values a statement computes from classified columns reach the client by routes other than a
/// plain select list: RETURNING of what a write stored, and ordered-set aggregates.
@Suite("Lineage through writes and ordered-set aggregates")
struct WrittenValueLineageTests {
    @Test func returningAnUpdatedColumnDerivesFromWhatWasWritten() {
        let result = analysis("UPDATE customers SET notes = full_name WHERE id = 2 RETURNING notes, id")
        #expect(Set(result.output("notes")?.sources ?? []) == [column("customers", "notes"), column("customers", "full_name")])
        #expect(result.output("id")?.sources == [column("customers", "id")])
    }

    @Test func returningStarIncludesEverythingWritten() {
        let result = analysis("UPDATE customers c SET notes = upper(c.email) RETURNING *")
        #expect(result.outputs.flatMap(\.sources).contains(column("customers", "email")))
    }

    @Test func insertSelectReturnsWhatItInsertedByPosition() {
        let result = analysis("INSERT INTO orders (customer_id, status) SELECT id, full_name FROM customers RETURNING status, customer_id")
        #expect(result.output("status")?.sources.contains(column("customers", "full_name")) == true)
        #expect(result.output("customer_id")?.sources.contains(column("customers", "full_name")) == false)
    }

    @Test func insertWithoutAColumnListMayReturnAnyInsertedValue() {
        let result = analysis("INSERT INTO scratch SELECT email FROM customers RETURNING note")
        #expect(result.output("note")?.sources.contains(column("customers", "email")) == true)
    }

    @Test func onConflictAssignmentsAreReturnedToo() {
        let result = analysis("""
            INSERT INTO contacts (id, label) VALUES (1, 'x')
            ON CONFLICT (id) DO UPDATE SET label = (SELECT email FROM customers LIMIT 1) RETURNING label
            """)
        #expect(result.output("label")?.sources.contains(column("customers", "email")) == true)
    }

    @Test func orderedSetAggregatesReturnAnOrderedValue() {
        #expect(analysis("SELECT mode() WITHIN GROUP (ORDER BY full_name) FROM customers").output("mode")?.sources
                == [column("customers", "full_name")])
        #expect(analysis("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY birth_date) AS p FROM customers").output("p")?.sources
                == [column("customers", "birth_date")])
        // An ordinary aggregate's ORDER BY only orders: count's value does not derive from it.
        #expect(analysis("SELECT count(*) FROM (SELECT array_agg(id ORDER BY email) FROM customers) s").analysable)
        #expect(analysis("SELECT array_agg(id ORDER BY email) AS a FROM customers").output("a")?.sources == [column("customers", "id")])
    }
}

/// Where a statement stores values: what `ClassificationDerivation` follows.
@Suite("Filled columns")
struct FilledColumnTests {
    @Test func createTableAsAndSelectIntoFillTheirColumns() {
        let created = analysis("CREATE TEMP TABLE stash AS SELECT id, email AS contact FROM customers")
        #expect(created.fills.contains(FilledColumn(column: column("stash", "contact"), sources: [column("customers", "email")])))
        let into = analysis("SELECT full_name INTO stash2 FROM customers")
        #expect(into.fills == [FilledColumn(column: column("stash2", "full_name"), sources: [column("customers", "full_name")])])
        let renamed = analysis("CREATE TABLE s3 (who) AS SELECT upper(full_name) FROM customers")
        #expect(renamed.fills.first?.column == column("s3", "who"))
    }

    @Test func insertsAndUpdatesFillTheirTargetColumns() {
        let insert = analysis("INSERT INTO notes (id, body) SELECT id, email FROM customers")
        #expect(insert.fills.contains(FilledColumn(column: column("notes", "body"), sources: [column("customers", "email")])))
        let anyColumn = analysis("INSERT INTO notes SELECT email FROM customers")
        #expect(anyColumn.fills.first?.column == column("notes", "*"))
        let update = analysis("UPDATE memo SET body = (SELECT full_name FROM customers LIMIT 1)")
        #expect(update.fills.first?.sources == [column("customers", "full_name")])
        #expect(analysis("INSERT INTO notes VALUES (1, 'x')").fills.isEmpty)
    }
}
