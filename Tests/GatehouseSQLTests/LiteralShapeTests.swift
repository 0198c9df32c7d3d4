import GatehouseCore
import Testing

@testable import GatehouseSQL

/// Statements that differ only in literal values share one parse; nothing else does.
@Suite struct LiteralShapeTests {
    @Test(arguments: [
        ("SELECT * FROM t WHERE id = 42", "SELECT * FROM t WHERE id = ?i"),
        ("SELECT 'it''s', E'a\\'b', $$x ' y$$, $tag$ $$ $tag$ FROM t", "SELECT ?s , ?s , ?s , ?s FROM t"),
        ("SELECT 1.5e-3, .5, 1000, -7", "SELECT ?f , ?f , ?i , - ?i"),
        ("SELECT \"a\"\"b\", c1, x$1 FROM t2 WHERE v = $1 -- note 'x'\n", "SELECT \"a\"\"b\" , c1 , x$1 FROM t2 WHERE v = $1"),
        ("/* purpose: TICKET-1 /* nested */ */ SELECT 2;", "SELECT ?i ;"),
        ("SELECT B'0101', X'1F', U&'d\\0061t' FROM t", "SELECT ?b , ?x , ?u FROM t"),
        // PostgreSQL ends a `--` comment at a carriage return too: what follows is a statement.
        ("SELECT 1 -- note\r, email FROM customers", "SELECT ?i , email FROM customers"),
    ])
    func shapes(sql: String, shape: String) {
        #expect(LiteralShape.of(sql) == shape)
    }

    @Test(arguments: [
        "SELECT 1; SELECT 2",           // two statements
        "SELECT 'unterminated",
        "SELECT $$unterminated",
        "SELECT 1 /* unterminated",
        "SELECT \"unterminated",
        "SELECT 0x1F",                  // PostgreSQL 15's scanner: trailing junk after a number
        "SELECT 1_000",
    ])
    func unsureTextsHaveNoShape(sql: String) {
        #expect(LiteralShape.of(sql) == nil)
    }

    /// The shape cache against PostgreSQL's parser: texts of one shape whose literals differ
    /// must parse to the same tree once constants are set aside, and texts the shapes tell
    /// apart (a comment's end, a keyword where a literal was) must not share an analysis.
    @Test func shapesAgreeWithTheParser() {
        let pairs: [(String, String)] = [
            ("SELECT 1 -- c\r, email FROM customers", "SELECT 2 -- c\n, email FROM customers"),
            ("SELECT 'a' -- c\r FROM customers", "SELECT 'a' FROM products"),
            ("SELECT 'x\\' FROM customers", "SELECT 'y' FROM products"),
            ("SELECT E'x\\' FROM customers -- '", "SELECT E'y' FROM products -- '"),
        ]
        for (first, second) in pairs {
            let sameShape = LiteralShape.of(first) != nil && LiteralShape.of(first) == LiteralShape.of(second)
            let analyzer = StatementAnalyzer()
            let viaCache = (analyzer.analyze(first), analyzer.analyze(second)).1
            let fresh = StatementAnalyzer().analyze(second)
            #expect(viaCache.map(\.reads) == fresh.map(\.reads), "\(first) / \(second): shapes equal: \(sameShape)")
            #expect(viaCache.map(\.outputs) == fresh.map(\.outputs), "\(first) / \(second)")
        }
    }

    /// Every statement of a shape gets the same analysis as a fresh parse of it would give.
    @Test func shapeHitsEqualFreshAnalyses() {
        let templates = [
            "SELECT abalance FROM pgbench_accounts WHERE aid = %@;",
            "SELECT email, upper(full_name) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.total > %@ LIMIT 5",
            "UPDATE customers SET notes = %@ WHERE id = %@ RETURNING email",
            "INSERT INTO orders (customer_id, total, status) VALUES (%@, %@, 'open')",
            "DELETE FROM support_tickets WHERE id = %@",
            "/* purpose: %@ */ SELECT count(*) FROM customers WHERE city = %@",
        ]
        let values = [["1", "2"], ["'a'", "'it''s'"], ["$$x$$", "E'\\n'"], ["1.5", "-3"]]
        let shared = StatementAnalyzer()
        for template in templates {
            for pair in values {
                for value in pair {
                    let sql = template.replacingOccurrences(of: "%@", with: value)
                    let viaShape = shared.analyze(sql)
                    let fresh = StatementAnalyzer().analyze(sql)
                    #expect(viaShape == fresh, "\(sql)")
                }
            }
        }
        // One parse per template and value kind at most, not one per value.
        #expect(shared.parserInvocations <= templates.count * values.count)
    }

    @Test func copyAndUtilityStatementsAreNotShared() {
        let analyzer = StatementAnalyzer()
        let first = analyzer.analyze("COPY customers TO STDOUT WITH (FORMAT csv, DELIMITER ';')")
        let second = analyzer.analyze("COPY customers TO STDOUT WITH (FORMAT csv, DELIMITER '|')")
        #expect(first[0].copy?.delimiter == ";")
        #expect(second[0].copy?.delimiter == "|")
        #expect(analyzer.parserInvocations == 2)
    }

    @Test func repeatedShapesSkipTheParser() {
        let analyzer = StatementAnalyzer()
        for id in 1...100 { _ = analyzer.analyze("SELECT abalance FROM pgbench_accounts WHERE aid = \(id);") }
        #expect(analyzer.parserInvocations == 1)
        #expect(analyzer.analyze("SELECT abalance FROM pgbench_accounts WHERE aid = 7;")[0].text
                == "SELECT abalance FROM pgbench_accounts WHERE aid = 7")
    }
}
