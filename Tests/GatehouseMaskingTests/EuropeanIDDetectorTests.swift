import Testing
@testable import GatehouseMasking

@Suite struct EuropeanIDDetectorTests {
    @Test(arguments: ["12345678995", "86095742719", "65929970489", "12345678911", "86 095 742 719"])
    func detectsGermanTaxIDs(id: String) {
        #expect(values("IdNr \(id)", of: .germanTaxID) == [id])
    }

    @Test(arguments: [
        "12345678990",   // wrong check digit
        "02345678995",   // leading zero
        "12345678903",   // no repeated digit
        "11123456786",   // a digit three times in a row
    ])
    func rejectsGermanTaxIDNearMisses(id: String) {
        #expect(values("IdNr \(id)", of: .germanTaxID).isEmpty)
    }

    @Test(arguments: ["123456782", "111222333", "1234.56.782"])
    func detectsDutchBSNs(bsn: String) {
        #expect(values("BSN \(bsn).", of: .dutchBSN) == [bsn])
    }

    @Test func rejectsABSNFailingTheElfproef() {
        #expect(values("BSN 123456789", of: .dutchBSN).isEmpty)
        #expect(values("BSN 000000000", of: .dutchBSN).isEmpty)
        #expect(values("BSN 1234567820", of: .dutchBSN).isEmpty)
    }

    @Test(arguments: ["12345678Z", "12345678-Z", "12.345.678-Z", "X1234567L", "Y1234567X", "Z1234567R", "X-1234567-L"])
    func detectsSpanishDNIAndNIE(id: String) {
        #expect(values("DNI \(id) ok", of: .spanishDNI) == [id])
    }

    @Test(arguments: ["12345678A", "X1234567A", "12345678z", "AX1234567L", "12345678ZZ", "123456789Z", "12.345678-Z"])
    func rejectsDNINearMisses(id: String) {
        #expect(values("DNI \(id) ok", of: .spanishDNI).isEmpty)
    }
}
