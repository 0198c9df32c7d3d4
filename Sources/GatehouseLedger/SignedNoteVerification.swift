extension SignedNote {
    /// The signatures made by `verifiers`' keys, each key once, after checking every one of them.
    /// Signatures by other keys are ignored (they stay in ``signatures``), as C2SP signed-note
    /// requires: a key matches only if both its name and its key ID do.
    /// Throws if any signature by a known key fails, or if none is by a known key.
    public func verifiedSignatures(using verifiers: [any NoteVerifier]) throws -> [NoteSignature] {
        let textBytes = Array(text.utf8)
        var verified: [NoteSignature] = []
        for signature in signatures {
            let matching = verifiers.filter { signature.isBy(keyName: $0.keyName, keyID: $0.keyID) }
            guard let verifier = matching.first else { continue }
            guard matching.count == 1 else {
                throw NoteVerificationError.ambiguousKey(keyName: signature.keyName, keyID: signature.keyID)
            }
            guard verifier.isValidSignature(signature.signature, for: textBytes) else {
                throw NoteVerificationError.invalidSignature(keyName: signature.keyName, keyID: signature.keyID)
            }
            if !verified.contains(where: { $0.isBy(keyName: signature.keyName, keyID: signature.keyID) }) {
                verified.append(signature)
            }
        }
        guard !verified.isEmpty else { throw NoteVerificationError.noKnownSignature }
        return verified
    }
}
