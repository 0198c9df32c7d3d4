import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("Output columns and their lineage")
struct OutputLineageTests {
    @Test func namesAsPostgreSQLGivesThem() {
        let result = analysis(
            """
            SELECT email, c.name AS who, upper(email), email || '', substr(ssn, 1, 3), count(*), 1, $1,
                   email::text, '1'::int, CASE WHEN vip THEN email END, CASE WHEN vip THEN 1 ELSE phone END,
                   coalesce(phone, ''), now(), current_timestamp, (SELECT max(total) FROM orders),
                   EXISTS (SELECT 1 FROM orders), ARRAY[1], nullif(a, b), greatest(a, b), pg_catalog.lower(name)
            FROM customers c
            """)
        #expect(
            result.outputs.map(\.name) == [
                "email", "who", "upper", "?column?", "substr", "count", "?column?", "?column?",
                "email", "int4", "case", "phone",
                "coalesce", "now", "current_timestamp", "max",
                "exists", "array", "nullif", "greatest", "lower",
            ])
    }

    @Test func expressionsDeriveFromTheirColumns() {
        let result = analysis(
            """
            SELECT upper(email) AS e1, email || '' AS e2, substr(ssn, 1, 3) AS s,
                   CASE WHEN vip THEN phone ELSE 'n/a' END AS p, id::text AS i, 42 AS answer,
                   (SELECT max(total) FROM orders o WHERE o.customer_id = c.id) AS biggest
            FROM customers c
            """)
        #expect(result.output("e1")?.sources == [column("customers", "email")])
        #expect(result.output("e2")?.sources == [column("customers", "email")])
        #expect(result.output("s")?.sources == [column("customers", "ssn")])
        #expect(Set(result.output("p")?.sources ?? []) == [column("customers", "vip"), column("customers", "phone")])
        #expect(result.output("i")?.sources == [column("customers", "id")])
        #expect(result.output("answer")?.sources == [])
        #expect(result.output("biggest")?.sources == [column("orders", "total")])
    }

    @Test func starsExpandPerRelation() {
        let result = analysis("SELECT * FROM customers c JOIN app.orders o ON o.customer_id = c.id")
        #expect(
            result.outputs == [
                OutputColumn(name: "*", sources: [column("customers", "*")]),
                OutputColumn(name: "*", sources: [column(table("orders", schema: "app"), "*")]),
            ])
        let qualified = analysis("SELECT o.*, c.email FROM customers c, orders o")
        #expect(
            qualified.outputs == [
                OutputColumn(name: "*", sources: [column("orders", "*")]),
                OutputColumn(name: "email", sources: [column("customers", "email")]),
            ])
    }

    @Test func wholeRowReferences() {
        let result = analysis("SELECT row_to_json(c) AS doc, c AS whole, to_json(c.*) AS star FROM customers c")
        #expect(result.output("doc")?.sources == [column("customers", "*")])
        #expect(result.output("whole")?.sources == [column("customers", "*")])
        #expect(result.output("star")?.sources == [column("customers", "*")])
    }

    @Test func throughCommonTableExpressions() {
        let result = analysis(
            """
            WITH contacts AS (SELECT id, upper(email) AS mail FROM customers),
                 everything AS (SELECT * FROM orders)
            SELECT contacts.mail, m2, total, contacts
            FROM contacts JOIN everything ON everything.customer_id = contacts.id,
                 LATERAL (SELECT mail AS m2) x
            """)
        #expect(result.output("mail")?.sources == [column("customers", "email")])
        #expect(result.output("m2")?.sources == [column("customers", "email")])
        #expect(result.output("total")?.sources == [column("orders", "total")])
        #expect(
            Set(result.output("contacts")?.sources ?? []) == [column("customers", "id"), column("customers", "email")])
    }

    @Test func throughSubqueriesInFrom() {
        let result = analysis(
            "SELECT s.contact, n FROM (SELECT email AS contact, length(name) AS n FROM customers) AS s")
        #expect(
            result.outputs == [
                OutputColumn(name: "contact", sources: [column("customers", "email")]),
                OutputColumn(name: "n", sources: [column("customers", "name")]),
            ])
        let renamed = analysis("SELECT x FROM (SELECT email FROM customers) AS s(x)")
        #expect(renamed.outputs == [OutputColumn(name: "x", sources: [column("customers", "email")])])
        let star = analysis("SELECT * FROM (SELECT email FROM customers) s")
        #expect(star.outputs == [OutputColumn(name: "email", sources: [column("customers", "email")])])
        let passThrough = analysis("SELECT ssn FROM (SELECT * FROM customers) s")
        #expect(passThrough.outputs == [OutputColumn(name: "ssn", sources: [column("customers", "ssn")])])
    }

    @Test func setOperationsCombineBothSides() {
        let result = analysis("SELECT email FROM customers UNION SELECT contact FROM suppliers")
        #expect(
            result.outputs == [
                OutputColumn(name: "email", sources: [column("customers", "email"), column("suppliers", "contact")])
            ])
    }

    @Test func valuesLists() {
        let result = analysis("VALUES (1, 'a'), (2, 'b')")
        #expect(result.outputs.map(\.name) == ["column1", "column2"])
    }

    @Test func returningLists() {
        let result = analysis("UPDATE customers SET email = $1 WHERE id = $2 RETURNING id, upper(email) AS mail, *")
        #expect(
            result.outputs == [
                OutputColumn(name: "id", sources: [column("customers", "id")]),
                OutputColumn(name: "mail", sources: [column("customers", "email")]),
                OutputColumn(name: "*", sources: [column("customers", "*")]),
            ])
    }

    @Test func functionsInFromCarryTheirArguments() {
        let result = analysis("SELECT e FROM customers c, unnest(c.emails) AS e")
        #expect(result.outputs == [OutputColumn(name: "e", sources: [column("customers", "emails")])])

        let record = analysis("SELECT a, email FROM customers c, jsonb_to_record(c.prefs) AS x(a int, b text)")
        #expect(
            record.outputs == [
                OutputColumn(name: "a", sources: [column("customers", "prefs")]),
                OutputColumn(name: "email", sources: [column("customers", "email")]),
            ])
    }

    @Test func orderByAnOutputNameIsNotAColumn() {
        let result = analysis("SELECT upper(email) AS shout FROM customers ORDER BY shout")
        #expect(result.columns == [column("customers", "email")])
    }
}
