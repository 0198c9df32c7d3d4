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

    @Test(arguments: ["944-742-2847x67269", "(240)499-6783x132", "+1-373-836-2590x0330", "+1 373 836 2590 ext. 12"])
    func anExtensionBelongsToTheNumber(number: String) {
        #expect(values("call \(number) today", of: .phone) == [number])
    }

    @Test(arguments: ["+49(0)2366 03886", "+44(0)1414960274", "+31(0)52-2892126"])
    func theTrunkPrefixInParenthesesAfterTheCountryCode(number: String) {
        #expect(values("Tel. \(number).", of: .phone) == [number])
    }

    @Test(arguments: ["tracking 0440 962036", "Sendungsnummer: 0440 962036", "order #0440 962036", "Factuur 030 1234567",
                      "track & trace 0152 244336", "numer przesyłki 0220 294258"])
    func aNumberLabelledAsSomethingElseIsNoPhone(text: String) {
        #expect(values(text, of: .phone).isEmpty)
        #expect(values("Telefon 030 1234567", of: .phone) == ["030 1234567"])
    }
}
