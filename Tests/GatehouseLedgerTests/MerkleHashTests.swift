import Testing
@testable import GatehouseLedger

@Suite struct MerkleHashTests {
    let hash = MerkleHash.leafHash(Array("entry".utf8))

    @Test func hexRoundTrips() {
        #expect(hash.hex.count == 64)
        #expect(MerkleHash(hex: hash.hex) == hash)
        #expect(MerkleHash(hex: hash.hex.uppercased()) == hash)
        #expect(hash.description == hash.hex)
    }

    @Test(arguments: ["", "00", String(repeating: "0", count: 63), String(repeating: "0", count: 65),
                      String(repeating: "0", count: 66), String(repeating: "g", count: 64), " " + String(repeating: "0", count: 63)])
    func malformedHexIsRejected(text: String) {
        #expect(MerkleHash(hex: text) == nil)
    }

    @Test func base64RoundTrips() {
        #expect(hash.base64.count == 44)
        #expect(MerkleHash(base64: hash.base64) == hash)
        #expect(MerkleHash.emptyTree.base64 == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect(MerkleHash(base64: "AAAA") == nil)
        #expect(MerkleHash(base64: "not base64") == nil)
    }

    @Test func bytesRoundTrip() {
        #expect(hash.bytes.count == 32)
        #expect(MerkleHash(bytes: hash.bytes) == hash)
        #expect(MerkleHash(bytes: hash.bytes.dropLast()) == nil)
        #expect(MerkleHash(bytes: hash.bytes + [0]) == nil)
        #expect(Set([hash, MerkleHash(bytes: hash.bytes)!, .emptyTree]).count == 2)
    }

    @Test func leafHashIsTheSameForEveryByteCollection() {
        let bytes = Array("entry".utf8)
        #expect(MerkleHash.leafHash(bytes[...]) == hash)
        #expect(MerkleHash.leafHash("entry".utf8) == hash)
        #expect(bytes.withUnsafeBytes { MerkleHash.leafHash($0) } == hash)
    }
}
