/// What the exporter attests, signed by the log's key: which entries (by index, in order) a bundle
/// holds, what selection they are, and the checkpoint they are proven against. Without it, an
/// entry removed from a bundle would leave a bundle that still verifies.
///
/// The note text, each line ending in a newline:
///
///     gatehouse-evidence-bundle/v1
///     <origin>
///     <checkpoint tree size, decimal>
///     <checkpoint root hash, base64>
///     <scope: what was selected, e.g. "session s-7f3a9c21">
///     <index>            (one line per entry, strictly increasing, at least one)
///
/// Its first line can never be a checkpoint's (a checkpoint's second line is a decimal size, the
/// manifest's is the origin), so the log's key signing both cannot confuse one for the other.
public struct EvidenceBundleManifest: Sendable, Equatable {
    public let origin: String
    public let treeSize: UInt64
    public let rootHash: MerkleHash
    public let scope: String
    public let indexes: [UInt64]

    public init(origin: String, treeSize: UInt64, rootHash: MerkleHash, scope: String, indexes: [UInt64]) throws {
        guard Self.isLine(origin) else { throw EvidenceBundleError.invalidManifest("the origin is empty or holds a control character") }
        guard Self.isLine(scope) else { throw EvidenceBundleError.invalidManifest("the scope is empty or holds a control character") }
        guard !indexes.isEmpty else { throw EvidenceBundleError.invalidManifest("it lists no entries") }
        for (previous, next) in zip(indexes, indexes.dropFirst()) where next <= previous {
            throw EvidenceBundleError.invalidManifest("index \(next) follows \(previous): indexes must strictly increase")
        }
        guard let last = indexes.last, last < treeSize else {
            throw EvidenceBundleError.invalidManifest("index \(indexes.last ?? 0) is not below the tree size \(treeSize)")
        }
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.scope = scope
        self.indexes = indexes
    }

    public var text: String {
        ([EvidenceBundle.format, origin, String(treeSize), rootHash.base64, scope] + indexes.map { String($0) })
            .map { $0 + "\n" }.joined()
    }

    /// Parses the manifest's note text (not the signed note).
    public init(text: String) throws {
        guard text.utf8.last == 0x0A else { throw EvidenceBundleError.invalidManifest("the text does not end with a newline") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 6 else { throw EvidenceBundleError.invalidManifest("it has \(lines.count) lines; at least 6 are needed") }
        guard lines[0] == EvidenceBundle.format else {
            throw EvidenceBundleError.invalidManifest("line 1 is not '\(EvidenceBundle.format)'")
        }
        guard let treeSize = Self.decimal(lines[2]) else { throw EvidenceBundleError.invalidManifest("line 3 is not a decimal tree size") }
        guard let root = MerkleHash(base64: lines[3]) else { throw EvidenceBundleError.invalidManifest("line 4 is not a base64 root hash") }
        var indexes: [UInt64] = []
        indexes.reserveCapacity(lines.count - 5)
        for (offset, line) in lines.dropFirst(5).enumerated() {
            guard let index = Self.decimal(line) else {
                throw EvidenceBundleError.invalidManifest("line \(offset + 6) is not a decimal entry index")
            }
            indexes.append(index)
        }
        try self.init(origin: lines[1], treeSize: treeSize, rootHash: root, scope: lines[4], indexes: indexes)
    }

    /// Signs the manifest with the log's key.
    public func signed(by signer: any NoteSigner) throws -> SignedNote {
        try SignedNote.signing(text: text, by: [signer])
    }

    /// Opens a signed manifest: a valid signature by `verifier`'s key, then the text parsed.
    public init(signedNote: String, verifier: any NoteVerifier) throws {
        let note = try SignedNote(parsing: signedNote)
        _ = try note.verifiedSignatures(using: [verifier])
        try self.init(text: note.text)
    }

    private static func isLine(_ text: String) -> Bool {
        !text.isEmpty && !text.utf8.contains(where: { $0 < 0x20 })
    }

    /// ASCII digits, no sign, no leading zero (but "0"): one spelling per number.
    private static func decimal(_ line: String) -> UInt64? {
        guard !line.isEmpty, line.utf8.allSatisfy({ (0x30...0x39).contains($0) }), line == "0" || line.utf8.first != 0x30 else {
            return nil
        }
        return UInt64(line)
    }
}
