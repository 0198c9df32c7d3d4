import Testing
@testable import GatehouseMasking

/// An identifier right after another number, or after a word, is still found: putting `0 ` or
/// `qty 3 ` in front of a card, or `order` in front of an international phone number, must not
/// hide it (an agent can do that to whatever it selects or prints). Numbers glued to a longer
/// token (`x4111…`, the digits after a decimal point) are still read as part of it.
@Suite struct NumberAdjacencyTests {
    @Test(arguments: [
        ("0 4111111111111111", "4111111111111111"), ("qty 3 4111 1111 1111 1111", "4111 1111 1111 1111"),
        ("0-4111111111111111", "4111111111111111"), ("status=200 5555555555554444", "5555555555554444"),
    ])
    func aCardAfterANumberIsFound(text: String, card: String) {
        #expect(values(text, of: .paymentCard) == [card])
    }

    @Test func otherValidatedIdentifiersAfterANumberAreFound() {
        #expect(values("1 123-45-6789", of: .usSSN) == ["123-45-6789"])
        #expect(values("1 12345678Z", of: .spanishDNI) == ["12345678Z"])
        #expect(values("1 192.168.10.20", of: .ipv4) == ["192.168.10.20"])
        #expect(values("7 12345678995", of: .germanTaxID) == ["12345678995"])
    }

    @Test func aPhoneNumberWithItsOwnPlusOrParenthesisIsFoundAfterANumberOrALabel() {
        #expect(values("1 +49 30 1234567", of: .phone) == ["+49 30 1234567"])
        #expect(values("order +49 30 1234567", of: .phone) == ["+49 30 1234567"])
        #expect(values("order (555) 123-4567", of: .phone) == ["(555) 123-4567"])
    }

    @Test func aPhoneNumberFollowedByAnotherNumberEndsBeforeIt() {
        #expect(found("+49 30 1234567 4111 1111 1111 1111").map(\.value) == ["+49 30 1234567", "4111 1111 1111 1111"])
        #expect(found("+49 30 1234 5678 4111 1111 1111 1111").map(\.value) == ["+49 30 1234 5678", "4111 1111 1111 1111"])
        #expect(found("+49 30 1234567 123-45-6789").map(\.value) == ["+49 30 1234567", "123-45-6789"])
        #expect(values("(555) 123-4567 2026-12-07T10:00:00Z", of: .phone) == ["(555) 123-4567"])
        #expect(values("+49 30 1234 5678", of: .phone) == ["+49 30 1234 5678"])   // a whole number keeps all its groups
        // A last group that runs on into an IPv6 address or a time belongs to it.
        #expect(found("+49 30 1234567 2001:db8::42").map(\.value) == ["+49 30 1234567", "2001:db8::42"])
        #expect(found("call +49 30 1234567 10:30 today").map(\.value) == ["+49 30 1234567"])
        #expect(found("+49 30 1234567: ok").map(\.value) == ["+49 30 1234567"])
        #expect(found("Tel 030 1234567 10:30").map(\.value) == ["030 1234567"])
        #expect(found("06 12 34 56 78 10:30").map(\.value) == ["06 12 34 56 78"])
        #expect(found("Tel 030 1234567 2001:db8::1").map(\.value) == ["030 1234567", "2001:db8::1"])
    }

    @Test func aPhoneNumberAfterACardIsFound() {
        #expect(found("4111 1111 1111 1111 +49 30 1234567").map(\.value) == ["4111 1111 1111 1111", "+49 30 1234567"])
    }

    @Test func numbersGluedToALongerTokenOrLabelledStayAsTheyWere() {
        #expect(isClean("3.4111111111111111"))                 // a decimal fraction
        #expect(isClean("x4111111111111111"))                  // part of a longer token
        #expect(values("order 030 1234567", of: .phone) == [])  // a national-format number the word says is an order
        #expect(values("tel 030 1234567", of: .phone) == ["030 1234567"])
    }
}
