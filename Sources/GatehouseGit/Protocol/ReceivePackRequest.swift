/// One ref update in a push: `<old-oid> <new-oid> <refname>`.
public struct RefUpdate: Equatable, Sendable {
    public enum Kind: Sendable { case create, delete, update }

    public var old: GitObjectID
    public var new: GitObjectID
    public var ref: String

    public init(old: GitObjectID, new: GitObjectID, ref: String) {
        self.old = old
        self.new = new
        self.ref = ref
    }

    /// The all-zero name stands for "no object": a zero old creates, a zero new deletes.
    public var kind: Kind {
        if old.isZero { return .create }
        if new.isZero { return .delete }
        return .update
    }
}

/// The head of a `POST …/git-receive-pack` body (a push): the ref update commands, the
/// capabilities the client chose and its push options. The packfile follows at `packOffset`.
public struct ReceivePackRequest: Equatable, Sendable {
    public var commands: [RefUpdate]
    public var capabilities: [String]
    public var pushOptions: [String]
    /// `shallow` lines the client sent before its commands.
    public var shallows: [GitObjectID]
    /// Byte offset of the packfile in the body: everything from here on is the pack (empty for
    /// a delete-only push). Never inside a pkt-line.
    public var packOffset: Int

    public init(commands: [RefUpdate], capabilities: [String] = [], pushOptions: [String] = [], shallows: [GitObjectID] = [], packOffset: Int) {
        self.commands = commands
        self.capabilities = capabilities
        self.pushOptions = pushOptions
        self.shallows = shallows
        self.packOffset = packOffset
    }

    /// Whether the client asked for side-band output (so a report must go on band 1).
    public var usesSideband: Bool { capabilities.contains("side-band-64k") || capabilities.contains("side-band") }

    /// The largest band payload the client's side-band variant carries.
    public var sidebandMaxChunk: Int { capabilities.contains("side-band-64k") ? Sideband.maxChunk64k : Sideband.maxChunkLegacy }

    /// Parses the pkt-line part of a body, which may be only a prefix of it (the pack can be
    /// large): a `truncated` error means more bytes are needed, anything else is a refusal.
    public static func parse(_ body: some Collection<UInt8>, limits: GitProtocolLimits = .standard) throws -> ReceivePackRequest {
        var cursor = PacketCursor(body)
        var request = ReceivePackRequest(commands: [], packOffset: 0)
        while true {
            let item = try cursor.next()
            if case .flush = item { break }
            guard case .line(let text, let offset) = item else { throw item.unexpected(expected: "ref update command or flush") }
            try request.applyCommandLine(text, offset: offset, limits: limits)
        }
        if request.capabilities.contains("push-options") && !request.commands.isEmpty {
            while true {
                let item = try cursor.next()
                if case .flush = item { break }
                guard case .line(let text, _) = item else { throw item.unexpected(expected: "push option or flush") }
                request.pushOptions.append(text)
                if request.pushOptions.count > limits.maxCommands { throw GitProtocolError.tooManyCommands(limit: limits.maxCommands) }
            }
        }
        request.packOffset = cursor.offset
        return request
    }

    private mutating func applyCommandLine(_ text: String, offset: Int, limits: GitProtocolLimits) throws {
        let isFirstCommand = commands.isEmpty
        let (line, lineCapabilities) = isFirstCommand ? ProtocolText.splitCapabilities(text) : (text[...], [])
        if line.hasPrefix("shallow ") && isFirstCommand {
            shallows.append(try ProtocolText.objectID(line.dropFirst("shallow ".count), offset: offset))
            return
        }
        if line.hasPrefix("push-cert") {
            throw GitProtocolError.unsupported("push-cert (signed push)", offset: offset)
        }
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else {
            throw GitProtocolError.unexpectedLine(text, expected: "<old-oid> <new-oid> <refname>", offset: offset)
        }
        let old = try ProtocolText.objectID(fields[0], offset: offset)
        let update = RefUpdate(old: old, new: try ProtocolText.objectID(fields[1], offset: offset), ref: String(fields[2]))
        try RefName.validate(update.ref, requireRefsPrefix: true, limits: limits)
        guard commands.count < limits.maxCommands else { throw GitProtocolError.tooManyCommands(limit: limits.maxCommands) }
        if isFirstCommand { capabilities = lineCapabilities }
        commands.append(update)
    }
}
