import Testing
@testable import GatehouseMasking

@Suite struct CustomDetectorTests {
    @Test func customPatternsFindTheirMatches() throws {
        let detectors = DetectorSet(customPatterns: [try CustomPattern(name: "customer-id", regex: #"CUST-\d{6}"#)])
        let result = found("ticket for CUST-004211 and CUST-12", detectors)
        #expect(result.map(\.value) == ["CUST-004211"])
        #expect(result.first?.kind == .custom)
        #expect(detectors.detect(in: Array("CUST-004211".utf8)).first?.name == "customer-id")
    }

    @Test func anInvalidRegexIsRejectedAtConfigurationTime() {
        #expect(throws: (any Error).self) { try CustomPattern(name: "broken", regex: "(unclosed") }
    }

    @Test func dictionariesMatchWholeWordsCaseInsensitively() {
        let detectors = DetectorSet(dictionaries: [TermDictionary(name: "names", terms: ["Anna Berg", "Jonas"])])
        #expect(found("anna berg met JONAS, not Jonasson", detectors).map(\.value) == ["anna berg", "JONAS"])
    }

    @Test func caseSensitiveDictionariesRespectCase() {
        let detectors = DetectorSet(dictionaries: [TermDictionary(name: "ids", terms: ["AB12"], caseInsensitive: false)])
        #expect(found("ab12 AB12", detectors).map(\.value) == ["AB12"])
    }

    @Test func onOverlapTheLongerDetectionWins() throws {
        let detectors = DetectorSet(
            customPatterns: [try CustomPattern(name: "domain", regex: #"example\.com"#)],
            dictionaries: [TermDictionary(name: "names", terms: ["alice"])])
        let result = found("mail alice@example.com or alice", detectors)
        #expect(result.map(\.value) == ["alice@example.com", "alice"])
        #expect(result.map(\.kind) == [.email, .custom])
    }

    @Test func disabledKindsAreNotDetected() {
        let detectors = DetectorSet(kinds: [.email])
        #expect(found("alice@example.com 4111111111111111 192.168.1.1", detectors).map(\.kind) == [.email])
    }
}
