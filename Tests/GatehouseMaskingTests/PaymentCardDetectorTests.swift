import Testing
@testable import GatehouseMasking

@Suite struct PaymentCardDetectorTests {
    @Test(arguments: [
        "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444",
        "2223003122003222", "378282246310005", "3782 822463 10005", "6011111111111117",
        "3530111333300000", "30569309025904", "4222222222222", "6759649826438453",
    ])
    func detectsValidCards(card: String) {
        #expect(values("paid with \(card) yesterday", of: .paymentCard) == [card])
    }

    @Test func detectsACardInACSVRow() {
        #expect(values("alice,4111111111111111,42", of: .paymentCard) == ["4111111111111111"])
    }

    @Test func rejectsAnOrderNumberFailingLuhn() {
        #expect(isClean("order 4111111111111112 shipped"))
    }

    @Test func rejectsALuhnValidNumberWithAnUnknownPrefix() {
        #expect(isClean("ref 1234567812345670 ok"))
    }

    @Test func rejectsPartOfALongerDigitRun() {
        #expect(values("id 94111111111111111 x", of: .paymentCard).isEmpty)
        #expect(values("id 41111111111111110000 x", of: .paymentCard).isEmpty)
    }

    @Test func rejectsMixedSeparators() {
        #expect(values("4111 1111-1111 1111", of: .paymentCard).isEmpty)
    }

    @Test func aTrailingSpaceSeparatedNumberDoesNotHideTheCard() {
        #expect(values("4111 1111 1111 1111 2024", of: .paymentCard) == ["4111 1111 1111 1111"])
    }

    @Test(arguments: [
        "501800000009",        // Maestro, 12 digits
        "180000000000002",     // JCB, 15 digits (1800)
        "213100000000001",     // JCB, 15 digits (2131)
        "2200000000000004",    // Mir
        "8100000000000002",    // RuPay
    ])
    func detectsTheShorterAndNewerSchemes(card: String) {
        #expect(values("card \(card) ok", of: .paymentCard) == [card])
    }

    @Test func aTwelveDigitNumberOutsideMaestroRangesIsNoCard() {
        #expect(values("order 401800000002 ok", of: .paymentCard).isEmpty)   // Luhn-valid, but Visa has no 12-digit cards
    }
}
