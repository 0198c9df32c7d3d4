/// A pushed pack after parsing: every entry, the content of every object whose content is
/// known (each held once: whole objects as inflated, resolved deltas as rebuilt), the commits,
/// and the literal bytes every delta inserts.
public struct ParsedPack: Sendable {
    public let version: UInt32
    public let objects: [PackObject]
    /// The trailer: SHA-1 of the pack, already verified.
    public let checksum: GitObjectID
    /// Pack order. Commits that fail to parse are in `malformedCommits` instead.
    public let commits: [GitCommit]
    public let malformedCommits: [GitCommit.Malformed]
    /// One per delta entry, in pack order.
    public let deltaInserts: [DeltaInserts]
    private let contents: [[UInt8]?]
    private let indexByID: [GitObjectID: Int]

    init(version: UInt32, checksum: GitObjectID, objects: [PackObject], contents: [[UInt8]?], deltaInserts: [DeltaInserts]) {
        self.version = version
        self.checksum = checksum
        self.objects = objects
        self.contents = contents
        self.deltaInserts = deltaInserts
        indexByID = Dictionary(objects.compactMap { object in object.id.map { ($0, object.index) } }, uniquingKeysWith: { first, _ in first })
        var commits: [GitCommit] = []
        var malformed: [GitCommit.Malformed] = []
        for object in objects where object.type == .commit {
            do { commits.append(try GitCommit(id: object.id!, content: contents[object.index]!)) } catch { malformed.append(error) }
        }
        self.commits = commits
        self.malformedCommits = malformed
    }

    public var unresolvedObjects: [PackObject] { objects.filter { !$0.isResolved } }

    public func object(_ id: GitObjectID) -> PackObject? { indexByID[id].map { objects[$0] } }

    /// nil for an unresolved delta.
    public func content(at index: Int) -> [UInt8]? { contents[index] }

    public func content(of id: GitObjectID) -> [UInt8]? { indexByID[id].flatMap { contents[$0] } }

    /// Every blob whose content is known, without copying it.
    public var blobs: some Sequence<(id: GitObjectID, content: [UInt8])> {
        objects.lazy.filter { $0.type == .blob }.map { (id: $0.id!, content: contents[$0.index]!) }
    }
}
