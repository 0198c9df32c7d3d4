import Testing
@testable import GatehouseLedger

@Suite struct SignedNoteTests {
    typealias Go = GoNoteVectors

    @Test func serialisationRoundTrips() throws {
        let signers = try [Ed25519NoteSigner.generate(keyName: "gatehouse.example/ledger"),
                           Ed25519NoteSigner.generate(keyName: "witness.example/w1")]
        let text = "line one\n\nline three after a blank line\n\n"
        let note = try SignedNote.signing(text: text, by: signers)
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed == note)
        #expect(parsed.text == text)
        #expect(try parsed.verifiedSignatures(using: signers.map(\.verifier)).count == 2)
    }

    @Test func theTextMayBeJustANewline() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: "k")
        let note = try SignedNote.signing(text: "\n", by: [signer])
        #expect(note.serialized.hasPrefix("\n\n\u{2014} k "))
        #expect(try SignedNote(parsing: note.serialized) == note)
    }

    @Test func reSigningReplacesTheSignerEarlierSignatureAndKeepsOthers() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: "log")
        let other = try Ed25519NoteSigner.generate(keyName: "witness")
        let note = try SignedNote.signing(text: "t\n", by: [signer, other]).addingSignature(by: signer)
        #expect(note.signatures.map(\.keyName) == ["witness", "log"])
    }

    @Test(arguments: [
        (Go.text, SignedNoteError.missingSignatureBlock),
        (Go.text + "\n", .noSignatures),
        (Go.text + "\n" + Go.peterSignatureLine.dropLast(), .signatureBlockMissingFinalNewline),
        ("\u{01}" + Go.note, .controlCharacter(line: 1)),
        (Go.text + "\n" + "\u{2014} Bad Name \(Go.peterSignatureBase64)\n", .signatureNotBase64(line: 4)),
        (Go.note + "Unexpected line.\n", .notASignatureLine(line: 5)),
        (Go.text + "\n- PeterNeumann \(Go.peterSignatureBase64)\n", .notASignatureLine(line: 4)),
        (Go.text + "\n\u{2014}  \(Go.peterSignatureBase64)\n", .invalidKeyName("")),
        (Go.text + "\n\u{2014} Peter+Neumann \(Go.peterSignatureBase64)\n", .invalidKeyName("Peter+Neumann")),
        (Go.text + "\n\u{2014} PeterNeumann\n", .signatureNotBase64(line: 4)),
        (Go.text + "\n\u{2014} PeterNeumann \n", .signatureNotBase64(line: 4)),
        (Go.text + "\n\u{2014} PeterNeumann x08goA==\n", .signatureTooShort(line: 4)),
        // Non-zero padding bits: decodable, but not the canonical spelling.
        (Go.note.replacingOccurrences("JnAM=", "JnAN="), .signatureNotBase64(line: 4)),
        (Go.note.replacingOccurrences("JnAM=", "JnAM"), .signatureNotBase64(line: 4)),
        ("a\tb\n\n" + Go.peterSignatureLine, .controlCharacter(line: 1)),
        ("a\n\n" + Go.peterSignatureLine + "\r\n", .controlCharacter(line: 4)),
    ] as [(String, SignedNoteError)])
    func malformedNotesAreRefusedWithTheReason(note: String, error: SignedNoteError) {
        #expect(throws: error) { try SignedNote(parsing: note) }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: SignedNoteError.notUTF8) { try SignedNote(parsing: [0xFF] + Array(Go.note.utf8)) }
    }

    @Test func signaturesBeyondTheLimitAreRefused() throws {
        let hundred = Go.text + "\n" + String(repeating: Go.peterSignatureLine, count: 100)
        #expect(try SignedNote(parsing: hundred).signatures.count == 100)
        #expect(throws: SignedNoteError.tooManySignatures(maximum: 100)) {
            try SignedNote(parsing: hundred + Go.peterSignatureLine)
        }
        #expect(throws: SignedNoteError.tooManySignatures(maximum: 16)) {
            try SignedNote(parsing: Go.text + "\n" + String(repeating: Go.peterSignatureLine, count: 17), maximumSignatures: 16)
        }
    }

    @Test func constructionRefusesWhatCouldNotBeParsedBack() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: "k")
        #expect(throws: SignedNoteError.textMissingFinalNewline) { try SignedNote.signing(text: "abc", by: [signer]) }
        #expect(throws: SignedNoteError.controlCharacter(line: 2)) { try SignedNote.signing(text: "a\n\u{7}\n", by: [signer]) }
        #expect(throws: SignedNoteError.noSignatures) { try SignedNote(text: "a\n", signatures: []) }
        #expect(throws: SignedNoteError.invalidKeyName("a b")) {
            try NoteSignature(keyName: "a b", keyID: NoteKeyID(1), signature: [1])
        }
        #expect(throws: SignedNoteError.emptySignature(keyName: "a")) {
            try NoteSignature(keyName: "a", keyID: NoteKeyID(1), signature: [])
        }
    }

    @Test func theSpecExampleParsesAndIsNotTrustedWithoutItsKey() throws {
        // The example note at the top of C2SP signed-note.md (its key is not published).
        let example = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u{E8} subito sera.\n\n"
            + "\u{2014} quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
        let note = try SignedNote(parsing: example)
        #expect(note.text.hasSuffix("\n\ned \u{E8} subito sera.\n"))
        #expect(note.signatures.map(\.keyName) == ["quasimodo.example/salvatore"])
        #expect(note.serialized == example)
        #expect(throws: NoteVerificationError.noKnownSignature) { try note.verifiedSignatures(using: [Go.peterVerifier]) }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
