import GatehouseCore
import GatehousePostgresWire
import Testing

@testable import GatehousePostgresMasking

/// The router pairs each answer of the server with the request it answers, so rows are masked
/// with the description of their own statement, in every order clients send messages.
@Suite struct PlannerRoutingTests {
    static let email = ResultField(name: "email", tableOID: PlannerTests.customersOID, attributeNumber: 2, typeOID: 25)
    static let id = ResultField(name: "id", tableOID: PlannerTests.customersOID, attributeNumber: 1, typeOID: 23)
    static let contact = ColumnMask.classified(category: "contact")

    func router() -> ResultRouter { ResultRouter(planner: PlannerTests.planner) }

    @Test func simpleQueryStatementsInTurn() {
        var router = router()
        router.query([nil, nil])
        router.sync()
        let forwarded = router.rowDescription([Self.id])
        #expect(forwarded)
        let first = router.rowMasks()
        #expect(first?.map(\.mask) == [.none])
        router.completed()
        _ = router.rowDescription([Self.email])
        let second = router.rowMasks()
        #expect(second?.map(\.mask) == [Self.contact])
        router.completed()
        router.ready()
        let after = router.rowMasks()
        #expect(after == nil)
    }

    /// asyncpg: Parse + Describe statement + Sync, later Bind (binary results) + Execute + Sync.
    @Test func statementDescriptionWithBindFormats() {
        var router = router()
        router.parse(name: "s1", analysis: nil)
        router.describe(.statement("s1"))
        router.sync()
        router.stepConfirmed()  // ParseComplete
        let forwarded = router.rowDescription([Self.id, Self.email])
        #expect(forwarded)
        router.ready()
        router.bind(portal: "", statement: "s1", resultFormats: [1])
        let injected = router.execute(portal: "")
        #expect(!injected)
        router.sync()
        router.stepConfirmed()  // BindComplete
        let masks = router.rowMasks()
        #expect(masks?.map(\.format) == [1, 1])
        #expect(masks?.map(\.mask) == [.none, Self.contact])
        router.completed()
        router.ready()
    }

    /// libpq: Parse, Bind, Describe portal, Execute, Sync, all pipelined.
    @Test func portalDescription() {
        var router = router()
        router.parse(name: "", analysis: nil)
        router.bind(portal: "", statement: "", resultFormats: [0, 1])
        router.describe(.portal(""))
        let injected = router.execute(portal: "")
        #expect(!injected)
        router.sync()
        let forwarded = router.rowDescription([Self.email, ResultField(name: "id", tableOID: PlannerTests.customersOID, attributeNumber: 1, typeOID: 23, format: 1)])
        #expect(forwarded)
        let masks = router.rowMasks()
        #expect(masks?.map(\.mask) == [Self.contact, .none])
        router.completed()
        router.ready()
    }

    /// A client that executes without describing: the gateway describes, and hides the answer.
    @Test func undescribedPortalIsDescribedByTheGateway() {
        var router = router()
        router.parse(name: "", analysis: nil)
        router.bind(portal: "p", statement: "", resultFormats: [])
        let injected = router.execute(portal: "p")
        #expect(injected)
        router.sync()
        let forwarded = router.rowDescription([Self.email])
        #expect(!forwarded)
        let masks = router.rowMasks()
        #expect(masks?.map(\.mask) == [Self.contact])
        router.completed()
        router.ready()
        // Executing the same portal again needs no second Describe.
        let again = router.execute(portal: "p")
        #expect(!again)
        router.sync()
    }

    /// An error skips the rest up to Sync; the next pipelined batch is routed correctly.
    @Test func errorSkipsToSync() {
        var router = router()
        router.parse(name: "", analysis: nil)
        router.bind(portal: "", statement: "", resultFormats: [])
        router.describe(.portal(""))
        _ = router.execute(portal: "")
        router.sync()
        router.query([nil])
        router.sync()
        router.error()          // the Parse failed: Describe and Execute are skipped
        router.ready()
        let forwarded = router.rowDescription([Self.email])
        #expect(forwarded)
        let masks = router.rowMasks()
        #expect(masks?.map(\.mask) == [Self.contact])
        router.completed()
        router.ready()
    }

    @Test func copyStreamsUseTheStatementsOptions() {
        var router = router()
        let copy = StatementAnalysis(text: "", kind: .copy, outputs: [
            OutputColumn(name: "email", sources: [ColumnReference(relation: PlannerTests.customers, column: "email")]),
        ], copy: CopyOptions(format: .csv, header: true))
        router.query([copy])
        router.sync()
        let rows = router.copyOut(columnCount: 1)
        #expect(rows == .copy(CopyOptions(format: .csv, header: true),
                                                        [ResultColumnMask(typeOID: 25, format: 0, mask: Self.contact)]))
        router.completed()
        #expect(router.current == .none)
    }

    /// A Parse the server refused (the name exists) changes nothing: the rows of a later Execute
    /// are masked by the statement the server really has under that name.
    @Test func aRefusedParseLeavesTheServersStatement() {
        var router = router()
        router.parse(name: "s", analysis: StatementAnalysis(text: "SELECT email FROM customers", kind: .select,
                                                            outputs: [OutputColumn(name: "email", sources: [ColumnReference(relation: RelationName(name: "customers"), column: "email")])]))
        router.sync()
        router.stepConfirmed()
        router.ready()
        router.parse(name: "s", analysis: StatementAnalysis(text: "SELECT 'x' AS email", kind: .select,
                                                            outputs: [OutputColumn(name: "email", sources: [])]))
        router.bind(portal: "", statement: "s", resultFormats: [])
        _ = router.execute(portal: "")
        router.sync()
        router.error()  // prepared statement "s" already exists: Bind and Execute are skipped
        router.ready()
        router.bind(portal: "", statement: "s", resultFormats: [])
        _ = router.execute(portal: "")
        router.sync()
        router.stepConfirmed()
        _ = router.rowDescription([ResultField(name: "upper", tableOID: 0, attributeNumber: 0, typeOID: 25, format: 0)])
        #expect(router.rowMasks()?.map(\.mask) == [Self.contact])
    }
}
