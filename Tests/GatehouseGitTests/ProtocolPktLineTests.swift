import GatehouseCore
import Testing

@testable import GatehouseGit

@Suite struct ProtocolPktLineTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Reads every packet until the reader needs more input.
    private func drain(_ reader: inout PktLineReader) throws -> [PktLine] {
        var packets: [PktLine] = []
        while let packet = try reader.next() { packets.append(packet) }
        return packets
    }

    @Test func encodesDataAndSpecialPackets() {
        #expect(PktLine.encode(line: "hello") == bytes("000ahello\n"))
        #expect(PktLine.encode([]) == bytes("0004"))
        #expect(PktLine.flush.encoded == bytes("0000"))
        #expect(PktLine.delimiter.encoded == bytes("0001"))
        #expect(PktLine.responseEnd.encoded == bytes("0002"))
        let maximal = PktLine.encode([UInt8](repeating: 0x41, count: PktLine.maxPayloadLength))
        #expect(maximal.prefix(4) == bytes("fff0")[...] && maximal.count == 65520)
    }

    @Test func anErrorPacketIsOneLineThatFits() {
        #expect(ErrorPacket.encode("refused") == bytes("0010ERR refused\n"))
        #expect(ErrorPacket.encode("a\nb") == bytes("000dERR a; b\n"))
        let long = ErrorPacket.encode(String(repeating: "x", count: 70_000))
        #expect(long.count == PktLine.maxPacketLength && long.last == UInt8(ascii: "\n"))
    }

    @Test func readsPacketsFedOneByteAtATime() throws {
        let stream = PktLine.encode(line: "a") + bytes("0000") + bytes("0001") + PktLine.encode(bytes("b")) + bytes("0002")
        var reader = PktLineReader()
        var packets: [PktLine] = []
        for byte in stream {
            reader.feed([byte])
            packets += try drain(&reader)
        }
        #expect(packets == [.data(bytes("a\n")), .flush, .delimiter, .data(bytes("b")), .responseEnd])
        #expect(reader.consumedByteCount == stream.count)
    }

    @Test func stopsAtTheLastPacketSoTheRemainderCanBeHandedOn() throws {
        let pack = bytes("PACK\u{0}\u{0}\u{0}\u{2}")
        var reader = PktLineReader(PktLine.encode(line: "cmd") + bytes("0000") + pack)
        let first = try reader.next()
        let second = try reader.next()
        #expect(first == .data(bytes("cmd\n")) && second == .flush)
        #expect(reader.consumedByteCount == 12)
        #expect(Array(reader.unreadBytes) == pack)
    }

    @Test func acceptsUppercaseHexLengths() throws {
        var reader = PktLineReader(bytes("000A") + bytes("hello\n"))
        let packet = try reader.next()
        #expect(packet == .data(bytes("hello\n")))
    }

    @Test(arguments: [
        ("00zzabcd", GitProtocolError.invalidLengthPrefix(offset: 0), "not 4 hex digits"),
        ("0003", .reservedLength(3, offset: 0), "reserved"),
        ("ffff", .packetTooLong(65535, offset: 0), "exceeds the maximum"),
        ("fff1", .packetTooLong(65521, offset: 0), "exceeds the maximum"),
        ("0008abcd0x12", .invalidLengthPrefix(offset: 8), "at byte 8"),
    ])
    func rejectsBadLengthsWithTheirOffset(input: String, expected: GitProtocolError, phrase: String) throws {
        var reader = PktLineReader(bytes(input))
        let error = #expect(throws: GitProtocolError.self) { try drain(&reader) }
        #expect(error == expected)
        #expect(error?.description.contains(phrase) == true)
        // A broken frame stays broken: no resynchronising on garbage.
        #expect(throws: GitProtocolError.self) { try reader.next() }
    }

    @Test func truncatedPacketNeedsMoreAndRequiredReadSaysWhere() throws {
        var reader = PktLineReader(bytes("000ahel"))
        let pending = try reader.next()
        #expect(pending == nil)
        let error = #expect(throws: GitProtocolError.self) { try reader.nextRequired() }
        #expect(error == .truncated(offset: 7))
        #expect(error?.isTruncation == true)
    }

    @Test func sidebandSplitsLargePayloadsAcrossPackets() throws {
        let payload = [UInt8](repeating: 7, count: Sideband.maxChunk64k + 10)
        var reader = PktLineReader(Sideband.data.encode(payload))
        let packets = try drain(&reader)
        #expect(packets.count == 2)
        #expect(packets.first == .data([1] + payload.prefix(Sideband.maxChunk64k)))
        #expect(packets.last == .data([1] + [UInt8](repeating: 7, count: 10)))
        #expect(Sideband.progress.encode(message: "hi") == bytes("0008\u{2}hi\n"))
        #expect(Sideband.data.encode([UInt8](repeating: 0, count: 2000), maxChunk: Sideband.maxChunkLegacy).count == 2000 + 3 * 5)
    }

    /// Random bytes, random chunking: the reader may throw, but must never trap or loop.
    @Test func randomInputNeverTraps() {
        var random = SplitMix64(seed: 0x6174_6568_6F75_7365)
        for _ in 0..<2000 {
            var input: [UInt8] = []
            for _ in 0..<random.below(300) {
                // Bias towards hex digits so the length parser gets past its first check often.
                let hex = Array("0123456789abcdef".utf8)
                input.append(random.below(3) == 0 ? UInt8(truncatingIfNeeded: random.next()) : hex[random.below(hex.count)])
            }
            var reader = PktLineReader()
            var index = 0
            while index < input.count {
                let end = min(input.count, index + 1 + random.below(40))
                reader.feed(input[index..<end])
                index = end
                guard (try? drain(&reader)) != nil else { break }
            }
            #expect(reader.consumedByteCount <= input.count)
        }
    }
}
