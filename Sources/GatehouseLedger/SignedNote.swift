/// A C2SP signed note: a text ending in newline, a blank line, then one or more signature lines.
/// Construction enforces the format, so `serialized` always parses back to an equal note.
/// A `SignedNote` is only syntax: nothing in it is trustworthy until ``verifiedSignatures(using:)``
/// has found a signature by a known key.
public struct SignedNote: Hashable, Sendable {
    /// The signed text, final newline included, separating blank line excluded.
    public let text: String
    /// Every signature line, in order, known keys or not.
    public let signatures: [NoteSignature]

    /// The spec asks verifiers to accept at least 16; golang.org/x/mod/sumdb/note refuses more than 100.
    public static let defaultMaximumSignatures = 100

    static let signatureLinePrefix = "\u{2014} "

    public init(text: String, signatures: [NoteSignature]) throws {
        try Self.validateText(text)
        guard !signatures.isEmpty else { throw SignedNoteError.noSignatures }
        self.text = text
        self.signatures = signatures
    }

    /// The note as transmitted: text, blank line, signature lines.
    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// Signs `text` with each signer, in order.
    public static func signing(text: String, by signers: [any NoteSigner]) throws -> SignedNote {
        try validateText(text)
        return try SignedNote(text: text, signatures: signers.map { try $0.noteSignature(for: text) })
    }

    /// This note with a signature by `signer` appended; an earlier signature by the same key
    /// (name and key ID) is dropped, as re-signing replaces it.
    public func addingSignature(by signer: any NoteSigner) throws -> SignedNote {
        let others = signatures.filter { !$0.isBy(keyName: signer.keyName, keyID: signer.keyID) }
        return try SignedNote(text: text, signatures: others + [signer.noteSignature(for: text)])
    }

    static func validateText(_ text: String) throws {
        guard text.utf8.last == 0x0A else { throw SignedNoteError.textMissingFinalNewline }
        if let line = firstControlCharacterLine(text.utf8) { throw SignedNoteError.controlCharacter(line: line) }
    }

    /// The 1-based line of the first ASCII control character other than newline, if any.
    static func firstControlCharacterLine<Bytes: Sequence>(_ bytes: Bytes) -> Int? where Bytes.Element == UInt8 {
        var line = 1
        for byte in bytes {
            if byte == 0x0A { line += 1 } else if byte < 0x20 { return line }
        }
        return nil
    }
}

extension NoteSigner {
    func noteSignature(for text: String) throws -> NoteSignature {
        guard NoteKeyName.isValid(keyName) else { throw SignedNoteError.invalidKeyName(keyName) }
        return try NoteSignature(keyName: keyName, keyID: keyID, signature: sign(Array(text.utf8)))
    }
}
