/// Why a Git smart-protocol message was refused. Every case names what was wrong and, where the
/// input is a byte stream, the byte offset from the start of the stream, so a recorded rejection
/// can be traced back to the exact bytes the client sent.
public enum GitProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 4-byte length prefix at `offset` is not four hex digits.
    case invalidLengthPrefix(offset: Int)
    /// Lengths 0003 (and below 0004 except the special packets) are reserved.
    case reservedLength(Int, offset: Int)
    /// The declared packet length exceeds the 65520-byte maximum.
    case packetTooLong(Int, offset: Int)
    /// The input ended inside a packet or before the message was complete.
    case truncated(offset: Int)
    /// A packet was well-framed but its content is not what the message allows here.
    case unexpectedLine(String, expected: String, offset: Int)
    /// An object name that is not 40 hex digits.
    case invalidObjectID(String, offset: Int)
    /// A ref name that fails git check-ref-format basics.
    case invalidRefName(String, reason: String)
    /// More ref update commands (or request lines) than the configured limit.
    case tooManyCommands(limit: Int)
    /// A feature of the protocol this layer deliberately does not accept (e.g. signed pushes).
    case unsupported(String, offset: Int)
    /// Text to send back to a client that is not a single printable line.
    case invalidReportText(String)

    /// True when more input might make the message parse: the proxy should keep buffering.
    public var isTruncation: Bool {
        if case .truncated = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .invalidLengthPrefix(let offset):
            "pkt-line length prefix at byte \(offset) is not 4 hex digits"
        case .reservedLength(let length, let offset):
            "pkt-line length \(length) at byte \(offset) is reserved (data packets are at least 4 bytes)"
        case .packetTooLong(let length, let offset):
            "pkt-line length \(length) at byte \(offset) exceeds the maximum of \(PktLine.maxPacketLength)"
        case .truncated(let offset):
            "input ends at byte \(offset) before the message is complete"
        case .unexpectedLine(let line, let expected, let offset):
            "unexpected line \(quoted(line)) at byte \(offset); expected \(expected)"
        case .invalidObjectID(let text, let offset):
            "invalid object name \(quoted(text)) at byte \(offset)"
        case .invalidRefName(let name, let reason):
            "invalid ref name \(quoted(name)): \(reason)"
        case .tooManyCommands(let limit):
            "request exceeds the limit of \(limit) commands"
        case .unsupported(let feature, let offset):
            "unsupported protocol feature \(quoted(feature)) at byte \(offset)"
        case .invalidReportText(let text):
            "report text \(quoted(text)) must be a single printable line"
        }
    }
}

/// Client-supplied text quoted for error messages: control characters escaped and length
/// capped, so a hostile line cannot forge log lines or flood the record.
private func quoted(_ text: String) -> String {
    let capped = text.count > 120 ? String(text.prefix(120)) + "…" : text
    return "\"" + capped.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined() + "\""
}
