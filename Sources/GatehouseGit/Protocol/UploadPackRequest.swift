/// The body of a protocol v0/v1 `POST …/git-upload-pack` (a fetch or clone): what the client
/// wants, what it already has, and how the pack should be limited.
public struct UploadPackRequest: Equatable, Sendable {
    public var wants: [GitObjectID]
    public var haves: [GitObjectID]
    /// From the first `want` line: what the client asked the server to do (side-band-64k, ofs-delta…).
    public var capabilities: [String]
    /// Commits the client's shallow clone ends at.
    public var shallows: [GitObjectID]
    /// The last deepen line as sent, e.g. `deepen 1`, `deepen-since 1700000000`, `deepen-not main`.
    public var deepen: String?
    /// The partial-clone filter spec, e.g. `blob:none`.
    public var filter: String?
    /// True when the client ended negotiation with `done` (it wants the pack now).
    public var done: Bool

    public init(wants: [GitObjectID] = [], haves: [GitObjectID] = [], capabilities: [String] = [], shallows: [GitObjectID] = [],
                deepen: String? = nil, filter: String? = nil, done: Bool = false) {
        self.wants = wants
        self.haves = haves
        self.capabilities = capabilities
        self.shallows = shallows
        self.deepen = deepen
        self.filter = filter
        self.done = done
    }

    /// Parses a whole request body. The want section must end in a flush; the have section may
    /// span several flush-terminated rounds and ends with `done` or the end of the body.
    public static func parse(_ body: some Collection<UInt8>, limits: GitProtocolLimits = .standard) throws -> UploadPackRequest {
        var cursor = PacketCursor(body)
        var request = UploadPackRequest()
        var lineCount = 0
        func count() throws {
            lineCount += 1
            if lineCount > limits.maxRequestLines { throw GitProtocolError.tooManyCommands(limit: limits.maxRequestLines) }
        }
        wantSection: while true {
            let item = try cursor.next()
            try count()
            guard case .line(let text, let offset) = item else {
                if case .flush = item { break wantSection }
                throw item.unexpected(expected: "want, shallow, deepen or filter line")
            }
            try request.applyWantSectionLine(text[...], offset: offset)
        }
        guard !request.wants.isEmpty else { throw GitProtocolError.unexpectedLine("<flush>", expected: "at least one want line", offset: cursor.offset - 4) }
        while !cursor.isAtEnd && !request.done {
            let item = try cursor.next()
            try count()
            switch item {
            case .flush: continue
            case .line("done", _): request.done = true
            case .line(let text, let offset) where text.hasPrefix("have "):
                request.haves.append(try ProtocolText.objectID(text.dropFirst(5), offset: offset))
            default: throw item.unexpected(expected: "have line, flush or done")
            }
        }
        return request
    }

    private mutating func applyWantSectionLine(_ text: Substring, offset: Int) throws {
        let (keyword, rest) = ProtocolText.splitFirstSpace(text)
        switch keyword {
        case "want":
            let (hex, capabilityText) = ProtocolText.splitFirstSpace(rest ?? "")
            wants.append(try ProtocolText.objectID(hex, offset: offset))
            // Only the first want line carries capabilities.
            if wants.count == 1, let capabilityText { capabilities = capabilityText.split(separator: " ").map(String.init) }
        case "shallow":
            shallows.append(try ProtocolText.objectID(rest ?? "", offset: offset))
        case "deepen", "deepen-since", "deepen-not", "deepen-relative":
            deepen = String(text)
        case "filter":
            filter = rest.map(String.init)
        default:
            throw GitProtocolError.unexpectedLine(String(text), expected: "want, shallow, deepen or filter line", offset: offset)
        }
    }
}
