/// One pkt-line frame (gitprotocol-common): a 4 hex-digit length that counts itself, then the
/// payload; lengths 0000, 0001 and 0002 are the special flush, delimiter and response-end packets.
public enum PktLine: Equatable, Sendable {
    case data([UInt8])
    case flush
    /// Separates sections in protocol v2.
    case delimiter
    /// Ends a stateless-connection response in protocol v2.
    case responseEnd

    /// The largest packet git sends or accepts, length prefix included.
    public static let maxPacketLength = 65520
    public static let maxPayloadLength = maxPacketLength - 4

    public static let flushBytes: [UInt8] = Array("0000".utf8)
    public static let delimiterBytes: [UInt8] = Array("0001".utf8)
    public static let responseEndBytes: [UInt8] = Array("0002".utf8)

    /// Frames `payload`; payloads over `maxPayloadLength` are a programming error, so callers
    /// with arbitrary data split it first (see `Sideband.encode`).
    public static func encode(_ payload: some Collection<UInt8>) -> [UInt8] {
        precondition(payload.count <= maxPayloadLength, "pkt-line payload of \(payload.count) bytes exceeds \(maxPayloadLength)")
        return lengthPrefix(payload.count + 4) + payload
    }

    /// Frames a text line, adding the trailing LF git writes after text payloads.
    public static func encode(line: String) -> [UInt8] {
        encode(Array(line.utf8) + [UInt8(ascii: "\n")])
    }

    /// The wire bytes of this packet.
    public var encoded: [UInt8] {
        switch self {
        case .data(let payload): Self.encode(payload)
        case .flush: Self.flushBytes
        case .delimiter: Self.delimiterBytes
        case .responseEnd: Self.responseEndBytes
        }
    }

    private static func lengthPrefix(_ length: Int) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return [12, 8, 4, 0].map { digits[(length >> $0) & 0xF] }
    }
}
