import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("Column references")
struct ColumnTests {
    @Test func qualifiedByTableOrAlias() {
        let result = analysis("SELECT c.email, orders.total FROM customers c JOIN orders ON orders.customer_id = c.id")
        #expect(
            Set(result.columns) == [
                column("customers", "email"), column("orders", "total"),
                column("orders", "customer_id"), column("customers", "id"),
            ])
    }

    @Test func unqualifiedWithOneRelationInScope() {
        let result = analysis("SELECT email FROM customers WHERE id = $1 ORDER BY name")
        #expect(
            Set(result.columns) == [
                column("customers", "email"), column("customers", "id"), column("customers", "name"),
            ])
    }

    @Test func unqualifiedWithSeveralRelationsIsAmbiguous() {
        let result = analysis("SELECT email, o.total FROM customers c, orders o")
        #expect(result.columns.contains(column(nil, "email")))
        #expect(result.columns.contains(column("orders", "total")))
    }

    @Test func schemaQualifiedColumnReferences() {
        let result = analysis("SELECT app.customers.email FROM app.customers")
        #expect(result.columns == [column(table("customers", schema: "app"), "email")])
    }

    @Test func quotedIdentifiersKeepTheirCase() {
        let result = analysis(#"SELECT "Email" FROM "Customers""#)
        #expect(result.columns == [column("Customers", "Email")])
        #expect(result.reads == [table("Customers")])
    }

    @Test func subqueriesSeeTheirOwnAndOuterRelations() {
        let result = analysis(
            "SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND total > 10)"
        )
        #expect(
            Set(result.columns) == [
                column("customers", "name"), column("orders", "customer_id"), column("customers", "id"),
                column("orders", "total"),
            ])
    }

    @Test func updateAndInsertTargetColumns() {
        let update = analysis("UPDATE customers SET email = lower(email) WHERE id = 3")
        #expect(Set(update.columns) == [column("customers", "email"), column("customers", "id")])

        let insert = analysis(
            "INSERT INTO customers (id, email) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET email = excluded.email")
        #expect(Set(insert.columns) == [column("customers", "id"), column("customers", "email")])
    }

    @Test func joinUsingAttributesToBothSides() {
        let result = analysis("SELECT 1 FROM customers JOIN orders USING (customer_id)")
        #expect(Set(result.columns) == [column("customers", "customer_id"), column("orders", "customer_id")])
    }

    @Test func compositeFieldsAndWholeRows() {
        let result = analysis("SELECT (c).email, row_to_json(c) FROM customers c")
        #expect(result.columns.contains(column("customers", "email")))
        #expect(result.columns.contains(column("customers", "*")))
    }

    @Test func starIsAColumnReference() {
        #expect(analysis("SELECT * FROM customers").columns == [column("customers", "*")])
    }
}
