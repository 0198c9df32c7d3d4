import Testing
@testable import GatehouseMasking

@Suite struct IBANDetectorTests {
    @Test(arguments: [
        "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
        "NL91ABNA0417164300", "FR14 2004 1010 0505 0001 3M02 606",
    ])
    func detectsValidIBANs(iban: String) {
        #expect(values("IBAN: \(iban).", of: .iban) == [iban])
    }

    @Test func rejectsAnInvalidChecksum() {
        #expect(values("IBAN DE89 3704 0044 0532 0130 01", of: .iban).isEmpty)
        #expect(found("IBAN DE89 3704 0044 0532 0130 01").allSatisfy { $0.kind != .phone })
    }

    @Test func rejectsTheWrongLengthForTheCountry() {
        #expect(values("DE89 3704 0044 0532 0130 0", of: .iban).isEmpty)
        #expect(values("DE89370400440532013000123", of: .iban).isEmpty)
    }

    @Test func rejectsAnUnknownCountry() {
        #expect(values("QQ89370400440532013000", of: .iban).isEmpty)
    }

    @Test func rejectsBadSpacing() {
        #expect(values("DE 89 3704 0044 0532 0130 00", of: .iban).isEmpty)
    }
}
