import Crypto
import GatehouseCore
import Testing
@testable import GatehouseLedger

@Suite struct NoteKeyTests {
    typealias Go = GoNoteVectors

    @Test func theExampleKeysParseAndReserialise() throws {
        let signer = try Ed25519NoteSigner(signerKey: Go.peterSignerKey)
        let verifier = try Ed25519NoteVerifier(verifierKey: Go.peterVerifierKey)
        #expect(signer.keyName == "PeterNeumann" && verifier.keyName == "PeterNeumann")
        #expect(signer.keyID == Go.peterKeyID && verifier.keyID == Go.peterKeyID)
        #expect(signer.signerKey == Go.peterSignerKey)
        #expect(signer.verifierKey == Go.peterVerifierKey)
        #expect(verifier.verifierKey == Go.peterVerifierKey)
        #expect(Go.peterKeyID.description == "c74f20a3")
    }

    /// Recomputes the example's key ID straight from the C2SP formula, independently of NoteKeyID.
    @Test func theKeyIDIsTheSpecHashOfNameTypeAndPublicKey() throws {
        let publicKey = try Ed25519NoteVerifier(verifierKey: Go.peterVerifierKey).publicKey.rawRepresentation
        let digest = SHA256.hash(data: Array("PeterNeumann\n".utf8) + [0x01] + publicKey)
        #expect(hexString(digest.prefix(4)) == "c74f20a3")
        #expect(NoteKeyID(keyName: "PeterNeumann", signatureType: 0x01, publicKey: publicKey) == Go.peterKeyID)
    }

    @Test func aGeneratedKeyRoundTripsThroughItsStrings() throws {
        let signer = try Ed25519NoteSigner.generate(keyName: "gatehouse.example/ledger")
        let reloaded = try Ed25519NoteSigner(signerKey: signer.signerKey)
        let verifier = try Ed25519NoteVerifier(verifierKey: signer.verifierKey)
        #expect(reloaded.keyID == signer.keyID && verifier.keyID == signer.keyID)
        #expect(signer.signerKey.hasPrefix("PRIVATE+KEY+gatehouse.example/ledger+\(signer.keyID)+A"))
        let signature = try reloaded.sign(Array("text\n".utf8))
        #expect(verifier.isValidSignature(signature, for: Array("text\n".utf8)))
        #expect(!verifier.isValidSignature(signature, for: Array("text!\n".utf8)))
    }

    @Test func twoGeneratedKeysDiffer() throws {
        let a = try Ed25519NoteSigner.generate(keyName: "log"), b = try Ed25519NoteSigner.generate(keyName: "log")
        #expect(a.signerKey != b.signerKey)
    }

    @Test func theSignerNeverPrintsItsPrivateKey() throws {
        let signer = try Ed25519NoteSigner(signerKey: Go.peterSignerKey)
        let secret = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
        #expect(!"\(signer)".contains(secret) && !String(reflecting: signer).contains(secret))
        #expect("\(signer)" == "Ed25519NoteSigner(PeterNeumann+c74f20a3)")
    }

    @Test(arguments: [
        ("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", NoteKeyError.signerKeyGivenAsVerifierKey),
        ("PeterNeumann", .malformed),
        ("PeterNeumann+c74f20a3", .malformed),
        ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", .invalidKeyName),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", .invalidKeyName),
        ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", .invalidKeyID),
        ("PeterNeumann+-74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", .invalidKeyID),
        ("PeterNeumann+c74f20a3+", .keyNotBase64),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", .keyNotBase64),
        // The unknown-algorithm key from note_test.go (type byte 0x65, key ID adjusted to match).
        ("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", .unsupportedSignatureType(0x65)),
        ("PeterNeumann+c74f20a3+AQ==", .wrongKeyLength(0)),
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
         .keyIDMismatch(stated: NoteKeyID(0xc74f20a4), computed: NoteKeyID(0xc74f20a3))),
        ("PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
         .keyIDMismatch(stated: NoteKeyID(0xc74f20a3), computed: NoteKeyID(keyName: "PeterNeuman", signatureType: 1,
                        publicKey: GoNoteVectors.peterVerifier.publicKey.rawRepresentation))),
    ] as [(String, NoteKeyError)])
    func malformedVerifierKeysAreRefusedWithTheReason(key: String, error: NoteKeyError) {
        #expect(throws: error) { try Ed25519NoteVerifier(verifierKey: key) }
    }

    @Test(arguments: [
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", NoteKeyError.missingPrivateKeyPrefix),
        ("PRIVATE+KEY+PeterNeumann+c74f20a3", .malformed),
        ("PRIVATE+KEY+PeterNeumann+c74f20a3+AQID", .wrongKeyLength(2)),
        ("PRIVATE+KEY+PeterNeumann+c74f20a3+AgEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", .unsupportedSignatureType(2)),
        ("PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
         .keyIDMismatch(stated: NoteKeyID(0xc74f20a4), computed: NoteKeyID(0xc74f20a3))),
    ] as [(String, NoteKeyError)])
    func malformedSignerKeysAreRefusedWithTheReason(key: String, error: NoteKeyError) {
        #expect(throws: error) { try Ed25519NoteSigner(signerKey: key) }
    }

    @Test func anUpperCaseKeyIDIsAcceptedAndWrittenInLowerCase() throws {
        let verifier = try Ed25519NoteVerifier(verifierKey: "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        #expect(verifier.verifierKey == Go.peterVerifierKey)
    }

    /// As in note_test.go's TestNewVerifier and TestNewSigner: no proper substring of a key, and no
    /// single byte incremented, yields a key.
    @Test func everyManglingOfTheExampleKeysIsRefused() {
        for (key, parse) in [(Go.peterVerifierKey, { (k: String) in _ = try Ed25519NoteVerifier(verifierKey: k) }),
                             (Go.peterSignerKey, { (k: String) in _ = try Ed25519NoteSigner(signerKey: k) })] {
            let bytes = Array(key.utf8)
            var manglings: [[UInt8]] = []
            for start in 0...bytes.count {
                for end in (start + 1)..<(bytes.count + 1) where start != 0 || end != bytes.count {
                    manglings.append(Array(bytes[start..<end]))
                }
            }
            for index in bytes.indices {
                var changed = bytes
                changed[index] &+= 1
                manglings.append(changed)
            }
            for mangled in manglings {
                let text = String(decoding: mangled, as: UTF8.self)
                #expect(throws: (any Error).self, "\(text)") { try parse(text) }
            }
        }
    }

    @Test func invalidKeyNamesAreRefusedForNewKeys() {
        for name in ["", "a b", "a+b", "a\u{00A0}b", "a\u{2003}b", "a\nb", "a\u{1}b"] {
            #expect(throws: NoteKeyError.invalidKeyName) { try Ed25519NoteSigner.generate(keyName: name) }
        }
        #expect(NoteKeyName.isValid("example.com/log42") && NoteKeyName.isValid("\u{E8}t\u{E9}"))
    }
}
