import Testing
@testable import GatehouseLedger

@Suite struct CheckpointSigningTests {
    static let origin = "gatehouse.example/ledger"
    static let root = MerkleHash(bytes: Array(0..<32))!

    @Test func aSignedCheckpointOpensWithItsVerifierKey() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let checkpoint = try Checkpoint(origin: Self.origin, treeSize: 42, rootHash: Self.root)
        let note = try checkpoint.signed(by: signer).serialized
        #expect(note.hasPrefix(checkpoint.text + "\n\u{2014} \(Self.origin) "))
        let verifier = try Ed25519NoteVerifier(verifierKey: signer.verifierKey)
        #expect(try Checkpoint(signedNote: note, verifier: verifier) == checkpoint)
    }

    @Test func witnessCosignaturesByUnknownKeysAreIgnored() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let witness = try Ed25519NoteSigner.generate(keyName: "witness.example/w1")
        let checkpoint = try Checkpoint(origin: Self.origin, treeSize: 7, rootHash: Self.root)
        let note = try checkpoint.signed(by: signer).addingSignature(by: witness).serialized
        #expect(try Checkpoint(signedNote: note, verifier: signer.verifier) == checkpoint)
    }

    @Test func aCheckpointSignedByAnotherKeyIsRefused() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let impostor = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let note = try Checkpoint(origin: Self.origin, treeSize: 1, rootHash: Self.root).signed(by: impostor).serialized
        #expect(throws: NoteVerificationError.noKnownSignature) {
            try Checkpoint(signedNote: note, verifier: signer.verifier)
        }
    }

    @Test func anotherLogsCheckpointIsRefusedEvenWithAValidSignature() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let note = try Checkpoint(origin: "other.example/log", treeSize: 1, rootHash: Self.root).signed(by: signer).serialized
        #expect(throws: CheckpointError.originMismatch(expected: Self.origin, found: "other.example/log")) {
            try Checkpoint(signedNote: note, verifier: signer.verifier)
        }
        #expect(try Checkpoint(signedNote: note, verifier: signer.verifier, origin: "other.example/log").treeSize == 1)
    }

    @Test func aSignedNoteThatIsNotACheckpointIsRefused() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let note = try SignedNote.signing(text: "just text\n", by: [signer]).serialized
        #expect(throws: CheckpointError.tooFewLines(1)) { try Checkpoint(signedNote: note, verifier: signer.verifier) }
    }

    @Test func aMalformedNoteIsRefusedBeforeAnythingElse() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let text = try Checkpoint(origin: Self.origin, treeSize: 1, rootHash: Self.root).text
        #expect(throws: SignedNoteError.missingSignatureBlock) { try Checkpoint(signedNote: text, verifier: signer.verifier) }
    }

    @Test func tamperingWithAnyByteOfASignedCheckpointFails() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: Self.origin)
        let checkpoint = try Checkpoint(origin: Self.origin, treeSize: 1234, rootHash: Self.root, extensionLines: ["ext"])
        let original = Array(try checkpoint.signed(by: signer).serialized.utf8)
        for index in original.indices {
            var tampered = original
            tampered[index] ^= 0x01
            #expect(throws: (any Error).self, "byte \(index)") {
                try Checkpoint(signedNote: String(decoding: tampered, as: UTF8.self), verifier: signer.verifier)
            }
        }
    }
}
