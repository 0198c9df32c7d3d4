import Testing
@testable import GatehouseMasking

@Suite struct UnicodeAndLayoutTests {
    @Test func byteOffsetsAreRightAroundNonASCIIText() {
        let text = "Ünïcödé alice@example.com 漢字 4111 1111 1111 1111 ✓"
        let bytes = Array(text.utf8)
        let detections = DetectorSet().detect(in: bytes)
        #expect(detections.map(\.kind) == [.email, .paymentCard])
        #expect(detections.map { String(decoding: bytes[$0.range], as: UTF8.self) }
            == ["alice@example.com", "4111 1111 1111 1111"])
        #expect(detections[0].range.lowerBound == "Ünïcödé ".utf8.count)
    }

    @Test func identifiersAtTheEdgesOfTheBuffer() {
        #expect(values("alice@example.com", of: .email) == ["alice@example.com"])
        #expect(values("192.168.1.1", of: .ipv4) == ["192.168.1.1"])
        #expect(found("4111111111111111").map(\.value) == ["4111111111111111"])
    }

    @Test func detectionsAreSortedAndDoNotOverlap() {
        let text = String(repeating: "x 123-45-6789, bob@example.org; ip 10.1.2.3 :: 2001:db8::7 DE89370400440532013000\n", count: 50)
        let detections = DetectorSet().detect(in: Array(text.utf8))
        #expect(detections.count == 250)
        for (a, b) in zip(detections, detections.dropFirst()) { #expect(a.range.upperBound <= b.range.lowerBound) }
    }

    @Test func emptyAndTriggerOnlyInputs() {
        #expect(DetectorSet().detect(in: [UInt8]()).isEmpty)
        #expect(isClean("@@@ ::: 000 ... +++ ((("))
        #expect(isClean(String(repeating: "9", count: 1000)))
    }

    @Test func invalidUTF8DoesNotCrashAndStillFindsASCIIIdentifiers() {
        var bytes: [UInt8] = [0xFF, 0xFE, 0x20]
        bytes += Array("alice@example.com".utf8) + [0xC3]
        let detections = DetectorSet(customPatterns: [try! CustomPattern(name: "x", regex: "alice")]).detect(in: bytes)
        #expect(detections.map(\.kind) == [.email])
    }
}
