import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("Statement texts: splitting, empty input, parse errors")
struct StatementTextTests {
    @Test func multiStatementStringsSplitIntoTheirStatements() {
        let analyses = sharedAnalyzer.analyze("SELECT 1; UPDATE t SET a=1 WHERE id=2")
        #expect(analyses.map(\.text) == ["SELECT 1", "UPDATE t SET a=1 WHERE id=2"])
        #expect(analyses.map(\.kind) == [.select, .update])
        #expect(analyses[1].writes == [table("t")])
        #expect(analyses[0].writes.isEmpty)
    }

    @Test func splittingCopesWithSemicolonsInStringsCommentsAndMultibyteText() {
        let analyses = sharedAnalyzer.analyze(
            """
            -- leading comment
            SELECT 'a;b' AS "naïve;" FROM "Kundén";
              /* c; */ INSERT INTO t VALUES ('ø;');;
            BEGIN
            """)
        #expect(
            analyses.map(\.text) == [
                "-- leading comment\nSELECT 'a;b' AS \"naïve;\" FROM \"Kundén\"",
                "/* c; */ INSERT INTO t VALUES ('ø;')",
                "BEGIN",
            ])
        #expect(analyses[0].reads == [table("Kundén")])
        #expect(analyses[0].outputs.map(\.name) == ["naïve;"])
    }

    @Test(arguments: ["", "   ", "-- only a comment", "/* block */", ";", " ; ; "])
    func emptyInput(sql: String) {
        let analyses = sharedAnalyzer.analyze(sql)
        #expect(analyses.count == 1)
        #expect(analyses[0].kind == .empty)
        #expect(analyses[0].analysable)
    }

    @Test func unparsableTextGivesOneUnanalysableStatement() {
        let analyses = sharedAnalyzer.analyze("SELECT 1; SELEC email FROM customers; SELECT 2")
        #expect(analyses.count == 1)
        #expect(analyses[0].kind == .unknown)
        #expect(!analyses[0].analysable)
        #expect(analyses[0].limitation == #"syntax error at or near "SELEC" at position 11"#)
    }

    @Test func placeholdersParse() {
        let result = analysis("SELECT email FROM customers WHERE id = $1 AND name LIKE $2")
        #expect(result.analysable)
        #expect(result.kind == .select)
    }
}
