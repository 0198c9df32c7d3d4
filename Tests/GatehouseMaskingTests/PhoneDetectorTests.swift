import Testing
@testable import GatehouseMasking

@Suite struct PhoneDetectorTests {
    @Test(arguments: [
        "+49 30 1234567", "+4930123456", "+1 (555) 123-4567", "+44 20 7946 0958", "+44 (0)20 7946 0958",
        "(555) 123-4567", "555-123-4567", "555.123.4567", "030 1234567", "020 7946 0958", "01 23 45 67 89",
        "1-800-555-1234", "1 800 555 1234",
    ])
    func detectsPhoneNumbers(phone: String) {
        #expect(values("call \(phone) today", of: .phone) == [phone])
    }

    @Test(arguments: [
        "2024-01-15", "on 15.01.2024 10", "2024-01-15 10", "in 2023 we sold 1500 units", "12345",
        "1234567890", "3.14159", "+123", "version 10 2 3", "0 2024-05-12", "0.60 2024-05-10",
        "call 030 2024-05-12", "0 12.05.2024",
    ])
    func rejectsDatesAndPlainNumbers(text: String) {
        #expect(values(text, of: .phone).isEmpty)
    }

    @Test func doesNotTakeCardOrIBANFragments() {
        #expect(values("4111 1111 1111 1112", of: .phone).isEmpty)
        #expect(values("NL91 ABNA 0417 1643 01", of: .phone).isEmpty)
        #expect(values("DE89 3704 0044 0532 0130 01", of: .phone).isEmpty)
    }
}
