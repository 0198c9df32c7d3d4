import Foundation
import GatehouseCore
import Testing

@testable import GatehouseGit

@Suite struct PackSHA1Tests {
    @Test func matchesFIPSVectors() {
        #expect(hexString(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hexString(SHA1.hash([UInt8]())) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(hexString(SHA1.hash(Array(twoBlocks.utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    @Test func incrementalUpdatesEqualOneShot() {
        var random = SplitMix64(seed: 7)
        let bytes = (0..<1000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var hasher = SHA1()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 1 + random.below(130))
            hasher.update(bytes[start..<end])
            start = end
        }
        #expect(hasher.finalize() == SHA1.hash(bytes))
    }

    /// Lengths around the 55/56/64-byte padding boundaries, checked by git itself.
    @Test func objectIDsMatchGitHashObject() throws {
        let repository = try PackGitRepository()
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000] {
            let content = [UInt8]((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            let expected = String(decoding: try repository.git(["hash-object", "--stdin"], input: Data(content)), as: UTF8.self)
            let computed = GitObjectType.blob.objectID(of: content).hex
            #expect(computed == expected.trimmingCharacters(in: .whitespacesAndNewlines), "length \(length)")
        }
    }
}
