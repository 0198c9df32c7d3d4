/// The response to a v2 `ls-refs` request: one ref per line,
/// `<oid> <refname> [symref-target:<target>] [peeled:<oid>]`, then a flush.
public struct LsRefsResponse: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var name: String
        /// nil for an unborn symref (`unborn HEAD symref-target:refs/heads/main`).
        public var id: GitObjectID?
        public var symrefTarget: String?
        public var peeled: GitObjectID?

        public init(name: String, id: GitObjectID?, symrefTarget: String? = nil, peeled: GitObjectID? = nil) {
            self.name = name
            self.id = id
            self.symrefTarget = symrefTarget
            self.peeled = peeled
        }
    }

    public var refs: [Entry]

    public init(refs: [Entry]) { self.refs = refs }

    public static func parse(_ body: some Collection<UInt8>, limits: GitProtocolLimits = .standard) throws -> LsRefsResponse {
        var cursor = PacketCursor(body)
        var refs: [Entry] = []
        while true {
            let item = try cursor.next()
            if case .flush = item { return LsRefsResponse(refs: refs) }
            guard case .line(let text, let offset) = item else { throw item.unexpected(expected: "ref line or flush") }
            refs.append(try entry(text, offset: offset))
            if refs.count > limits.maxRequestLines { throw GitProtocolError.tooManyCommands(limit: limits.maxRequestLines) }
        }
    }

    private static func entry(_ line: String, offset: Int) throws -> Entry {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count >= 2, !fields[1].isEmpty else {
            throw GitProtocolError.unexpectedLine(line, expected: "<oid> <refname> [attributes]", offset: offset)
        }
        let id = fields[0] == "unborn" ? nil : try ProtocolText.objectID(fields[0], offset: offset)
        var entry = Entry(name: String(fields[1]), id: id)
        for attribute in fields.dropFirst(2) {
            if attribute.hasPrefix("symref-target:") {
                entry.symrefTarget = String(attribute.dropFirst("symref-target:".count))
            } else if attribute.hasPrefix("peeled:") {
                entry.peeled = try ProtocolText.objectID(attribute.dropFirst("peeled:".count), offset: offset)
            } else {
                throw GitProtocolError.unexpectedLine(line, expected: "symref-target: or peeled: attribute", offset: offset)
            }
        }
        return entry
    }
}
