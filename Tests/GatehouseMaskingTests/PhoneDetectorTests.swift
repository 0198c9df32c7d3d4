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

    // Issue 17: the forms real European data holds.
    @Test(arguments: [
        "0368694923", "0612345678", "01701234567",                  // national, no separators (NL, FR, DE)
        "662 283 239", "22 298 93 46", "913 000 170", "58 21 41 14", // no trunk prefix (PL, PT, DK)
        "001-413-398-9638", "0049 30 1234567",                      // the 00 international prefix
        "0463/74040268", "08/ 372 40 89", "08-00 94 51",            // slashes, Swedish short area code
        "56196967",                                                  // Danish, eight digits
        "(+358) 40 1234567", "+(49) 30 1234567", "(02534) 53966 989",
    ])
    func detectsTheFormsOfEuropeanData(phone: String) {
        #expect(values("Tel. \(phone) bitte", of: .phone) == [phone])
    }

    @Test(arguments: ["(780-463-0414)", "((06522) 65379 033)", "(0316/10692149)"])
    func parenthesesAroundTheWholeNumberAreProse(text: String) {
        #expect(values("see \(text) please", of: .phone) == [String(text.dropFirst().dropLast())])
    }

    @Test(arguments: [
        "+999 1234 5678",          // no country has code 999 (nor 99)
        "+33 1 23 45 67",          // French numbers have 9 digits after the 33
        "+1 555 1234",             // North American numbers have 10
        "30 1234567",              // German numbers are written with their trunk 0
        "1234567890",              // a bare run in no allocated range of the default regions
        "12 345 678,90 zł", "€ 12 345 678", "$ 1 234 5678",          // amounts
        "RE-2021-8962", "6c643bdd-6713-4417-b90f-b5fb7bc54d9c",      // references and IDs
        "ISBN 2327616913", "EAN 4006381333931", "01 02 2024", "20240501", "01052024",
        "2014 2012", "2003 95 84", "51 59 2022",                     // years among numbers
        "666-45-1234", "900 12 3456",                                // the SSN layout, invalid as an SSN
    ])
    func rejectsWhatTheNumberingPlansDoNotHave(text: String) {
        #expect(values("see \(text) please", of: .phone).isEmpty)
    }

    @Test func nationalNumbersAreReadInTheConfiguredRegions() throws {
        let polish = DetectorSet(phonePlan: try PhoneNumberingPlan(regions: ["PL"]))
        let german = DetectorSet(phonePlan: try PhoneNumberingPlan(regions: ["DE"]))
        #expect(found("ring 662 283 239 now", polish).map(\.value) == ["662 283 239"])
        #expect(found("ring 662 283 239 now", german).isEmpty)
        #expect(found("ring 030 1234567 now", german).map(\.value) == ["030 1234567"])
        // An international number needs no region.
        #expect(found("ring +48 662 283 239 now", german).map(\.value) == ["+48 662 283 239"])
    }

    @Test func unknownRegionsAreRefusedByName() {
        #expect(throws: UnknownPhoneRegions.self) { try PhoneNumberingPlan(regions: ["DE", "XX", "de"]) }
        do {
            _ = try PhoneNumberingPlan(regions: ["DE", "XX", "de"])
        } catch {
            #expect("\(error)".contains("'XX', 'de'"))
        }
        #expect(PhoneNumberingPlan.defaultRegionCodes.allSatisfy(PhoneNumberingPlan.isSupportedRegion))
    }
}
