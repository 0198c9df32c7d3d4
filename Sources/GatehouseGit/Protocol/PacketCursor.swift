/// Reads a complete message body packet by packet, handing out text lines with the offset
/// each packet started at, so the message parsers can report where a bad line was.
struct PacketCursor {
    enum Item: Equatable {
        case line(String, offset: Int)
        /// A data packet whose payload is not UTF-8 (kept raw for binary-tolerant callers).
        case binary([UInt8], offset: Int)
        case flush(offset: Int)
        case delimiter(offset: Int)
        case responseEnd(offset: Int)
    }

    private var reader: PktLineReader

    init(_ bytes: some Collection<UInt8>) { reader = PktLineReader(bytes) }

    var offset: Int { reader.consumedByteCount }
    var isAtEnd: Bool { reader.unreadBytes.isEmpty }

    /// The next packet; throws `truncated` when the body ends first.
    mutating func next() throws -> Item {
        let offset = reader.consumedByteCount
        switch try reader.nextRequired() {
        case .flush: return .flush(offset: offset)
        case .delimiter: return .delimiter(offset: offset)
        case .responseEnd: return .responseEnd(offset: offset)
        case .data(let payload):
            // Git ends text packets with LF but does not always (v2 capability lines); accept both.
            let text = payload.last == UInt8(ascii: "\n") ? payload.dropLast() : payload[...]
            guard let line = String(validating: text, as: UTF8.self) else { return .binary(payload, offset: offset) }
            return .line(line, offset: offset)
        }
    }
}

extension PacketCursor.Item {
    /// Short description for "unexpected line" errors.
    var summary: (text: String, offset: Int) {
        switch self {
        case .line(let text, let offset): (text, offset)
        case .binary(let bytes, let offset): ("<\(bytes.count) binary bytes>", offset)
        case .flush(let offset): ("<flush>", offset)
        case .delimiter(let offset): ("<delimiter>", offset)
        case .responseEnd(let offset): ("<response-end>", offset)
        }
    }

    func unexpected(expected: String) -> GitProtocolError {
        let (text, offset) = summary
        return .unexpectedLine(text, expected: expected, offset: offset)
    }
}
