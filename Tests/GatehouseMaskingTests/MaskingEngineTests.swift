import Crypto
import Testing
@testable import GatehouseMasking

@Suite struct MaskingEngineTests {
    let pseudonymKey = SymmetricKey(data: Array(repeating: UInt8(1), count: 32))
    let subjectKey = SymmetricKey(data: Array(repeating: UInt8(2), count: 32))

    func engine(_ strategy: MaskingStrategy, _ detectors: DetectorSet = DetectorSet(), key: SymmetricKey? = nil) -> MaskingEngine {
        MaskingEngine(detectors: detectors, defaultStrategy: strategy,
                      pseudonymKey: key ?? pseudonymKey, subjectKey: subjectKey)
    }

    @Test func redactsWithTypeLabels() {
        let text = "alice@example.com paid 4111 1111 1111 1111 from DE89 3704 0044 0532 0130 00, SSN 123-45-6789, "
            + "tel +49 30 1234567, ip 10.0.0.1 / ::1, IdNr 12345678995, BSN 123456782, DNI 12345678Z"
        #expect(engine(.redact).mask(text).text
            == "[EMAIL] paid [CARD] from [IBAN], SSN [SSN], tel [PHONE], ip [IP] / [IP], IdNr [TAX-ID], BSN [BSN], DNI [DNI]")
    }

    @Test func nothingFoundMeansNoOutputAndNoCopy() {
        let result = Array("plain text, 42 apples".utf8).withUnsafeBytes { engine(.redact).mask($0) }
        #expect(result.output == nil)
        #expect(result.hits.isEmpty)
    }

    @Test func partialKeepsJustEnoughContext() {
        let e = engine(.partial)
        #expect(e.mask("mail john@example.com").text == "mail j***@example.com")
        #expect(e.mask("4111-1111-1111-1111").text == "****-****-****-1111")
        #expect(e.mask("DE89 3704 0044 0532 0130 00").text == "DE** **** **** **** **30 00")
        #expect(e.mask("123-45-6789").text == "***-**-6789")
        #expect(e.mask("+1 (555) 123-4567").text == "+* (***) ***-**67")
        #expect(e.mask("10.1.2.3").text == "10.*.*.*")
        #expect(e.mask("2001:db8::1").text == "2001:*")
        #expect(e.mask("12345678Z").text == "*******8Z")
    }

    @Test func pseudonymsAreDeterministicKeyedAndShaped() {
        let e = engine(.pseudonym)
        let first = e.mask("alice@example.com").text
        #expect(first == e.mask("Alice@Example.com").text)      // normalised before hashing
        #expect(first.hasPrefix("user_") && first.hasSuffix("@masked.invalid"))
        #expect(first.count == "user_".count + 12 + "@masked.invalid".count)
        let other = engine(.pseudonym, key: SymmetricKey(data: Array(repeating: UInt8(9), count: 32)))
        #expect(other.mask("alice@example.com").text != first)
    }

    @Test func pseudonymCardsAreLuhnValidNonIssuerNumbersInTheSameShape() {
        let masked = engine(.pseudonym).mask("4111 1111 1111 1111").text
        #expect(masked.count == 19)
        #expect(masked.hasPrefix("99"))
        #expect(Array(masked.utf8).enumerated().filter { $0.element == 0x20 }.map(\.offset) == [4, 9, 14])
        #expect(Array(masked.utf8).withUnsafeBytes { CheckDigits.luhnValid($0, 0..<19) })
        #expect(engine(.pseudonym).mask("4111-1111-1111-1111").text.replacingOccurrences("-", " ") == masked)
        #expect(DetectorSet().detect(in: Array(masked.utf8)).isEmpty)   // not re-detected
    }

    @Test func otherPseudonymShapes() {
        let e = engine(.pseudonym)
        let iban = e.mask("DE89 3704 0044 0532 0130 00").text
        #expect(iban.hasPrefix("DE00 ") && iban.count == "DE89 3704 0044 0532 0130 00".count)
        #expect(e.mask("123-45-6789").text.hasPrefix("9"))
        #expect(e.mask("10.1.2.3").text.hasPrefix("240."))
        #expect(e.mask("::1").text.hasPrefix("2001:db8:"))
        let phone = e.mask("+1 (555) 123-4567").text
        #expect(phone.count == "+1 (555) 123-4567".count && phone.hasPrefix("+") && phone.contains("("))
        let masked = e.mask("SSN 123-45-6789, ip 10.1.2.3").text
        #expect(DetectorSet(kinds: [.usSSN, .iban]).detect(in: Array(masked.utf8)).isEmpty)
    }

    @Test func perKindStrategiesOverrideTheDefault() {
        let e = MaskingEngine(detectors: DetectorSet(), strategies: [.email: .partial], defaultStrategy: .redact,
                              pseudonymKey: pseudonymKey, subjectKey: subjectKey)
        #expect(e.mask("john@example.com 123-45-6789").text == "j***@example.com [SSN]")
    }

    @Test func customDetectionsUseTheirNameAsLabel() throws {
        let detectors = DetectorSet(customPatterns: [try CustomPattern(name: "customer-id", regex: #"CUST-\d{6}"#)])
        #expect(engine(.redact, detectors).mask("CUST-004211").text == "[CUSTOMER-ID]")
        #expect(engine(.pseudonym, detectors).mask("CUST-004211").text.hasPrefix("customer_id_"))
    }

    @Test func subjectHitsAreKeyedDigestsOfTheNormalisedValue() {
        let (_, hits) = engine(.redact).mask("Alice@Example.com, alice@example.com and 4111-1111-1111-1111")
        #expect(hits.count == 2)   // the same subject once
        #expect(hits[0] == SubjectHit(kind: .email, digest: subjectDigest(of: "alice@example.com", kind: .email, key: subjectKey)))
        #expect(hits[1].digest == subjectDigest(of: "4111111111111111", kind: .paymentCard, key: subjectKey))
        #expect(hits[0].digest.count == 64)
        #expect(subjectDigest(of: "alice@example.com", kind: .email, key: pseudonymKey) != hits[0].digest)
    }

    @Test func subjectDigestNormalisation() {
        let key = subjectKey
        #expect(subjectDigest(of: " Alice@Example.COM ", kind: .email, key: key)
            == subjectDigest(of: "alice@example.com", kind: .email, key: key))
        #expect(subjectDigest(of: "de89 3704 0044 0532 0130 00", kind: .iban, key: key)
            == subjectDigest(of: "DE89370400440532013000", kind: .iban, key: key))
        #expect(subjectDigest(of: "+1 (555) 123-4567", kind: .phone, key: key)
            == subjectDigest(of: "15551234567", kind: .phone, key: key))
    }

    @Test func maskedUnicodeTextStaysValidUTF8() {
        let text = "Ünïcödé alice@example.com 漢字"
        let e = engine(.partial, DetectorSet(dictionaries: [TermDictionary(name: "names", terms: ["Ünïcödé"])]))
        let result = Array(text.utf8).withUnsafeBytes { e.mask($0) }
        let output = try! #require(result.output)
        let decoded = String(decoding: output, as: UTF8.self)
        #expect(Array(decoded.utf8) == output)   // decoding did not have to repair anything
        #expect(decoded == "Ü*** a***@example.com 漢字")
    }

    @Test func classifiedValuesAreMaskedWhateverTheirContent() {
        let e = MaskingEngine(detectors: DetectorSet(), strategies: [.email: .partial],
                              categoryStrategies: ["name": .partial], pseudonymKey: pseudonymKey, subjectKey: subjectKey)
        func classified(_ value: String, _ category: String) -> String? {
            Array(value.utf8).withUnsafeBytes { e.maskClassifiedValue($0, category: category) }
                .output.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(classified("Jane Doe", "name") == "J***")
        #expect(classified("likes cats", "free-text") == "[FREE-TEXT]")
        #expect(classified("john@example.com", "contact") == "j***@example.com")   // an identifier keeps its kind's strategy
        #expect(classified(" 123-45-6789 ", "national-id") == " [SSN] ")
        #expect(classified("", "name") == nil)
        let hits = Array("Jane Doe".utf8).withUnsafeBytes { e.maskClassifiedValue($0, category: "name") }.hits
        #expect(hits == [SubjectHit(kind: .custom, digest: subjectDigest(of: "jane doe", kind: .custom, key: subjectKey))])
    }

    @Test func labels() {
        #expect(IdentifierKind.allCases.map(\.label)
            == ["EMAIL", "CARD", "IBAN", "SSN", "PHONE", "IP", "IP", "TAX-ID", "BSN", "DNI", "NIR", "CF", "PESEL", "NN", "NIF",
                "PNR", "CPR", "HETU", "SVNR", "NINO", "PPSN", "REDACTED", "KEY"])
    }
}

extension String {
    func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}

@Suite struct KeyedHashTests {
    @Test(arguments: [0, 16, 32, 64, 65, 100])
    func matchesHMACSHA256(keyLength: Int) {
        let key = SymmetricKey(data: (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
        for message in [[UInt8](), Array("alice@example.com".utf8), [UInt8](repeating: 0xAB, count: 200)] {
            #expect(KeyedHash(key: key).mac(message) == Array(HMAC<SHA256>.authenticationCode(for: message, using: key)))
        }
    }
}

@Suite struct IPv6CanonicalTests {
    @Test func everySpellingOfOneAddressIsOneSubject() {
        let key = SymmetricKey(size: .bits256)
        let digests = Set(["2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:0db8:0000::0001"].map {
            subjectDigest(of: $0, kind: .ipv6, key: key)
        })
        #expect(digests.count == 1)
        #expect(normalisedIdentifier("::ffff:192.0.2.1", kind: .ipv6) == "0:0:0:0:0:ffff:c000:201")
        #expect(normalisedIdentifier("::", kind: .ipv6) == "0:0:0:0:0:0:0:0")
    }
}
