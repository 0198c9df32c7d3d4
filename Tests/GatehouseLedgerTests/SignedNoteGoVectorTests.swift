import Testing
@testable import GatehouseLedger

/// Test vectors from golang.org/x/mod/sumdb/note: the example keys, text and signatures in its
/// package documentation (note.go) and its tests (note_test.go: TestSign, TestOpen, TestVerifierList).
/// Facts only (keys, text, expected outputs); the tests here are written for this module.
enum GoNoteVectors {
    static let peterSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let peterVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let peterKeyID = NoteKeyID(0xc74f20a3)
    static let enochVerifierKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"

    static let text = "If you think cryptography is the answer to your problem,\n"
        + "then you don't know what your problem is.\n"
    static let peterSignatureBase64 = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
    static let enochSignatureBase64 = "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ="
    static let peterSignatureLine = "\u{2014} PeterNeumann \(peterSignatureBase64)\n"
    static let enochSignatureLine = "\u{2014} EnochRoot \(enochSignatureBase64)\n"
    /// The signed example note.
    static let note = text + "\n" + peterSignatureLine

    static var peterVerifier: Ed25519NoteVerifier { try! Ed25519NoteVerifier(verifierKey: peterVerifierKey) }
    static var enochVerifier: Ed25519NoteVerifier { try! Ed25519NoteVerifier(verifierKey: enochVerifierKey) }
}

@Suite struct SignedNoteGoVectorTests {
    typealias Go = GoNoteVectors

    // Ed25519 (RFC 8032) is deterministic in BoringSSL, which swift-crypto uses off Apple platforms;
    // CryptoKit randomises its signatures, so there only verification can match the vector.
    #if !canImport(CryptoKit)
    @Test func signingTheExampleTextReproducesTheExampleNote() throws {
        let signer = try Ed25519NoteSigner(signerKey: Go.peterSignerKey)
        #expect(try SignedNote.signing(text: Go.text, by: [signer]).serialized == Go.note)
    }
    #endif

    @Test func theExampleNoteParsesAndVerifies() throws {
        let note = try SignedNote(parsing: Go.note)
        #expect(note.text == Go.text)
        #expect(note.signatures.count == 1)
        #expect(note.signatures[0].keyName == "PeterNeumann")
        #expect(note.signatures[0].keyID == Go.peterKeyID)
        #expect(note.signatures[0].base64 == Go.peterSignatureBase64)
        #expect(try note.verifiedSignatures(using: [Go.peterVerifier]) == note.signatures)
        #expect(note.serialized == Go.note)
    }

    @Test func aSignatureFromOurSignerVerifiesWithTheExampleVerifierKey() throws {
        let signer = try Ed25519NoteSigner(signerKey: Go.peterSignerKey)
        let note = try SignedNote.signing(text: "hello\n", by: [signer])
        #expect(try note.verifiedSignatures(using: [Go.peterVerifier]).count == 1)
    }

    @Test func aSignatureByAnUnknownKeyIsIgnoredButKept() throws {
        let note = try SignedNote(parsing: Go.note + Go.enochSignatureLine)
        let verified = try note.verifiedSignatures(using: [Go.peterVerifier])
        #expect(verified.map(\.keyName) == ["PeterNeumann"])
        #expect(note.signatures.map(\.keyName) == ["PeterNeumann", "EnochRoot"])
        #expect(note.serialized == Go.note + Go.enochSignatureLine)
    }

    @Test func bothSignaturesVerifyWhenBothKeysAreKnown() throws {
        let note = try SignedNote(parsing: Go.note + Go.enochSignatureLine)
        let verified = try note.verifiedSignatures(using: [Go.peterVerifier, Go.enochVerifier])
        #expect(verified.map(\.keyName) == ["PeterNeumann", "EnochRoot"])
        #expect(verified[1].keyID == NoteKeyID(0xaf0cfe78))
    }

    @Test func aNoteWithoutASignatureByAKnownKeyIsRefused() throws {
        let note = try SignedNote(parsing: Go.note + Go.enochSignatureLine)
        #expect(throws: NoteVerificationError.noKnownSignature) { try note.verifiedSignatures(using: []) }
    }

    @Test func aKeyConfiguredTwiceIsAmbiguous() throws {
        let note = try SignedNote(parsing: Go.text + "\n" + Go.enochSignatureLine)
        #expect(throws: NoteVerificationError.ambiguousKey(keyName: "EnochRoot", keyID: NoteKeyID(0xaf0cfe78))) {
            try note.verifiedSignatures(using: [Go.enochVerifier, Go.peterVerifier, Go.enochVerifier])
        }
        // A duplicated verifier that signed nothing here does no harm.
        let peterNote = try SignedNote(parsing: Go.note)
        #expect(try peterNote.verifiedSignatures(using: [Go.enochVerifier, Go.peterVerifier, Go.enochVerifier]).count == 1)
    }

    @Test func anAlteredSignatureByAKnownKeyRefusesTheWholeNote() throws {
        var base64 = Go.peterSignatureBase64
        base64.insert(contentsOf: "ABCD", at: base64.index(base64.startIndex, offsetBy: 40))
        let note = try SignedNote(parsing: Go.text + "\n\u{2014} PeterNeumann \(base64)\n" + Go.enochSignatureLine)
        #expect(throws: NoteVerificationError.invalidSignature(keyName: "PeterNeumann", keyID: Go.peterKeyID)) {
            try note.verifiedSignatures(using: [Go.peterVerifier])
        }
    }

    @Test func aRepeatedSignatureCountsOnce() throws {
        let note = try SignedNote(parsing: Go.note + Go.peterSignatureLine)
        #expect(note.signatures.count == 2)
        #expect(try note.verifiedSignatures(using: [Go.peterVerifier]).count == 1)
    }

    @Test func aKeySharingOnlyTheNameWithAKnownKeyIsIgnored() throws {
        let impostor = try Ed25519NoteSigner.generate(keyName: "PeterNeumann")
        let note = try SignedNote(parsing: Go.note).addingSignature(by: impostor)
        #expect(note.signatures.count == 2)
        #expect(try note.verifiedSignatures(using: [Go.peterVerifier]).map(\.keyID) == [Go.peterKeyID])
        #expect(throws: NoteVerificationError.noKnownSignature) {
            try SignedNote.signing(text: Go.text, by: [impostor]).verifiedSignatures(using: [Go.peterVerifier])
        }
    }

    @Test func tamperingWithAnyByteFailsVerification() throws {
        let original = Array(Go.note.utf8)
        for index in original.indices {
            for flip: UInt8 in [0x01, 0x20, 0x80] {
                var tampered = original
                tampered[index] ^= flip
                #expect(throws: (any Error).self, "byte \(index) ^ \(flip)") {
                    try SignedNote(parsing: tampered).verifiedSignatures(using: [Go.peterVerifier])
                }
            }
        }
    }
}
