import GatehouseMasking
import GatehousePostgresWire
import NIOCore
import Testing
@testable import GatehousePostgresMasking

@Suite struct ErrorFieldMaskerTests {
    /// public.customers: email (contact) and full_name (name) are classified; id is not.
    /// public.orders: nothing classified.
    let lookup = ClassifiedColumnLookup(
        category: { schema, table, column in
            guard schema == nil || schema == "public", table == "customers" else { return nil }
            return ["email": "contact", "full_name": "name", "Email Address": "contact"][column]
        },
        tableCategory: { schema, table in
            (schema == nil || schema == "public") && table == "customers" ? "contact" : nil
        })

    var masker: ErrorFieldMasker { ErrorFieldMasker(engine: testEngine, classification: lookup) }

    func fields(detail: String, table: String = "customers", message: String = "duplicate key value violates unique constraint \"customers_email_key\"") -> ErrorFields {
        ErrorFields(code: "23505", message: message, detail: detail,
                    other: [UInt8(ascii: "s"): "public", UInt8(ascii: "t"): table, UInt8(ascii: "n"): "customers_email_key"])
    }

    @Test func uniqueViolationValueIsMaskedByCategory() throws {
        // "Jane Doe" is not an identifier the detectors know: only the classification catches it.
        let result = try #require(masker.mask(fields(detail: "Key (full_name)=(Jane Doe) already exists.")))
        #expect(result.value.detail == "Key (full_name)=([NAME]) already exists.")
        #expect(result.value.message == "duplicate key value violates unique constraint \"customers_email_key\"")
        #expect(result.fieldsMasked == 1)
        #expect(result.hits.count == 1)
    }

    @Test func multiColumnKeysMaskOnlyClassifiedColumns() throws {
        let result = try #require(masker.mask(fields(detail: "Key (id, full_name)=(42, Jane Doe) already exists.")))
        #expect(result.value.detail == "Key (id, full_name)=(42, [NAME]) already exists.")
    }

    @Test func ambiguousValueListsAreMaskedWhole() throws {
        // The name holds ", ": values cannot be told apart, so the whole list goes.
        let result = try #require(masker.mask(fields(detail: "Key (id, full_name)=(42, Doe, Jane) already exists.")))
        #expect(result.value.detail == "Key (id, full_name)=([NAME]) already exists.")
    }

    @Test func quotedIdentifiersAndExpressions() throws {
        let quoted = try #require(masker.mask(fields(detail: "Key (\"Email Address\")=(someone at home) already exists.")))
        #expect(quoted.value.detail == "Key (\"Email Address\")=([CONTACT]) already exists.")
        let expression = try #require(masker.mask(fields(detail: "Key (lower(full_name))=(jane doe) already exists.")))
        #expect(expression.value.detail == "Key (lower(full_name))=([CONTACT]) already exists.")
    }

    @Test func foreignKeyDetails() throws {
        // Inserting into orders: its key columns are checked against customers (named in the detail).
        let insert = ErrorFields(code: "23503", message: "insert or update on table \"orders\" violates foreign key constraint \"orders_customer_fkey\"",
                                 detail: "Key (email)=(alice@example.com) is not present in table \"customers\".",
                                 other: [UInt8(ascii: "s"): "public", UInt8(ascii: "t"): "orders"])
        let masked = try #require(masker.mask(insert))
        #expect(masked.value.detail == "Key (email)=([EMAIL]) is not present in table \"customers\".")
        let delete = ErrorFields(code: "23503", message: "update or delete on table \"customers\" violates foreign key constraint \"orders_customer_fkey\" on table \"orders\"",
                                 detail: "Key (full_name)=(Jane Doe) is still referenced from table \"orders\".",
                                 other: [UInt8(ascii: "s"): "public", UInt8(ascii: "t"): "orders"])
        #expect(try #require(masker.mask(delete)).value.detail == "Key (full_name)=([NAME]) is still referenced from table \"orders\".")
    }

    @Test func exclusionConstraintHasTwoLists() throws {
        let result = try #require(masker.mask(fields(
            detail: "Key (full_name)=(Jane Doe) conflicts with existing key (full_name)=(Jane Roe).")))
        #expect(result.value.detail == "Key (full_name)=([NAME]) conflicts with existing key (full_name)=([NAME]).")
    }

    @Test func failingRowIsMaskedWholeWhenTheTableIsClassified() throws {
        let result = try #require(masker.mask(ErrorFields(
            code: "23502", message: "null value in column \"id\" of relation \"customers\" violates not-null constraint",
            detail: "Failing row contains (null, Jane Doe, jane@example.com).",
            other: [UInt8(ascii: "s"): "public", UInt8(ascii: "t"): "customers", UInt8(ascii: "c"): "id"])))
        #expect(result.value.detail == "Failing row contains ([CONTACT]).")
    }

    @Test func unclassifiedTablesOnlyGetTheDetectors() throws {
        let result = try #require(masker.mask(fields(detail: "Failing row contains (1, Jane Doe, jane@example.com).", table: "orders")))
        #expect(result.value.detail == "Failing row contains (1, Jane Doe, [EMAIL]).")
        #expect(masker.mask(fields(detail: "Key (id)=(1) already exists.", table: "orders")) == nil)
        #expect(masker.mask(fields(detail: "Key (id)=(1) already exists.")) == nil)
    }

    @Test func detectorsRunOnMessageHintContextAndInternalQuery() throws {
        let input = ErrorFields(code: "22P02", message: "invalid input syntax for type integer: \"alice@example.com\"",
                                hint: "ask bob@example.com",
                                other: [UInt8(ascii: "W"): "COPY t, line 1, column id: \"alice@example.com\"",
                                        UInt8(ascii: "q"): "SELECT '123-45-6789'",
                                        UInt8(ascii: "F"): "numutils.c"])
        let result = try #require(ErrorFieldMasker(engine: testEngine).mask(input))
        #expect(result.value.message == "invalid input syntax for type integer: \"[EMAIL]\"")
        #expect(result.value.hint == "ask [EMAIL]")
        #expect(result.value.other[UInt8(ascii: "W")] == "COPY t, line 1, column id: \"[EMAIL]\"")
        #expect(result.value.other[UInt8(ascii: "q")] == "SELECT '[SSN]'")
        #expect(result.value.other[UInt8(ascii: "F")] == "numutils.c")
        #expect(result.fieldsMasked == 4)
        #expect(result.hits.count == 3)
    }

    @Test func pseudonymsAreNotMaskedTwice() throws {
        let masker = ErrorFieldMasker(engine: pseudonymEngine, classification: lookup)
        let result = try #require(masker.mask(fields(detail: "Key (email)=(alice@example.com) already exists.")))
        #expect(result.hits.count == 1)
        #expect(!(result.value.detail ?? "").contains("alice@example.com"))
    }

    /// A data exception quotes the offending value; while a statement reads classified data the
    /// value may be one of them, so it is masked whole. Other errors keep their quoted names.
    @Test func dataExceptionsOfStatementsReadingPersonalData() throws {
        let cast = ErrorFields(code: "22P02", message: "invalid input syntax for type integer: \"Jonas Fernández\"").encoded()
        let masked = try #require(try masker.mask(body: cast, statementCategory: "name"))
        #expect(ErrorFields.decode(masked.value).message == "invalid input syntax for type integer: \"[NAME]\"")
        #expect(try masker.mask(body: cast) == nil)
        let missing = ErrorFields(code: "42703", message: "column \"emial\" does not exist").encoded()
        #expect(try masker.mask(body: missing, statementCategory: "name") == nil)
    }

    @Test func cleanErrorsComeBackNil() throws {
        #expect(masker.mask(ErrorFields(code: "42P01", message: "relation \"nope\" does not exist")) == nil)
        let body = ErrorFields(code: "42P01", message: "relation \"nope\" does not exist").encoded()
        #expect(try masker.mask(body: body) == nil)
    }

    @Test func bodiesKeepOtherFieldsAndOrder() throws {
        var body = ByteBuffer()
        for (type, value) in [("S", "ERREUR"), ("V", "ERROR"), ("C", "23505"), ("M", "doublon"),
                              ("D", "Key (email)=(alice@example.com) already exists."), ("s", "public"),
                              ("t", "customers"), ("n", "customers_email_key"), ("F", "nbtinsert.c"), ("L", "666")] {
            body.writeString(type)
            body.writeString(value)
            body.writeInteger(UInt8(0))
        }
        body.writeInteger(UInt8(0))
        let result = try #require(try masker.mask(body: body))
        var expected = ByteBuffer()
        for (type, value) in [("S", "ERREUR"), ("V", "ERROR"), ("C", "23505"), ("M", "doublon"),
                              ("D", "Key (email)=([EMAIL]) already exists."), ("s", "public"),
                              ("t", "customers"), ("n", "customers_email_key"), ("F", "nbtinsert.c"), ("L", "666")] {
            expected.writeString(type)
            expected.writeString(value)
            expected.writeInteger(UInt8(0))
        }
        expected.writeInteger(UInt8(0))
        #expect(result.value == expected)
        #expect(result.fieldsMasked == 1)
    }

    @Test func malformedBodiesThrow() {
        for raw: [UInt8] in [[], [UInt8(ascii: "M"), 0x61], [UInt8(ascii: "M"), 0x61, 0], [0, 1]] {
            #expect(throws: PostgresMaskingError.self) { try masker.mask(body: ByteBuffer(bytes: raw)) }
        }
    }
}

@Suite struct NotificationPayloadMaskerTests {
    func body(pid: Int32 = 42, channel: String, payload: String) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeInteger(pid)
        body.writeString(channel)
        body.writeInteger(UInt8(0))
        body.writeString(payload)
        body.writeInteger(UInt8(0))
        return body
    }

    @Test func payloadIsMaskedChannelKept() throws {
        let masker = NotificationPayloadMasker(engine: testEngine)
        let result = try #require(try masker.mask(body: body(channel: "alice@example.com", payload: "{\"to\": \"bob@example.com\"}")))
        #expect(result.body == body(channel: "alice@example.com", payload: "{\"to\": \"[EMAIL]\"}"))
        #expect(result.hits.count == 1)
        #expect(try masker.mask(body: body(channel: "c", payload: "clean")) == nil)
        #expect(masker.mask(payload: "mail bob@example.com")?.payload == "mail [EMAIL]")
    }

    @Test func malformedNotificationsThrow() {
        let masker = NotificationPayloadMasker(engine: testEngine)
        for raw: [UInt8] in [[0, 0], [0, 0, 0, 1, 0x63], [0, 0, 0, 1, 0x63, 0, 0x70], [0, 0, 0, 1, 0x63, 0, 0x70, 0, 0]] {
            #expect(throws: PostgresMaskingError.self) { try masker.mask(body: ByteBuffer(bytes: raw)) }
        }
    }
}
