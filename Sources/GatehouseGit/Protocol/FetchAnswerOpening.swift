/// The first packet of an upload-pack answer, when it is certain before the server answers.
///
/// A held fetch can tell git why it waits only on the pack's side-band, and the pack comes after
/// whatever the server says first. For some requests that is known in advance: a v2 `fetch` with
/// `done` and nothing that adds sections opens with `packfile`; a v0/v1 fetch with `done`, no
/// haves and no shallow or deepen lines opens with `NAK` (nothing is in common). The gateway can
/// then send that packet itself at once, follow it with messages and keepalives on the
/// side-band, and skip the same packet when the upstream's answer arrives.
public struct FetchAnswerOpening: Equatable, Sendable {
    /// The packet the answer opens with, pkt-line framed.
    public let packet: [UInt8]
    /// The side-band payload limit the client asked for.
    public let maxChunk: Int

    /// v2 arguments that put sections before the packfile (or change how it is framed).
    static let v2SectionArguments = ["shallow", "deepen", "deepen-since", "deepen-not", "deepen-relative", "want-ref",
                                     "packfile-uris", "sideband-all", "wait-for-done"]

    /// For a v2 `fetch`: its answer opens with the `packfile` section header.
    public static func v2(_ request: ProtocolV2Request) -> FetchAnswerOpening? {
        guard request.command == "fetch", request.arguments.contains("done") else { return nil }
        let adding = request.arguments.contains { argument in
            let keyword = argument.split(separator: " ", maxSplits: 1).first.map(String.init) ?? argument
            return v2SectionArguments.contains(keyword)
        }
        // v2 always multiplexes the packfile section on side-band-64k.
        return adding ? nil : FetchAnswerOpening(packet: PktLine.encode(line: "packfile"), maxChunk: Sideband.maxChunk64k)
    }

    /// For a v0/v1 upload-pack request: with nothing in common, the answer opens with `NAK`;
    /// without side-band there is nowhere to put a message.
    public static func v0(_ request: UploadPackRequest) -> FetchAnswerOpening? {
        guard request.done, request.haves.isEmpty, request.shallows.isEmpty, request.deepen == nil else { return nil }
        let maxChunk: Int
        if request.capabilities.contains("side-band-64k") {
            maxChunk = Sideband.maxChunk64k
        } else if request.capabilities.contains("side-band") {
            maxChunk = Sideband.maxChunkLegacy
        } else {
            return nil
        }
        return FetchAnswerOpening(packet: PktLine.encode(line: "NAK"), maxChunk: maxChunk)
    }
}

/// Reads the opening packet of an upstream's upload-pack answer as its bytes arrive, to skip it
/// (the gateway already sent it) and pass on the rest.
public struct FetchAnswerOpeningReader: Sendable {
    public enum Result: Equatable, Sendable {
        /// Not a whole packet yet.
        case needMore
        /// The expected packet: `rest` is everything after it, to relay as it is.
        case matched(rest: [UInt8])
        /// The server refused (`ERR <message>`).
        case remoteError(String)
        /// Something else: the answer cannot be relayed after the opening already sent.
        case unexpected(String)
    }

    private let expected: [UInt8]
    private var reader = PktLineReader()

    public init(expecting opening: FetchAnswerOpening) {
        expected = opening.packet
    }

    public mutating func read(_ bytes: some Collection<UInt8>) -> Result {
        reader.feed(bytes)
        let packet: PktLine?
        do { packet = try reader.next() } catch { return .unexpected("a malformed answer: \(error)") }
        switch packet {
        case nil:
            return .needMore
        case .data(let payload) where PktLine.encode(payload) == expected:
            return .matched(rest: Array(reader.unreadBytes))
        case .data(let payload):
            let text = Self.text(payload)
            if text.hasPrefix("ERR ") { return .remoteError(String(text.dropFirst(4))) }
            return .unexpected("'\(text.prefix(80))' where '\(Self.text(expected.dropFirst(4)))' was expected")
        case .some(let special):
            return .unexpected("\(special) where '\(Self.text(expected.dropFirst(4)))' was expected")
        }
    }

    /// A payload as text, without its final LF.
    private static func text(_ payload: some Collection<UInt8>) -> String {
        let text = String(decoding: payload, as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
