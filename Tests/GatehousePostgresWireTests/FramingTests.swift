import GatehousePostgresWire
import NIOCore
import Testing

@Suite struct FramingTests {
    func startupBytes(_ packet: StartupPacket) -> ByteBuffer {
        var buffer = ByteBuffer()
        packet.encode(into: &buffer)
        return buffer
    }

    @Test func startupPacketsRoundTrip() throws {
        for packet in [StartupPacket.sslRequest, .gssEncryptionRequest, .cancel(BackendKey(processID: 42, secretKey: -7)),
                       .startup(parameters: ["user": "alice", "database": "shop", "application_name": "psql"])] {
            var buffer = startupBytes(packet)
            #expect(try StartupPacket.decode(from: &buffer) == packet)
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test func partialStartupWaitsForMoreBytes() throws {
        var full = startupBytes(.startup(parameters: ["user": "alice"]))
        var partial = full.readSlice(length: 10)!
        #expect(try StartupPacket.decode(from: &partial) == nil)
    }

    @Test func refusesBadStartupLengthsAndVersions() {
        var tooShort = ByteBuffer(bytes: [0, 0, 0, 3, 0, 0, 0, 0])
        #expect(throws: ProtocolViolation.self) { try StartupPacket.decode(from: &tooShort) }
        var huge = ByteBuffer(bytes: [0x40, 0, 0, 0, 0, 3, 0, 0])
        #expect(throws: ProtocolViolation.self) { try StartupPacket.decode(from: &huge) }
        var version2 = ByteBuffer(bytes: [0, 0, 0, 9, 0, 2, 0, 0, 0])
        #expect(throws: ProtocolViolation("unsupported frontend protocol 2.0: Gatehouse speaks 3.0")) { try StartupPacket.decode(from: &version2) }
    }

    @Test func frontendDecoderSwitchesToFramesAfterStartup() throws {
        var decoder = FrontendPacketDecoder(maxMessageBytes: 1024)
        var buffer = startupBytes(.sslRequest)
        #expect(try decoder.next(from: &buffer) == .startup(.sslRequest))
        buffer = startupBytes(.startup(parameters: ["user": "a"]))
        PostgresFrame(type: UInt8(ascii: "p"), body: ByteBuffer(string: "tok\0")).write(into: &buffer)
        #expect(try decoder.next(from: &buffer) == .startup(.startup(parameters: ["user": "a"])))
        #expect(try decoder.next(from: &buffer) == .frame(PostgresFrame(type: UInt8(ascii: "p"), body: ByteBuffer(string: "tok\0"))))
        #expect(try decoder.next(from: &buffer) == nil)
    }

    @Test func theTokenMessageIsCappedBeforeLaterMessages() throws {
        let limit = FrontendPacketDecoder.maxTokenMessageBytes
        func header(_ bodyBytes: Int) -> ByteBuffer {
            var buffer = ByteBuffer(bytes: [UInt8(ascii: "p")])
            buffer.writeInteger(Int32(bodyBytes + 4))
            return buffer
        }
        // Before sign-in, a message one byte over the token cap is refused from its header alone.
        var refused = FrontendPacketDecoder(maxMessageBytes: 64 << 20)
        var buffer = startupBytes(.startup(parameters: ["user": "a"]))
        _ = try refused.next(from: &buffer)
        buffer = header(limit + 1)
        #expect(throws: ProtocolViolation("message of \(limit + 5) bytes exceeds the limit of \(limit) bytes")) { try refused.next(from: &buffer) }
        // After the token message, the listener's own limit applies.
        var decoder = FrontendPacketDecoder(maxMessageBytes: 64 << 20)
        buffer = startupBytes(.startup(parameters: ["user": "a"]))
        PostgresFrame(type: UInt8(ascii: "p"), body: ByteBuffer(string: "tok\0")).write(into: &buffer)
        _ = try decoder.next(from: &buffer)
        _ = try decoder.next(from: &buffer)
        buffer = header(limit + 1)
        #expect(try decoder.next(from: &buffer) == nil)
    }

    @Test func plaintextPipelinedBehindSSLRequestIsRefused() {
        var decoder = FrontendPacketDecoder(maxMessageBytes: 1024)
        var buffer = startupBytes(.sslRequest)
        var startup = startupBytes(.startup(parameters: ["user": "a"]))
        buffer.writeBuffer(&startup)
        #expect(throws: ProtocolViolation.self) { try decoder.next(from: &buffer) }
    }

    @Test func framesAreLimitedInSizeAndSane() throws {
        var tooLong = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0, 0, 0x10, 0])
        #expect(throws: ProtocolViolation.self) { try PostgresFrameDecoder.decodeFrame(from: &tooLong, maxMessageBytes: 1024) }
        var negative = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0, 0, 0, 3])
        #expect(throws: ProtocolViolation.self) { try PostgresFrameDecoder.decodeFrame(from: &negative, maxMessageBytes: 1024) }
        var incomplete = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0, 0, 0, 8, 65])
        #expect(try PostgresFrameDecoder.decodeFrame(from: &incomplete, maxMessageBytes: 1024) == nil)
    }

    @Test func bindRendersTextBinaryAndNullParameters() throws {
        var body = ByteBuffer()
        body.writeNullTerminatedString("portal")
        body.writeNullTerminatedString("stmt")
        body.writeInteger(Int16(3)); body.writeInteger(Int16(0)); body.writeInteger(Int16(1)); body.writeInteger(Int16(0))
        body.writeInteger(Int16(3))
        body.writeInteger(Int32(5)); body.writeString("hello")
        body.writeInteger(Int32(2)); body.writeBytes([0xde, 0x0a])
        body.writeInteger(Int32(-1))
        body.writeInteger(Int16(0))
        let bind = try FrontendMessage.readBind(body)
        #expect(bind.portalName == "portal" && bind.statementName == "stmt")
        #expect(bind.renderedParameters(types: []) == ["hello", "\\xde0a", nil])
    }

    @Test func malformedBindIsAViolation() {
        var body = ByteBuffer()
        body.writeNullTerminatedString("")
        body.writeNullTerminatedString("")
        body.writeInteger(Int16(0))
        body.writeInteger(Int16(1))
        body.writeInteger(Int32(100)) // claims 100 bytes, has none
        #expect(throws: ProtocolViolation.self) { try FrontendMessage.readBind(body) }
    }

    @Test func errorFieldsRoundTrip() {
        let fields = ErrorFields(severity: "FATAL", code: "28000", message: "no", detail: "d", hint: "h", other: [UInt8(ascii: "W"): "where"])
        #expect(ErrorFields.decode(fields.encoded()) == fields)
    }
}
