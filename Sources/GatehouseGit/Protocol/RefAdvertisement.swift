/// The response to `GET …/info/refs?service=git-upload-pack|git-receive-pack`: either the v0/v1
/// list of refs with the server's capabilities, or the v2 capability advertisement (refs then
/// come from a separate ls-refs request).
public struct RefAdvertisement: Equatable, Sendable {
    public struct Ref: Equatable, Sendable {
        public var name: String
        public var id: GitObjectID
        /// For annotated tags: the object the tag points at (the `^{}` line after it).
        public var peeled: GitObjectID?

        public init(name: String, id: GitObjectID, peeled: GitObjectID? = nil) {
            self.name = name
            self.id = id
            self.peeled = peeled
        }
    }

    /// From the `# service=…` line smart HTTP puts first; nil when absent (e.g. output of
    /// `git upload-pack --advertise-refs` itself).
    public var service: String?
    /// 0 for the classic format, 1 when the server said `version 1` (same format), 2 for v2.
    public var version: Int
    public var refs: [Ref]
    public var capabilities: [String]
    /// Commits the server's shallow repository ends at.
    public var shallows: [GitObjectID]

    public init(service: String? = nil, version: Int, refs: [Ref] = [], capabilities: [String] = [], shallows: [GitObjectID] = []) {
        self.service = service
        self.version = version
        self.refs = refs
        self.capabilities = capabilities
        self.shallows = shallows
    }

    public static func parse(_ body: some Collection<UInt8>, limits: GitProtocolLimits = .standard) throws -> RefAdvertisement {
        var cursor = PacketCursor(body)
        var advertisement = RefAdvertisement(version: 0)
        var item = try cursor.next()
        if case .line(let text, _) = item, text.hasPrefix("# service=") {
            advertisement.service = String(text.dropFirst("# service=".count))
            let end = try cursor.next()
            guard case .flush = end else { throw end.unexpected(expected: "flush after the service line") }
            item = try cursor.next()
        }
        switch item {
        case .line("version 2", _):
            advertisement.version = 2
            try advertisement.readV2Capabilities(&cursor)
        case .line("version 1", _):
            advertisement.version = 1
            try advertisement.readV0Refs(&cursor, first: try cursor.next(), limits: limits)
        default:
            try advertisement.readV0Refs(&cursor, first: item, limits: limits)
        }
        return advertisement
    }

    private mutating func readV2Capabilities(_ cursor: inout PacketCursor) throws {
        while true {
            let item = try cursor.next()
            switch item {
            case .flush: return
            case .line(let text, _): capabilities.append(text)
            default: throw item.unexpected(expected: "capability line or flush")
            }
        }
    }

    private mutating func readV0Refs(_ cursor: inout PacketCursor, first: PacketCursor.Item, limits: GitProtocolLimits) throws {
        var item = first
        var isFirst = true
        while true {
            if case .flush = item { return }
            guard case .line(let text, let offset) = item else { throw item.unexpected(expected: "ref line or flush") }
            var line = text[...]
            if isFirst {
                (line, capabilities) = ProtocolText.splitCapabilities(text)
                isFirst = false
            }
            try readRefLine(line, offset: offset)
            if refs.count > limits.maxRequestLines { throw GitProtocolError.tooManyCommands(limit: limits.maxRequestLines) }
            item = try cursor.next()
        }
    }

    private mutating func readRefLine(_ line: Substring, offset: Int) throws {
        let (head, rest) = ProtocolText.splitFirstSpace(line)
        if head == "shallow" {
            shallows.append(try ProtocolText.objectID(rest ?? "", offset: offset))
            return
        }
        let id = try ProtocolText.objectID(head, offset: offset)
        guard let name = rest, !name.isEmpty else {
            throw GitProtocolError.unexpectedLine(String(line), expected: "<oid> <refname>", offset: offset)
        }
        // An empty repository advertises only its capabilities, on a placeholder ref.
        if name == "capabilities^{}" && id.isZero { return }
        if name.hasSuffix("^{}") {
            guard let last = refs.indices.last, refs[last].name == String(name.dropLast(3)) else {
                throw GitProtocolError.unexpectedLine(String(line), expected: "peeled line right after its tag", offset: offset)
            }
            refs[last].peeled = id
            return
        }
        refs.append(Ref(name: String(name), id: id))
    }
}
