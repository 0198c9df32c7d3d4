/// A protocol v2 request (`Git-Protocol: version=2`): `command=<name>`, capability lines,
/// then optionally a delimiter and the command's arguments, ended by a flush.
public struct ProtocolV2Request: Equatable, Sendable {
    public var command: String
    /// e.g. `agent=git/2.39.5`, `object-format=sha1`.
    public var capabilities: [String]
    /// Argument lines as sent, LF removed.
    public var arguments: [String]

    public init(command: String, capabilities: [String] = [], arguments: [String] = []) {
        self.command = command
        self.capabilities = capabilities
        self.arguments = arguments
    }

    /// Parses one request. `consumedByteCount` of the result tells where it ended, since a
    /// stateful stream may carry several requests back to back.
    public static func parse(_ body: some Collection<UInt8>, limits: GitProtocolLimits = .standard) throws -> ProtocolV2Request {
        try parsePrefix(body, limits: limits).request
    }

    /// Parses the request at the start of `body`, returning it and the bytes it occupied.
    public static func parsePrefix(_ body: some Collection<UInt8>, limits: GitProtocolLimits = .standard) throws
        -> (request: ProtocolV2Request, consumedByteCount: Int) {
        var cursor = PacketCursor(body)
        let first = try cursor.next()
        guard case .line(let commandLine, _) = first, commandLine.hasPrefix("command=") else {
            throw first.unexpected(expected: "command=<name>")
        }
        var request = ProtocolV2Request(command: String(commandLine.dropFirst("command=".count)))
        var inArguments = false
        var argumentOffsets: [Int] = []
        while true {
            let item = try cursor.next()
            switch item {
            case .flush:
                // Checked here, where byte offsets are still known, so a bad want names its position.
                if request.command == "fetch" { _ = try FetchArguments(arguments: request.arguments, offsets: argumentOffsets) }
                return (request, cursor.offset)
            case .delimiter where !inArguments:
                inArguments = true
            case .line(let text, let offset):
                if inArguments {
                    request.arguments.append(text)
                    argumentOffsets.append(offset)
                } else {
                    request.capabilities.append(text)
                }
                if request.arguments.count + request.capabilities.count > limits.maxRequestLines {
                    throw GitProtocolError.tooManyCommands(limit: limits.maxRequestLines)
                }
            default:
                throw item.unexpected(expected: inArguments ? "argument line or flush" : "capability line, delimiter or flush")
            }
        }
    }

    /// The ls-refs arguments, or nil when this is another command.
    public var lsRefs: LsRefsArguments? {
        command == "ls-refs" ? LsRefsArguments(arguments: arguments) : nil
    }

    /// The fetch arguments, or nil when this is another command; throws on a malformed object name.
    public func fetchArguments() throws -> FetchArguments? {
        command == "fetch" ? try FetchArguments(arguments: arguments) : nil
    }
}

/// What an ls-refs request asks for.
public struct LsRefsArguments: Equatable, Sendable {
    /// Only refs starting with one of these are wanted (all refs when empty).
    public var refPrefixes: [String]
    public var peel: Bool
    public var symrefs: Bool
    public var unborn: Bool

    public init(arguments: [String]) {
        refPrefixes = arguments.filter { $0.hasPrefix("ref-prefix ") }.map { String($0.dropFirst("ref-prefix ".count)) }
        peel = arguments.contains("peel")
        symrefs = arguments.contains("symrefs")
        unborn = arguments.contains("unborn")
    }
}

/// What a v2 fetch request asks for; options not modelled here stay in `arguments`.
public struct FetchArguments: Equatable, Sendable {
    public var wants: [GitObjectID] = []
    /// Refs the client wants by name (`want-ref refs/heads/main`), resolved by the server.
    public var wantRefs: [String] = []
    public var haves: [GitObjectID] = []
    public var done = false
    public var filter: String?

    /// Errors name the argument's index, since plain strings carry no byte offsets; a request
    /// that came through `ProtocolV2Request.parse` was already checked with byte offsets.
    public init(arguments: [String]) throws {
        try self.init(arguments: arguments, offsets: Array(arguments.indices))
    }

    init(arguments: [String], offsets: [Int]) throws {
        for (argument, offset) in zip(arguments, offsets) {
            let (keyword, rest) = ProtocolText.splitFirstSpace(argument[...])
            switch keyword {
            case "want": wants.append(try ProtocolText.objectID(rest ?? "", offset: offset))
            case "have": haves.append(try ProtocolText.objectID(rest ?? "", offset: offset))
            case "want-ref": wantRefs.append(String(rest ?? ""))
            case "filter": filter = rest.map(String.init)
            case "done": done = true
            default: continue
            }
        }
    }
}
