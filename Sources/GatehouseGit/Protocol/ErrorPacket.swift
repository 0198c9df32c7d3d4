/// An `ERR <message>` packet (gitprotocol-pack): sent instead of an upload-pack response, it makes
/// git stop with `fatal: remote error: <message>`, which is how a refused fetch reaches the user
/// (git does not print the body of a failed POST).
public enum ErrorPacket {
    /// One packet; the message is cut to fit, and line breaks become "; " (one packet, one line).
    public static func encode(_ message: String) -> [UInt8] {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: "; ")
        var bytes = Array(("ERR " + oneLine).utf8)
        if bytes.count > PktLine.maxPayloadLength - 1 { bytes = Array(bytes.prefix(PktLine.maxPayloadLength - 1)) }
        return PktLine.encode(bytes + [UInt8(ascii: "\n")])
    }
}
