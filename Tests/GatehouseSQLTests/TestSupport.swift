import GatehouseCore
import Testing

@testable import GatehouseSQL

/// One analyzer for the tests that do not count parser calls.
let sharedAnalyzer = StatementAnalyzer()

/// The analysis of a text expected to hold exactly one statement, with functions resolved as a
/// session resolves them before its catalog is read (`RoutineCatalog`'s short list).
func analysis(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> StatementAnalysis {
    let analyses = sharedAnalyzer.analyze(sql)
    #expect(analyses.count == 1, "expected one statement in \(sql)", sourceLocation: sourceLocation)
    return RoutineCatalog().check(analyses[0]) { _, _ in nil }
}

func table(_ name: String, schema: String? = nil) -> RelationName {
    RelationName(schema: schema, name: name)
}

func column(_ relation: RelationName?, _ name: String) -> ColumnReference {
    ColumnReference(relation: relation, column: name)
}

func column(_ relation: String, _ name: String) -> ColumnReference {
    ColumnReference(relation: table(relation), column: name)
}

extension StatementAnalysis {
    /// The output of this name, for lineage assertions.
    func output(_ name: String) -> OutputColumn? { outputs.first { $0.name == name } }
}
