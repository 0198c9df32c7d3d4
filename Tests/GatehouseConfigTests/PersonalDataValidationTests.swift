import GatehouseCore
import Testing

@testable import GatehouseConfig

@Suite struct PersonalDataValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with a `personal_data:` section on line 13, entries from line 14 on.
    func withPersonalData(_ entries: String) -> String {
        MinimalConfig.text + "    personal_data:\n" + entries
    }

    @Test func entryNeedsColumnsOrCategory() {
        fixture.expectError(
            withPersonalData("      - table: public.customers\n      - table: orders\n"), line: 14, column: 9,
            keyPath: "connections[0].personal_data[0]", problem: "needs 'columns', 'category' or 'subject_key'")
    }

    @Test func subjectKeysNameTheColumnAndWhoseSubjectsItIdentifies() throws {
        let yaml = withPersonalData("""
                  - table: customers
                    subject_key: id
                    columns: {email: contact}
                  - table: sales.orders
                    subject_key: {column: Customer_ID, of: customers}

            """)
        let personalData = try fixture.parse(yaml).connections[0].personalData
        // A subject key alone does not classify the table: nothing in it is masked or held for.
        #expect(personalData.tables.map(\.relation) == [RelationName(schema: "public", name: "customers")])
        #expect(personalData.subjectKeys == [
            .init(relation: RelationName(schema: "public", name: "customers"), column: "id"),
            .init(relation: RelationName(schema: "sales", name: "orders"), column: "customer_id",
                  subjects: RelationName(schema: "public", name: "customers")),
        ])
    }

    @Test func subjectKeysAreChecked() {
        fixture.expectError(
            withPersonalData("      - table: orders\n        subject_key: {column: customer_id, of: 'a.b.c'}\n"),
            line: 15, column: 44, keyPath: "connections[0].personal_data[0].subject_key.of",
            problem: "'a.b.c' is not a table name (write schema.table or table)")
        fixture.expectError(
            withPersonalData("      - table: orders\n        subject_key: {of: customers}\n"),
            line: 15, column: 9, keyPath: "connections[0].personal_data[0].subject_key", problem: "'column' is required")
        fixture.expectError(
            withPersonalData("      - table: orders\n        subject_key: {column: id, table: customers}\n"),
            line: 15, column: 35, keyPath: "connections[0].personal_data[0].subject_key.table", problem: "unknown key")
    }

    @Test func columnsAndCategoryMayBeCombined() throws {
        let yaml = withPersonalData("      - table: crm.Contacts\n        category: contact\n        columns: {Notes: free-text, '\"Email\"': contact}\n")
        let table = try #require(try fixture.parse(yaml).connections[0].personalData.tables.first)
        #expect(table.relation == RelationName(schema: "crm", name: "contacts"))
        #expect(table.category == "contact")
        #expect(table.columns == ["notes": "free-text", "Email": "contact"])
    }

    @Test func jsonColumnsClassifiedFieldByField() throws {
        let yaml = withPersonalData("""
                  - table: tickets
                    columns:
                      body: free-text
                      metadata:
                        category: free-text
                        json_fields: {'$.caller.name': name, '$.items[*].email': contact}

            """)
        let table = try #require(try fixture.parse(yaml).connections[0].personalData.tables.first)
        #expect(table.columns == ["body": "free-text", "metadata": "free-text"])
        #expect(table.jsonFields == ["metadata": ["$.caller.name": "name", "$.items[*].email": "contact"]])
    }

    @Test func jsonFieldPathsMustParse() {
        fixture.expectError(
            withPersonalData("      - table: tickets\n        columns:\n          metadata: {category: x, json_fields: {'$..name': name}}\n"),
            line: 16, column: 49, keyPath: "connections[0].personal_data[0].columns.metadata.json_fields.$..name",
            problem: "'$..name' is not a JSON field path")
        fixture.expectError(
            withPersonalData("      - table: tickets\n        columns:\n          metadata: {json_fields: {'$.a': name}}\n"),
            line: 16, column: 11, keyPath: "connections[0].personal_data[0].columns.metadata", problem: "'category' is required")
    }

    @Test func quotedTableNamesKeepTheirCase() throws {
        let yaml = withPersonalData("      - table: '\"Sales\".\"Leads\"'\n        category: contact\n")
        let table = try #require(try fixture.parse(yaml).connections[0].personalData.tables.first)
        #expect(table.relation == RelationName(schema: "Sales", name: "Leads"))
    }

    @Test func unqualifiedTableMeansPublic() throws {
        let yaml = withPersonalData("      - table: customers\n        columns: {email: contact}\n")
        let table = try #require(try fixture.parse(yaml).connections[0].personalData.tables.first)
        #expect(table.relation == RelationName(schema: "public", name: "customers"))
    }

    @Test func tableNameMustBeSchemaDotTable() {
        fixture.expectError(
            withPersonalData("      - table: db.public.customers\n        category: contact\n"), line: 14,
            keyPath: "connections[0].personal_data[0].table", problem: "is not a table name")
        fixture.expectError(
            withPersonalData("      - table: public.\n        category: contact\n"), line: 14,
            keyPath: "connections[0].personal_data[0].table", problem: "is not a table name")
    }

    @Test func tableIsClassifiedOnce() {
        let entries = "      - table: customers\n        category: contact\n      - table: public.CUSTOMERS\n        category: name\n"
        fixture.expectError(
            withPersonalData(entries), line: 16, keyPath: "connections[0].personal_data[1].table",
            problem: "table public.customers is already classified on line 14")
    }

    @Test func columnsMustNotBeEmptyOrRepeated() {
        fixture.expectError(
            withPersonalData("      - table: t\n        columns: {}\n"), line: 15,
            keyPath: "connections[0].personal_data[0].columns", problem: "must list at least one column")
        fixture.expectError(
            withPersonalData("      - table: t\n        columns:\n          email: contact\n          EMAIL: contact\n"), line: 17,
            keyPath: "connections[0].personal_data[0].columns.EMAIL", problem: "column email is classified twice")
        fixture.expectError(
            withPersonalData("      - table: t\n        columns:\n          email:\n"), line: 16,
            keyPath: "connections[0].personal_data[0].columns.email", problem: "must be a single value, not empty")
    }
}
