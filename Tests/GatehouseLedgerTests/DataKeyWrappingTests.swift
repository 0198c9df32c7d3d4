import Crypto
import GatehouseCore
import Testing
@testable import GatehouseLedger

@Suite struct DataKeyWrappingTests {
    let master = MasterKey.generate()
    let key = DataKey.generate(id: "s-7f3a9c21")

    private func keyBytes(_ key: DataKey) -> [UInt8] { key.key.withUnsafeBytes { Array($0) } }

    @Test func aWrappedKeyUnwrapsToTheSameKey() throws {
        let wrapped = try key.wrapped(by: master)
        #expect(wrapped.count == 69)
        #expect(wrapped[0] == 1)
        #expect(Array(wrapped[1..<9]) == master.fingerprint)
        let unwrapped = try DataKey(unwrapping: wrapped, id: key.id, by: master)
        #expect(unwrapped.id == key.id)
        #expect(keyBytes(unwrapped) == keyBytes(key))
    }

    @Test func theKeyBytesAreNotInTheWrappedForm() throws {
        let wrapped = try key.wrapped(by: master)
        let bytes = keyBytes(key)
        #expect(!(0...(wrapped.count - 8)).contains { wrapped[$0..<($0 + 8)].elementsEqual(bytes[0..<8]) })
    }

    @Test func eachWrappingUsesAFreshNonce() throws {
        #expect(try key.wrapped(by: master) != key.wrapped(by: master))
    }

    @Test func anotherMasterKeyIsReportedAsSuch() throws {
        let wrapped = try key.wrapped(by: master)
        #expect(throws: DataKeyError.wrongMasterKey) { try DataKey(unwrapping: wrapped, id: key.id, by: MasterKey.generate()) }
    }

    @Test func anotherKeyIDIsRejected() throws {
        let wrapped = try key.wrapped(by: master)
        #expect(throws: DataKeyError.wrappedKeyRejected) { try DataKey(unwrapping: wrapped, id: "s-other", by: master) }
    }

    @Test func everyTamperedByteIsCaught() throws {
        let wrapped = try key.wrapped(by: master)
        for index in wrapped.indices {
            var tampered = wrapped
            tampered[index] ^= 0x01
            let expected: DataKeyError
            switch index {
            case 0: expected = .malformedWrappedKey
            case 1..<9: expected = .wrongMasterKey
            default: expected = .wrappedKeyRejected
            }
            #expect(throws: expected, "byte \(index)") { try DataKey(unwrapping: tampered, id: key.id, by: master) }
        }
    }

    @Test func wrongLengthsAreMalformed() throws {
        let wrapped = try key.wrapped(by: master)
        #expect(throws: DataKeyError.malformedWrappedKey) { try DataKey(unwrapping: wrapped.dropLast(), id: key.id, by: master) }
        #expect(throws: DataKeyError.malformedWrappedKey) { try DataKey(unwrapping: wrapped + [0], id: key.id, by: master) }
        #expect(throws: DataKeyError.malformedWrappedKey) { try DataKey(unwrapping: [UInt8](), id: key.id, by: master) }
    }

    @Test func keysMustBe32Bytes() {
        #expect(throws: DataKeyError.wrongKeyLength(16)) { try DataKey(id: "k", bytes: [UInt8](repeating: 1, count: 16)) }
        #expect(throws: DataKeyError.wrongKeyLength(33)) { try MasterKey(bytes: [UInt8](repeating: 1, count: 33)) }
    }

    @Test func theFingerprintIsFixedForAMasterKey() throws {
        let bytes = [UInt8](repeating: 0x42, count: 32)
        let first = try MasterKey(bytes: bytes)
        let second = try MasterKey(bytes: bytes)
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.fingerprint.count == 8)
        let mac = HMAC<SHA256>.authenticationCode(for: Array("gatehouse master key fingerprint v1".utf8), using: SymmetricKey(data: bytes))
        #expect(first.fingerprint == Array(Array(mac).prefix(8)))
    }

    @Test func aGoldenWrappedKey() throws {
        let master = try MasterKey(bytes: (0..<32).map { UInt8(0x40 + $0) })
        let key = try DataKey(id: "s-7f3a9c21", bytes: (0..<32).map { UInt8($0) })
        let nonce = try AES.GCM.Nonce(data: (0..<12).map { 0xA0 + UInt8($0) })
        let wrapped = try key.wrapped(by: master, nonce: nonce)
        // Checked with Python's hmac and cryptography (AESGCM) from docs/evidence.md alone.
        #expect(hexString(wrapped) == "0128196320f2b993bda0a1a2a3a4a5a6a7a8a9aaabd78e043ce6ee9a2a71664bf585b13ef9ff06e7d4f87a933afac5f481f5df60e74cb3f1cb68e05ee880f9dce628daa448")
    }

    @Test func anUnwrappedKeyOpensWhatTheOriginalSealed() throws {
        let bytes = try LedgerEntryCodec.encode(LedgerEntryEventsForTests.failedOutcome, sealingWith: LedgerEntryEventsForTests.key)
        let stored = try LedgerEntryEventsForTests.key.wrapped(by: master)
        let restored = try DataKey(unwrapping: stored, id: LedgerEntryEventsForTests.session, by: master)
        #expect(try LedgerEntryCodec.decode(bytes, dataKey: restored) == .event(LedgerEntryEventsForTests.failedOutcome))
    }
}
