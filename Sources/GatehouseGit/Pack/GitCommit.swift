/// A commit object's content, as recorded in the ledger for every pushed commit.
public struct GitCommit: Sendable, Hashable {
    public struct Malformed: Error, Sendable, Hashable, CustomStringConvertible {
        public let id: GitObjectID
        public let message: String
        public var description: String { "commit \(id): \(message)" }
    }

    public let id: GitObjectID
    public let tree: GitObjectID
    public let parents: [GitObjectID]
    public let author: GitSignature
    public let committer: GitSignature
    public let message: String
    public let encoding: String?

    /// Headers up to the first blank line, then the message. A header line starting with a
    /// space continues the previous header (gpgsig, mergetag); unknown headers are skipped.
    public init(id: GitObjectID, content: [UInt8]) throws(Malformed) {
        self.id = id
        let (headers, body) = Self.split(content)
        func fail(_ message: String) -> Malformed { Malformed(id: id, message: message) }
        var tree: GitObjectID?
        var parents: [GitObjectID] = []
        var author: GitSignature?
        var committer: GitSignature?
        var encoding: String?
        for (key, value) in headers {
            switch key {
            case Self.treeKey where tree == nil:
                guard let id = GitObjectID(hexBytes: value) else { throw fail("bad tree id") }
                tree = id
            case Self.parentKey:
                guard let id = GitObjectID(hexBytes: value) else { throw fail("bad parent id") }
                parents.append(id)
            case Self.authorKey where author == nil:
                guard let signature = GitSignature(bytes: value) else { throw fail("bad author line") }
                author = signature
            case Self.committerKey where committer == nil:
                guard let signature = GitSignature(bytes: value) else { throw fail("bad committer line") }
                committer = signature
            case Self.encodingKey: encoding = String(decoding: value, as: UTF8.self)
            default: continue
            }
        }
        guard let tree else { throw fail("no tree header") }
        guard let author else { throw fail("no author header") }
        guard let committer else { throw fail("no committer header") }
        self.tree = tree
        self.parents = parents
        self.author = author
        self.committer = committer
        self.message = String(decoding: body, as: UTF8.self)
        self.encoding = encoding
    }

    private static let treeKey = ArraySlice("tree".utf8)
    private static let parentKey = ArraySlice("parent".utf8)
    private static let authorKey = ArraySlice("author".utf8)
    private static let committerKey = ArraySlice("committer".utf8)
    private static let encodingKey = ArraySlice("encoding".utf8)

    /// Works on bytes, not Characters, because a push can carry thousands of commits.
    /// Continuation lines are kept out of the value: only first lines of headers matter here.
    private static func split(_ content: [UInt8]) -> (headers: [(ArraySlice<UInt8>, ArraySlice<UInt8>)], body: ArraySlice<UInt8>) {
        var headers: [(ArraySlice<UInt8>, ArraySlice<UInt8>)] = []
        var rest = content[...]
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            let line = rest[..<newline]
            rest = rest[(newline + 1)...]
            if line.isEmpty { return (headers, rest) }
            if line.first == UInt8(ascii: " ") { continue }
            let space = line.firstIndex(of: UInt8(ascii: " ")) ?? line.endIndex
            headers.append((line[..<space], space < line.endIndex ? line[(space + 1)...] : []))
        }
        return (headers, [])
    }
}

extension GitObjectID {
    init?(hexBytes: ArraySlice<UInt8>) {
        self.init(hex: String(decoding: hexBytes, as: UTF8.self))
    }
}
