import Crypto
import GatehouseCore
import GatehouseMasking
import GatehousePostgresWire
import NIOCore
import Testing

@testable import GatehousePostgresMasking

/// Subject keys (`personal_data[].subject_key`): values that go out unmasked, but identify the
/// person a row is about, are indexed as the response's subjects with the digest
/// `audit subject --key TABLE=VALUE` computes.
@Suite struct SubjectKeyTests {
    static let customers = RelationName(schema: "public", name: "customers")
    static let orders = RelationName(schema: "public", name: "orders")
    static let catalog = ResultCatalog(relations: [
        16400: .init(name: customers, columns: [
            .init(attributeNumber: 1, name: "id", typeOID: 23), .init(attributeNumber: 2, name: "city", typeOID: 25),
            .init(attributeNumber: 3, name: "email", typeOID: 25),
        ]),
        16500: .init(name: orders, columns: [
            .init(attributeNumber: 1, name: "id", typeOID: 23), .init(attributeNumber: 2, name: "customer_id", typeOID: 23),
        ]),
    ])
    static let planner = ResultMaskPlanner(
        classification: DataClassification(
            tables: [.init(relation: customers, category: nil, columns: ["email": "contact"])],
            subjectKeys: [.init(relation: customers, column: "id"), .init(relation: orders, column: "customer_id", subjects: customers)]),
        catalog: catalog)

    /// What the audit command looks up for `--key public.customers=VALUE`.
    func digest(_ key: String) -> String {
        subjectDigest(of: subjectKeyText(relation: "public.customers", key: key), kind: .subjectKey,
                      key: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
    }

    @Test func aKeyColumnAsStoredIsIndexedUnderItsSubjectsTable() {
        let masks = Self.planner.masks(for: [
            ResultField(name: "id", tableOID: 16400, attributeNumber: 1, typeOID: 23),
            ResultField(name: "city", tableOID: 16400, attributeNumber: 2, typeOID: 25),
            ResultField(name: "customer_id", tableOID: 16500, attributeNumber: 2, typeOID: 23),
            ResultField(name: "id", tableOID: 16500, attributeNumber: 1, typeOID: 23),
            ResultField(name: "?column?", typeOID: 23),  // id + 1: not a key as stored
        ], analysis: nil)
        #expect(masks.map(\.subjectKeyOf) == ["public.customers", nil, "public.customers", nil, nil])
        #expect(masks[0].mask == .none)  // indexed, not masked
    }

    @Test func copyIndexesAKeyCopiedAsItIs() {
        let analysis = StatementAnalysis(text: "", kind: .copy, outputs: [
            OutputColumn(name: "id", sources: [ColumnReference(relation: Self.customers, column: "id")]),
            OutputColumn(name: "next", sources: [ColumnReference(relation: Self.customers, column: "id")]),
        ])
        #expect(Self.planner.copyMasks(analysis: analysis, columnCount: 2).map(\.subjectKeyOf) == ["public.customers", nil])
    }

    @Test func aRowWithOnlyAKeyIsForwardedAndItsSubjectKept() throws {
        let masker = DataRowMasker(engine: testEngine, columns: [
            ResultColumnMask(typeOID: OID.int4, format: 0, mask: .none, subjectKeyOf: "public.customers"),
            ResultColumnMask(typeOID: OID.text, format: 0, mask: .none),
        ])
        #expect(masker.needsWork)
        var out = ByteBuffer()
        let stats = try #require(try masker.maskMessage(body: dataRowBody([bytes("42"), bytes("Berlin")]), into: &out))
        #expect(stats.valuesMasked == 0)
        #expect(out.readableBytes == 0)  // nothing written: the original row goes out
        #expect(stats.hits == [SubjectHit(kind: .subjectKey, digest: digest("42"))])
        #expect(try masker.maskMessage(body: dataRowBody([nil, bytes("Berlin")]), into: &out) == nil)  // NULL: no subject
    }

    @Test func binaryKeysAreIndexedAsTheirTextForm() throws {
        var int4: [UInt8] = []
        int4.int32(42)
        let uuid: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]
        let masker = DataRowMasker(engine: testEngine, columns: [
            ResultColumnMask(typeOID: OID.int4, format: 1, mask: .none, subjectKeyOf: "public.customers"),
            ResultColumnMask(typeOID: 20, format: 1, mask: .none, subjectKeyOf: "public.customers"),
            ResultColumnMask(typeOID: 2950, format: 1, mask: .none, subjectKeyOf: "public.customers"),
        ])
        var out = ByteBuffer()
        let stats = try #require(try masker.maskMessage(body: dataRowBody([int4, [0, 0, 0, 0, 0, 0, 0, 7], uuid]), into: &out))
        #expect(stats.hits.map(\.digest) == [digest("42"), digest("7"), digest("12345678-9ABC-def0-0123-456789abcdef")])
    }

    @Test func aKeyBesideAMaskedValueIsIndexedToo() throws {
        let masker = DataRowMasker(engine: testEngine, columns: [
            ResultColumnMask(typeOID: OID.int4, format: 0, mask: .none, subjectKeyOf: "public.customers"),
            ResultColumnMask(typeOID: OID.text, format: 0, mask: .classified(category: "contact")),
        ])
        var out = ByteBuffer()
        let stats = try #require(try masker.maskMessage(body: dataRowBody([bytes("42"), bytes("ann@example.com")]), into: &out))
        #expect(stats.valuesMasked == 1)
        #expect(stats.hits.count == 2)
        #expect(stats.hits.contains(SubjectHit(kind: .subjectKey, digest: digest("42"))))
    }

    @Test func copyRowsIndexKeysWithoutRewritingThem() throws {
        let masker = try CopyRowMasker(engine: testEngine, options: CopyOptions(format: .csv), columns: [
            ResultColumnMask(typeOID: OID.text, format: 0, mask: .none),
            ResultColumnMask(typeOID: OID.int4, format: 0, mask: .none, subjectKeyOf: "public.customers"),
        ])
        var out = ByteBuffer()
        let stats = try #require(try masker.mask(row: ByteBuffer(string: "Berlin,\"42\"\n"), into: &out))
        #expect(stats.valuesMasked == 0)
        #expect(out.readableBytes == 0)
        #expect(stats.hits == [SubjectHit(kind: .subjectKey, digest: digest("42"))])
    }

    @Test func theStatementsSummaryKeepsKeysWhenNothingWasMasked() {
        var summary = ResponseMaskingSummary()
        summary.add(values: 0, hits: [SubjectHit(kind: .subjectKey, digest: digest("42"))])
        var outcome = EventPayload.Outcome(statementID: 1, status: .completed, commandTag: "SELECT 1", rows: 1, errorCode: nil,
                                           durationMicroseconds: 10)
        summary.apply(to: &outcome)
        #expect(outcome.maskedValues == nil)
        #expect(outcome.subjects?.count == 1)
    }
}
