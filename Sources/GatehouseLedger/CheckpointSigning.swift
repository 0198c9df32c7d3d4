extension Checkpoint {
    /// This checkpoint as a note signed by `signer`, normally the log's key, named after the origin.
    public func signed(by signer: any NoteSigner) throws -> SignedNote {
        try SignedNote.signing(text: text, by: [signer])
    }

    /// Opens a signed checkpoint: parses the note, requires a valid signature by `verifier`'s key
    /// (ignoring signatures by other keys, such as witnesses'), then parses the checkpoint and
    /// requires its origin to be `origin`, by default the verifier's key name (the spec's
    /// convention): a valid signature by the right key on another log's checkpoint is refused.
    public init(signedNote: String, verifier: any NoteVerifier, origin: String? = nil) throws {
        let note = try SignedNote(parsing: signedNote)
        _ = try note.verifiedSignatures(using: [verifier])
        try self.init(text: note.text)
        let expected = origin ?? verifier.keyName
        guard self.origin == expected else {
            throw CheckpointError.originMismatch(expected: expected, found: self.origin)
        }
    }
}
