extension SignedNote {
    /// Parses a signed note as received, refusing anything the C2SP format does not allow.
    /// Signatures are not checked here; see ``verifiedSignatures(using:)``.
    public init(parsing note: String, maximumSignatures: Int = SignedNote.defaultMaximumSignatures) throws {
        try self.init(parsing: Array(note.utf8), maximumSignatures: maximumSignatures)
    }

    public init(parsing bytes: [UInt8], maximumSignatures: Int = SignedNote.defaultMaximumSignatures) throws {
        guard Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes else { throw SignedNoteError.notUTF8 }
        if let line = Self.firstControlCharacterLine(bytes) { throw SignedNoteError.controlCharacter(line: line) }

        // The text ends at the last blank line: the text may contain blank lines, signature lines never are.
        guard let separator = Self.lastBlankLine(in: bytes) else { throw SignedNoteError.missingSignatureBlock }
        let textBytes = bytes[...separator]
        let block = bytes[(separator + 2)...]
        guard !block.isEmpty else { throw SignedNoteError.noSignatures }
        guard block.last == 0x0A else { throw SignedNoteError.signatureBlockMissingFinalNewline }

        let lines = block.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count <= maximumSignatures else {
            throw SignedNoteError.tooManySignatures(maximum: maximumSignatures)
        }
        let firstSignatureLine = textBytes.count(where: { $0 == 0x0A }) + 2
        let signatures = try lines.enumerated().map { index, line in
            try Self.parseSignatureLine(String(decoding: line, as: UTF8.self), line: firstSignatureLine + index)
        }
        try self.init(text: String(decoding: textBytes, as: UTF8.self), signatures: signatures)
    }

    /// Index of the first newline of the last "\n\n".
    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        return stride(from: bytes.count - 2, through: 0, by: -1).first { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }
    }

    private static func parseSignatureLine(_ text: String, line: Int) throws -> NoteSignature {
        guard text.hasPrefix(signatureLinePrefix) else { throw SignedNoteError.notASignatureLine(line: line) }
        let fields = text.dropFirst(signatureLinePrefix.count).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        let keyName = String(fields[0])
        guard NoteKeyName.isValid(keyName) else { throw SignedNoteError.invalidKeyName(keyName) }
        guard fields.count == 2, let raw = NoteBase64.decodeCanonical(fields[1]) else {
            throw SignedNoteError.signatureNotBase64(line: line)
        }
        guard raw.count > 4 else { throw SignedNoteError.signatureTooShort(line: line) }
        return try NoteSignature(keyName: keyName, keyID: NoteKeyID(bigEndianBytes: Array(raw.prefix(4))),
                                 signature: Array(raw.dropFirst(4)))
    }
}
