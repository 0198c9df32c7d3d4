import GatehouseCore
import Testing

@testable import GatehouseSQL

@Suite("View resolution")
struct ViewResolutionTests {
    let contacts = table("contacts", schema: "public")
    let customers = table("customers", schema: "public")

    @Test func viewsAreReplacedByTheirBaseColumns() {
        let original = analysis("SELECT upper(mail) AS m, id FROM contacts WHERE mail LIKE '%@x'")
        let resolved = resolveViews(
            original, views: [contacts: [customers]],
            viewColumns: [contacts: ["mail": [column(customers, "email")], "id": [column(customers, "id")]]])
        #expect(resolved.reads == [table("contacts"), customers])
        #expect(Set(resolved.columns) == [column(customers, "email"), column(customers, "id")])
        #expect(
            resolved.outputs == [
                OutputColumn(name: "m", sources: [column(customers, "email")]),
                OutputColumn(name: "id", sources: [column(customers, "id")]),
            ])
    }

    @Test func withoutColumnMappingsEveryBaseColumnIsAssumed() {
        let resolved = resolveViews(analysis("SELECT mail FROM contacts"), views: [contacts: [customers]])
        #expect(resolved.outputs == [OutputColumn(name: "mail", sources: [column(customers, "*")])])
        #expect(resolved.columns == [column(customers, "*")])
    }

    @Test func starOfAView() {
        let resolved = resolveViews(
            analysis("SELECT * FROM contacts"), views: [contacts: [customers]],
            viewColumns: [contacts: ["mail": [column(customers, "email")], "id": [column(customers, "id")]]])
        #expect(Set(resolved.outputs.flatMap(\.sources)) == [column(customers, "email"), column(customers, "id")])
    }

    @Test func viewsOverViewsResolveTransitively() {
        let vip = table("vip")
        let resolved = resolveViews(
            analysis("SELECT mail FROM vip"), views: [vip: [contacts], contacts: [customers]],
            viewColumns: [vip: ["mail": [column(contacts, "mail")]], contacts: ["mail": [column(customers, "email")]]])
        #expect(resolved.reads == [vip, contacts, customers])
        #expect(resolved.outputs == [OutputColumn(name: "mail", sources: [column(customers, "email")])])
    }

    @Test func cyclesTerminate() {
        let a = table("a")
        let b = table("b")
        let resolved = resolveViews(
            analysis("SELECT x FROM a"), views: [a: [b], b: [a]],
            viewColumns: [a: ["x": [column(b, "x")]], b: ["x": [column(a, "x")]]])
        #expect(Set(resolved.reads) == [a, b])
        #expect(resolved.outputs.count == 1)
    }

    @Test func baseRelationsAreLeftAlone() {
        let original = analysis("SELECT email FROM customers")
        #expect(resolveViews(original, views: [contacts: [customers]]) == original)
    }
}
