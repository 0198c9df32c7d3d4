extension Checkpoint {
    /// Parses a checkpoint's note text (not the signed note: see ``init(signedNote:verifier:origin:)``).
    public init(text: String) throws {
        guard text.utf8.last == 0x0A else { throw CheckpointError.textMissingFinalNewline }
        let lines = text.utf8.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard lines.count >= 3 else { throw CheckpointError.tooFewLines(lines.count) }
        for (index, line) in lines.enumerated() where line.utf8.contains(where: { $0 < 0x20 }) {
            throw CheckpointError.controlCharacter(line: index + 1)
        }
        try self.init(origin: lines[0], treeSize: Self.parseTreeSize(lines[1]),
                      rootHash: Self.rootHash(base64: lines[2]), extensionLines: Array(lines.dropFirst(3)))
    }

    /// ASCII decimal digits only (no sign, no spaces), and no leading zero unless the tree is empty.
    private static func parseTreeSize(_ line: String) throws -> UInt64 {
        guard !line.isEmpty, line.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let size = UInt64(line) else { throw CheckpointError.invalidTreeSize }
        guard line == "0" || line.utf8.first != 0x30 else { throw CheckpointError.treeSizeLeadingZero }
        return size
    }

    /// The third line: canonical standard base64 of exactly 32 bytes.
    static func rootHash<Text: StringProtocol>(base64: Text) throws -> MerkleHash {
        guard let bytes = NoteBase64.decodeCanonical(base64) else { throw CheckpointError.rootHashNotBase64 }
        guard let hash = MerkleHash(bytes: bytes) else { throw CheckpointError.rootHashWrongLength(bytes.count) }
        return hash
    }
}
