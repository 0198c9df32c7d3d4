/// A transparency log checkpoint (C2SP tlog-checkpoint): the note text that commits a log to
/// its Merkle tree at one size. Construction enforces the format, so `text` parses back equal.
public struct Checkpoint: Hashable, Sendable {
    /// Identifies the log; by convention a schema-less URL that is also the signing key's name.
    public let origin: String
    /// The number of leaves.
    public let treeSize: UInt64
    public let rootHash: MerkleHash
    /// Optional opaque lines after the root hash; the spec discourages them (monitors cannot audit them).
    public let extensionLines: [String]

    public init(origin: String, treeSize: UInt64, rootHash: MerkleHash, extensionLines: [String] = []) throws {
        guard !origin.isEmpty else { throw CheckpointError.emptyOrigin }
        try Self.checkNoControlCharacters(origin, line: 1)
        for (index, line) in extensionLines.enumerated() {
            guard !line.isEmpty else { throw CheckpointError.emptyExtensionLine(line: index + 4) }
            try Self.checkNoControlCharacters(line, line: index + 4)
        }
        self.origin = origin
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// The note text: origin, tree size, base64 root hash, extension lines, each ending in newline.
    public var text: String {
        ([origin, String(treeSize), rootHash.base64] + extensionLines).map { $0 + "\n" }.joined()
    }

    private static func checkNoControlCharacters(_ field: String, line: Int) throws {
        if field.utf8.contains(where: { $0 < 0x20 }) { throw CheckpointError.controlCharacter(line: line) }
    }
}
