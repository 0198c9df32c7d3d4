import Testing
@testable import GatehouseMasking

@Suite struct USSocialSecurityDetectorTests {
    @Test func detectsAValidSSN() {
        #expect(values("SSN 123-45-6789 on file", of: .usSSN) == ["123-45-6789"])
        #expect(values("078-05-1120", of: .usSSN) == ["078-05-1120"])
        #expect(values("SSN 420 26 9153 on file", of: .usSSN) == ["420 26 9153"])
        #expect(values("SSN 420-26 9153 on file", of: .usSSN).isEmpty)  // one kind of separator
    }

    @Test(arguments: ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000"])
    func rejectsNeverIssuedNumbers(ssn: String) {
        #expect(values("SSN \(ssn)", of: .usSSN).isEmpty)
    }

    @Test func rejectsPartOfALongerNumber() {
        #expect(values("1123-45-6789", of: .usSSN).isEmpty)
        #expect(values("123-45-67890", of: .usSSN).isEmpty)
        #expect(values("123-45-6789-1", of: .usSSN).isEmpty)
    }
}
