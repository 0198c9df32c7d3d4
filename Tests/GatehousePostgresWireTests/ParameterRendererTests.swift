import GatehousePostgresWire
import NIOCore
import Testing

@Suite struct ParameterRendererTests {
    func binary(_ bytes: [UInt8], _ oid: UInt32) -> String? {
        ParameterRenderer.render(ByteBuffer(bytes: bytes), binary: true, typeOID: oid)
    }

    @Test func decodesCommonBinaryTypes() {
        #expect(binary([0, 42], 21) == "42")
        #expect(binary([0xff, 0xff, 0xff, 0xfe], 23) == "-2")
        #expect(binary([0, 0, 0, 0, 0, 0, 1, 0], 20) == "256")
        #expect(binary([1], 16) == "t")
        #expect(binary([0x3f, 0xf8, 0, 0, 0, 0, 0, 0], 701) == "1.5")
        #expect(binary(Array(0..<16), 2950) == "00010203-0405-0607-0809-0a0b0c0d0e0f")
        #expect(binary([1] + Array("{\"a\":1}".utf8), 3802) == "{\"a\":1}")
        // 2000-01-02: one day after PostgreSQL's epoch.
        #expect(binary([0, 0, 0, 1], 1082) == "2000-01-02")
        // One second after the epoch, as timestamptz.
        #expect(binary([0, 0, 0, 0, 0, 0x0f, 0x42, 0x40], 1184) == "2000-01-01 00:00:01.000000+00")
    }

    @Test func unknownTypesAndWrongLengthsFallBackToHex() {
        #expect(binary([0xde, 0xad], 0) == "\\xdead")
        #expect(binary([0, 0, 42], 23) == "\\x00002a")
        #expect(binary([1, 2], 17) == "\\x0102")
    }

    @Test func nullAndTextValues() {
        #expect(ParameterRenderer.render(nil, binary: true, typeOID: 23) == nil)
        #expect(ParameterRenderer.render(ByteBuffer(string: "héllo"), binary: false, typeOID: 0) == "héllo")
    }

    @Test func longValuesAreCutWithTheirLength() {
        let long = ByteBuffer(repeating: UInt8(ascii: "x"), count: ParameterRenderer.limit + 10)
        let rendered = ParameterRenderer.render(long, binary: false, typeOID: 25)!
        #expect(rendered.hasSuffix("…(\(ParameterRenderer.limit + 10) bytes)"))
        #expect(rendered.count == ParameterRenderer.limit + "…(4106 bytes)".count)
    }

    @Test func serverDescribedTypesApplyToLaterBinds() throws {
        var state = ExtendedQueryState()
        state.parsed(FrontendMessage.Parse(statementName: "s1", query: "SELECT $1::int", parameterTypes: [0]))
        state.described(statementName: "s1")
        var description = ByteBuffer()
        description.writeInteger(Int16(1))
        description.writeInteger(UInt32(23))
        state.received(parameterDescription: description)
        state.bound(FrontendMessage.Bind(portalName: "", statementName: "s1", values: [ByteBuffer(bytes: [0, 0, 0, 7])], binary: [true]))
        #expect(state.portal(named: "")?.parameters == ["7"])
        #expect(state.portal(named: "")?.statementText == "SELECT $1::int")
    }
}
