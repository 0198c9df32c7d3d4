/// Side-band multiplexing (gitprotocol-pack): once a client asks for side-band(-64k), every
/// packet the server sends carries a band byte. Git prints band 2 as `remote: …` and aborts
/// with band 3's text.
public enum Sideband: UInt8, Sendable {
    case data = 1
    case progress = 2
    case error = 3

    /// An empty band-1 packet: what receive-pack sends to keep a connection alive while it
    /// works (git reads past it).
    public static let keepalive: [UInt8] = PktLine.encode([Sideband.data.rawValue])

    /// The largest band payload for `side-band-64k`, leaving room for the band byte.
    public static let maxChunk64k = PktLine.maxPayloadLength - 1
    /// The largest band payload for the older `side-band` (1000-byte packets).
    public static let maxChunkLegacy = 1000 - 5

    /// Frames `payload` on this band, split across as many packets as it needs.
    public func encode(_ payload: some Collection<UInt8>, maxChunk: Int = Sideband.maxChunk64k) -> [UInt8] {
        precondition(maxChunk > 0 && maxChunk <= Sideband.maxChunk64k, "side-band chunk size \(maxChunk) out of range")
        let bytes = Array(payload)
        var out: [UInt8] = []
        var index = 0
        repeat {
            let end = min(index + maxChunk, bytes.count)
            out += PktLine.encode([rawValue] + bytes[index..<end])
            index = end
        } while index < bytes.count
        return out
    }

    /// A message line for band 2 or 3, ending in LF so git's `remote:` output ends its line.
    public func encode(message: String, maxChunk: Int = Sideband.maxChunk64k) -> [UInt8] {
        let text = message.hasSuffix("\n") ? message : message + "\n"
        return encode(Array(text.utf8), maxChunk: maxChunk)
    }
}
