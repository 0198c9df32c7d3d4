/// Splits a byte stream into pkt-lines as it arrives. Feed it chunks in any sizes; `next()`
/// returns nil when it needs more bytes. It never consumes bytes past the last packet it
/// returned, so after a message's final flush `consumedByteCount` is where the non-pkt-line
/// remainder (the packfile of a push) starts and `unreadBytes` holds what was already fed of it.
public struct PktLineReader: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0
    private var failure: GitProtocolError?

    /// Bytes of the stream turned into packets so far (the offset of the next packet).
    public private(set) var consumedByteCount = 0

    public init() {}

    public init(_ bytes: some Collection<UInt8>) { feed(bytes) }

    public mutating func feed(_ bytes: some Collection<UInt8>) {
        // Compact lazily: shifting on every packet would make reading quadratic.
        if start > 4096 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes fed but not yet returned as packets.
    public var unreadBytes: ArraySlice<UInt8> { buffer[start...] }

    /// The next packet, or nil when the bytes fed so far end before it does. Once it has thrown,
    /// it throws the same error again: a stream with a broken frame cannot be resynchronised.
    public mutating func next() throws -> PktLine? {
        if let failure { throw failure }
        do {
            return try readPacket()
        } catch let error as GitProtocolError {
            failure = error
            throw error
        }
    }

    /// Like `next()`, but running out of bytes is an error: for complete request bodies.
    public mutating func nextRequired() throws -> PktLine {
        guard let packet = try next() else { throw GitProtocolError.truncated(offset: consumedByteCount + unreadBytes.count) }
        return packet
    }

    private mutating func readPacket() throws -> PktLine? {
        guard buffer.count - start >= 4 else { return nil }
        var length = 0
        for byte in buffer[start..<start + 4] {
            guard let value = hexValue(byte) else { throw GitProtocolError.invalidLengthPrefix(offset: consumedByteCount) }
            length = length << 4 | value
        }
        let special: PktLine? = switch length {
        case 0: .flush
        case 1: .delimiter
        case 2: .responseEnd
        default: nil
        }
        if let special {
            advance(by: 4)
            return special
        }
        guard length >= 4 else { throw GitProtocolError.reservedLength(length, offset: consumedByteCount) }
        guard length <= PktLine.maxPacketLength else { throw GitProtocolError.packetTooLong(length, offset: consumedByteCount) }
        guard buffer.count - start >= length else { return nil }
        let payload = Array(buffer[start + 4..<start + length])
        advance(by: length)
        return .data(payload)
    }

    private mutating func advance(by count: Int) {
        start += count
        consumedByteCount += count
    }

    private func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}
