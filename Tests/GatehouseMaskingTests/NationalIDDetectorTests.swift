import Testing
@testable import GatehouseMasking

/// The national identifiers of the other European countries: each valid example is found
/// whole, as its kind, in a sentence; each near miss (one check character off, an impossible
/// date, a missing separator where one is required) is not.
@Suite struct NationalIDDetectorTests {
    static let valid: [(IdentifierKind, String)] = [
        (.frenchNIR, "185057800608491"), (.frenchNIR, "1 85 05 78 006 084 91"),
        (.italianFiscalCode, "RSSMRA85T10A562S"), (.italianFiscalCode, "rssmra85t10a562s"),
        (.polishPESEL, "44051401359"), (.polishPESEL, "02271409867"),
        (.belgianNationalNumber, "85.07.30-033.28"), (.belgianNationalNumber, "85073003328"),
        (.portugueseNIF, "123456789"), (.portugueseNIF, "501 964 843"),
        (.swedishPersonalNumber, "811218-9876"), (.swedishPersonalNumber, "19811218-9876"), (.swedishPersonalNumber, "198112189876"),
        (.danishCPR, "070761-4286"),  // (…-4285 is also a valid Swedish number, which wins the tie)
        (.finnishHETU, "131052-308T"), (.finnishHETU, "010101A123N"), (.finnishHETU, "031006A0793"),
        (.austrianSocialSecurityNumber, "1237 010180"), (.austrianSocialSecurityNumber, "1237010180"),
        (.ukNationalInsuranceNumber, "AB123456C"), (.ukNationalInsuranceNumber, "AB 12 34 56 C"),
        (.irishPPSN, "1234567T"), (.irishPPSN, "1234567TW"),
    ]

    @Test(arguments: valid)
    func findsTheWholeIdentifier(kind: IdentifierKind, id: String) {
        #expect(found("Kenmerk \(id), zie dossier.").map(\.value) == [id], "\(kind)")
        #expect(values("Kenmerk \(id), zie dossier.", of: kind) == [id])
    }

    static let nearMisses: [(IdentifierKind, String)] = [
        (.frenchNIR, "185057800608492"),         // key off by one
        (.italianFiscalCode, "RSSMRA85T10A562T"), // check letter
        (.italianFiscalCode, "RSSMRA85Z10A562S"), // no month Z
        (.polishPESEL, "44051401358"),           // check digit
        (.polishPESEL, "44153101359"),           // month 15 (the check digit holds)
        (.belgianNationalNumber, "85.07.30-033.29"),
        (.swedishPersonalNumber, "811218-9875"), // Luhn
        (.swedishPersonalNumber, "8112189876"),  // ten digits need the separator
        (.danishCPR, "320761-4286"),             // day 32
        (.danishCPR, "0707614286"),              // the hyphen is required
        (.finnishHETU, "131052-308U"),
        (.austrianSocialSecurityNumber, "1238 010180"),
        (.ukNationalInsuranceNumber, "QQ123456C"), // Q is never a prefix letter
        (.ukNationalInsuranceNumber, "AB123456E"), // suffix A–D only
        (.irishPPSN, "1234567A"),
    ]

    @Test(arguments: nearMisses)
    func rejectsNearMisses(kind: IdentifierKind, id: String) {
        #expect(values("Kenmerk \(id), zie dossier.", of: kind).isEmpty)
    }

    @Test func aFiscalCodeInsideALongerTokenIsNotOne() {
        #expect(values("XRSSMRA85T10A562S", of: .italianFiscalCode).isEmpty)
        #expect(values("RSSMRA85T10A562SX", of: .italianFiscalCode).isEmpty)
    }

    @Test func corsicanDepartmentsCountAsNineteenAndEighteen() {
        // 2A: the 13 characters read as 1 85 05 19 006 084 for the key.
        let number = 1_850_519_006_084
        let key = 97 - number % 97
        let nir = "18505" + "2A" + "006084" + (key < 10 ? "0\(key)" : "\(key)")
        #expect(values("NIR \(nir)", of: .frenchNIR) == [nir])
    }
}
