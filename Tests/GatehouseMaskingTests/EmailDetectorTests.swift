import Testing
@testable import GatehouseMasking

@Suite struct EmailDetectorTests {
    @Test(arguments: [
        "alice@example.com", "bob.smith+tag@mail.example.co.uk", "o'brien@example.ie",
        "x_y-z%1@sub-domain.example.org", "ALICE@EXAMPLE.COM",
    ])
    func detectsAddresses(address: String) {
        #expect(values("contact: \(address), thanks", of: .email) == [address])
    }

    /// RFC 6531: a local part or domain in UTF-8 is one address, never masked in part.
    @Test(arguments: ["chloé@example.com", "léa@example.com", "jürgen@müller.de", "用户@例子.广告"])
    func detectsInternationalisedAddresses(address: String) {
        #expect(values("écrire à \(address), merci", of: .email) == [address])
    }

    @Test func stopsAtSentencePunctuation() {
        #expect(values("Write to (alice@example.com).", of: .email) == ["alice@example.com"])
        #expect(values("<alice@example.com>", of: .email) == ["alice@example.com"])
    }

    @Test(arguments: [
        "user@localhost", "a@b.c", "@example.com", "name@", "x@example.123", "twitter @handle here",
        "foo@-bad.com",
    ])
    func rejectsNearMisses(text: String) {
        #expect(values(text, of: .email).isEmpty)
    }

    @Test func findsTheAddressInAPostgresErrorDetail() {
        #expect(values("Key (email)=(alice@example.com) already exists.", of: .email) == ["alice@example.com"])
    }
}
