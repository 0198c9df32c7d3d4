import GatehouseGit
import GatehouseMasking

/// What a push scan found and how much it read. Holds kinds and counts, never a matched value,
/// so it can be shown to the pusher and recorded as it is.
public struct GitPushScanReport: Sendable, Hashable {
    /// The identifiers of one kind found in one object.
    public struct Finding: Sendable, Hashable {
        /// Where the bytes were read.
        public enum Source: Sendable, Hashable {
            /// A whole blob.
            case blob
            /// The literal bytes a delta inserts (its result may be unknown: a thin pack).
            case deltaInserts
            case commitMessage
        }

        /// The blob's path in the pushed trees (the first, if it has several); for a delta whose
        /// path is unknown `<delta against <base id>>`; for a message `commit <id> message`.
        public let path: String
        /// The blob or commit; nil for a delta whose result the pack cannot rebuild.
        public let objectID: GitObjectID?
        public let kind: IdentifierKind
        /// The custom pattern or dictionary name for `.custom`, else `kind.rawValue`.
        public let name: String
        public let count: Int
        public let source: Source

        public init(path: String, objectID: GitObjectID?, kind: IdentifierKind, name: String, count: Int, source: Source) {
            self.path = path
            self.source = source
            self.objectID = objectID
            self.kind = kind
            self.name = name
            self.count = count
        }
    }

    public internal(set) var findings: [Finding] = []
    /// Whole blobs read (binary ones are not counted).
    public internal(set) var scannedBlobs = 0
    /// Delta entries whose inserts were read.
    public internal(set) var scannedDeltas = 0
    public internal(set) var scannedCommitMessages = 0
    public internal(set) var scannedBytes = 0
    /// Paths of blobs and deltas not read because they are binary.
    public internal(set) var skippedBinary: [String] = []
    /// Objects read only up to `maxBytesPerObject`.
    public internal(set) var truncatedPaths: [String] = []
    /// The push had more than `maxTotalBytes` to read; the rest was not read.
    public internal(set) var reachedTotalLimit = false
    /// Objects not read at all because the total budget was spent.
    public internal(set) var unscannedObjects = 0

    public init() {}

    /// No identifier found. Says nothing about what was not read: see `isComplete`.
    public var isClean: Bool { findings.isEmpty }
    /// Every text object was read in full (binary content aside, listed in `skippedBinary`).
    public var isComplete: Bool { truncatedPaths.isEmpty && !reachedTotalLimit }

    /// One printable line of at most 200 UTF-8 bytes for git's `ng <ref> <reason>`, naming the
    /// files and the kinds found; nil when clean.
    /// `personal data in 2 files: config/users.csv (email ×3, iban), notes.txt (payment-card)`
    public var rejectionReason: String? {
        let files = filesWithKinds
        guard !files.isEmpty else { return nil }
        let limit = 200
        let noun = findings.allSatisfy { $0.source != .commitMessage } ? "file" : "place"
        var line = "personal data in \(files.count) \(noun)\(files.count == 1 ? "" : "s"): "
        for (index, file) in files.enumerated() {
            let kinds = " (\(file.kinds))"
            let item = (index == 0 ? "" : ", ") + Self.printable(file.path) + kinds
            let more = files.count - index - 1
            let suffix = more > 0 ? ", and \(more) more" : ""
            if line.utf8.count + item.utf8.count + suffix.utf8.count <= limit {
                line += item
            } else if index == 0 {
                // One path too long on its own: cut the path, keep the kinds.
                let room = limit - line.utf8.count - kinds.utf8.count - suffix.utf8.count
                line += Self.clipped(Self.printable(file.path), toBytes: max(room, 8)) + kinds + suffix
                break
            } else {
                // The previous round checked that the line fits with this suffix.
                line += ", and \(more + 1) more"
                break
            }
        }
        return Self.clipped(line, toBytes: limit)
    }

    /// Several lines for the sideband: each file with its kinds and counts, what was not read,
    /// and how to go on. nil when clean.
    public var explanation: String? {
        let files = filesWithKinds
        guard !files.isEmpty else { return nil }
        var lines = ["gatehouse: this push adds personal data:"]
        for file in files { lines.append("  \(Self.printable(file.path)): \(file.kinds)") }
        if !skippedBinary.isEmpty {
            lines.append("Not scanned (binary): " + skippedBinary.map(Self.printable).joined(separator: ", "))
        }
        if !isComplete { lines.append("Not everything was scanned: the push is larger than the scan limits.") }
        if findings.contains(where: { $0.objectID == nil }) {
            lines.append("(<delta against ID>: an edit of the file whose earlier version is the blob ID.)")
        }
        lines.append("The values themselves are not shown.")
        lines.append("To push: remove the data from these files and from every commit being pushed")
        lines.append("(git commit --amend, or git rebase -i for earlier commits), then push again;")
        lines.append("or, if this data belongs in the repository, ask an approver for an exception.")
        return lines.joined(separator: "\n")
    }

    /// Findings grouped by path in order of appearance, kinds as `email ×3, iban`.
    var filesWithKinds: [(path: String, kinds: String)] {
        var order: [String] = []
        var counts: [String: [String: Int]] = [:]
        for finding in findings {
            if counts[finding.path] == nil { order.append(finding.path) }
            counts[finding.path, default: [:]][finding.name, default: 0] += finding.count
        }
        return order.map { path in
            let kinds = counts[path]!.sorted { $0.key < $1.key }
                .map { $0.value == 1 ? $0.key : "\($0.key) ×\($0.value)" }
            return (path, kinds.joined(separator: ", "))
        }
    }

    /// Paths come from the pusher: control and format characters (escape sequences, bidi
    /// overrides, newlines) become `?` so a name cannot rewrite the pusher's terminal.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: "?"
            default: scalar
            }
        }))
    }

    /// `text` cut to at most `bytes` UTF-8 bytes on a character boundary, `...` marking a cut.
    static func clipped(_ text: String, toBytes bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var result = ""
        for character in text {
            if result.utf8.count + character.utf8.count + 3 > bytes { break }
            result.append(character)
        }
        return result + "..."
    }
}
