import Crypto
import GatehouseCore
import GatehouseMasking
import Testing
@testable import GatehouseBlob

@Suite struct BlobMaskingTests {
    let engine = MaskingEngine(detectors: DetectorSet(), pseudonymKey: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)),
                               subjectKey: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
    var masker: BlobContentMasker { BlobContentMasker(engine: engine) }

    func text(_ outcome: BlobContentMasker.Outcome) -> String? {
        if case .masked(let bytes, _, _) = outcome { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }

    @Test func jsonFieldsAreMaskedByCategoryAndOtherStringsByTheDetectors() {
        let rule = BlobDataRule(container: "exports", blobs: "customers/**", category: "contact", format: .json,
                                jsonFields: ["$.name": "name"])
        let json = #"{"name": "Alice Example", "note": "mail alice@example.com", "plan": "gold"}"#
        let masked = text(masker.mask(Array(json.utf8), blob: "customers/1.json", rule: rule, contentType: nil))
        #expect(masked == #"{"name": "[NAME]", "note": "mail [EMAIL]", "plan": "gold"}"#)
    }

    @Test func ndjsonIsMaskedLineByLineKeepingLineEndings() {
        let rule = BlobDataRule(container: "exports", category: "contact", format: .ndjson, jsonFields: ["$.email": "contact"])
        let lines = "{\"email\": \"a@example.com\", \"n\": 1}\r\n\n{\"email\": \"b@example.org\", \"n\": 2}\n"
        let masked = text(masker.mask(Array(lines.utf8), blob: "x.ndjson", rule: rule, contentType: nil))
        #expect(masked == "{\"email\": \"[EMAIL]\", \"n\": 1}\r\n\n{\"email\": \"[EMAIL]\", \"n\": 2}\n")
    }

    @Test func csvColumnsAreMaskedByHeader() {
        let rule = BlobDataRule(container: "exports", category: "contact", columns: ["full_name": "name"])
        let csv = "id,full_name,comment\n1,Alice Example,call +49 30 1234567\n"
        let masked = text(masker.mask(Array(csv.utf8), blob: "people.csv", rule: rule, contentType: nil))
        #expect(masked == "id,full_name,comment\n1,[NAME],call [PHONE]\n")
    }

    @Test func aClassifiedBinaryOrMalformedBlobIsWithheld() {
        let rule = BlobDataRule(container: "hr", category: "hr-record")
        guard case .withheld(let reason) = masker.mask([0x25, 0x50, 0x44, 0x46], blob: "contracts/a.pdf", rule: rule, contentType: "application/pdf") else {
            Issue.record("a PDF on a classified path was handed out")
            return
        }
        #expect(reason.contains("cannot mask"))
        let broken = masker.mask(Array(#"{"email": "a@example.com""#.utf8), blob: "a.json", rule: rule, contentType: nil)
        guard case .withheld(let why) = broken else { Issue.record("malformed JSON was handed out"); return }
        #expect(why.contains("not valid json"))
    }

    /// A large export names more people than a record keeps: the first 1,000 are kept, every one
    /// is counted once (in every format, and across the lines of NDJSON).
    @Test func aBlobNamingManyPeopleKeepsTheFirstThousandAndCountsEveryone() {
        let people = 1_500
        let emails = (0..<people).map { "person.\($0)@example.com" }
        let rule = BlobDataRule(container: "exports", category: "contact")
        let documents: [(String, String)] = [
            ("all.json", "[" + (emails + emails).map { "{\"email\": \"\($0)\"}" }.joined(separator: ",") + "]"),
            ("all.ndjson", (emails + emails).map { "{\"email\": \"\($0)\"}" }.joined(separator: "\n")),
            ("all.csv", "email\n" + (emails + emails).joined(separator: "\n")),
            ("all.txt", (emails + emails).joined(separator: " ")),
        ]
        for (name, document) in documents {
            let outcome = masker.mask(Array(document.utf8), blob: name, rule: name.hasSuffix(".txt") ? nil : rule, contentType: nil)
            guard case .masked(let bytes, let hits, let distinct) = outcome else { Issue.record("\(name) was withheld"); continue }
            #expect(distinct == people, "\(name)")
            #expect(hits.count == SubjectReference.limitPerEvent, "\(name)")
            #expect(hits == engine.mask(emails.prefix(SubjectReference.limitPerEvent).joined(separator: " ")).hits, "\(name)")
            #expect(!String(decoding: bytes, as: UTF8.self).contains("@example.com"), "\(name)")
        }
    }

    /// A large NDJSON file is cut at line ends and masked on several cores: the bytes, hits,
    /// count and errors are those of one pass (CRLF and blank lines included).
    @Test(arguments: [2, 3, 7])
    func aLargeNDJSONFileMaskedOnSeveralCoresGivesWhatOnePassGives(parallelism: Int) throws {
        var lines: [String] = []
        for n in 0..<40_000 {
            switch n % 4 {
            case 0: lines.append(#"{"name": "Customer \#(n % 5_000)", "email": "c\#(n % 7_000)@example.com"}"# + "\r")
            case 1: lines.append("")
            case 2: lines.append(#"{"note": "call +49 30 \#(1_000_000 + n)", "n": \#(n)}"#)
            default: lines.append(#"  {"plan": "gold"}  "#)
            }
        }
        let content = Array(lines.joined(separator: "\n").utf8)
        #expect(content.count >= JSONMasker.parallelMinimumBytes)
        func masker(_ parallelism: Int) throws -> JSONMasker {
            var masker = try JSONMasker(engine: engine, fieldCategories: ["$.name": "name"])
            masker.parallelism = parallelism
            masker.subjectLimit = 100
            return masker
        }
        let serial = try self.masker.maskLines(content, with: masker(1))
        let parallel = try #require(content.withUnsafeBytes { BlobContentMasker.maskLinesSideBySide($0, with: try masker(parallelism)) })
        #expect(parallel.output == serial.output && serial.output != nil)
        #expect(parallel.hits == serial.hits && parallel.distinctSubjects == serial.distinctSubjects)
        #expect(serial.distinctSubjects > 10_000)
        let runs = try #require(content.withUnsafeBytes { ParallelRuns.lines(in: $0, parts: parallelism) })
        #expect(runs.map { String(decoding: content[$0], as: UTF8.self) }.joined(separator: "\n") == String(decoding: content, as: UTF8.self))
        // A broken line far into the file fails the same way.
        let broken = content + Array("\n{\"email\": ".utf8)
        var serialError: MalformedInputError?
        do { _ = try self.masker.maskLines(broken, with: masker(1)) } catch let error as MalformedInputError { serialError = error }
        #expect(throws: try #require(serialError)) { try self.masker.maskLines(broken, with: masker(parallelism)) }
    }

    @Test func unclassifiedTextGetsTheDetectorsAndBinaryPassesUntouched() {
        #expect(text(masker.mask(Array("ping bob@example.com".utf8), blob: "notes/today.txt", rule: nil, contentType: nil)) == "ping [EMAIL]")
        #expect(text(masker.mask(Array("ping bob@example.com".utf8), blob: "notes/today", rule: nil, contentType: "text/plain")) == "ping [EMAIL]")
        let binary: [UInt8] = Array("bob@example.com".utf8)
        #expect(masker.mask(binary, blob: "backup.bin", rule: nil, contentType: "application/octet-stream") == .masked(binary, hits: [], distinct: 0))
        #expect(!BlobContentMasker.needsMasking(rule: nil, blob: "backup.bin", contentType: "application/octet-stream"))
        #expect(BlobContentMasker.needsMasking(rule: nil, blob: "x.csv", contentType: nil))
    }

    @Test func rulesCoverContainersAndBlobPatterns() {
        let classification = BlobClassification(rules: [
            BlobDataRule(container: "exports", blobs: "customers/**", category: "contact"),
            BlobDataRule(container: "hr-*", category: "hr-record"),
        ])
        #expect(classification.rule(container: "exports", blob: "customers/2026/a.json")?.category == "contact")
        #expect(classification.rule(container: "exports", blob: "products/a.json") == nil)
        #expect(classification.rule(container: "hr-eu", blob: "any/thing.pdf")?.category == "hr-record")
        #expect(classification.rule(container: "public", blob: "a.json") == nil)
    }

    @Test func listingsHaveNamesAndMetadataMaskedAndNameTheGateway() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://acme.blob.core.windows.net/" \
            ContainerName="exports"><Prefix>customers/</Prefix><Blobs><Blob><Name>customers/alice@example.com.json</Name>\
            <Properties><Content-Length>12</Content-Length></Properties><Metadata><owner>bob@example.org</owner>\
            <team>sales &amp; ops</team></Metadata></Blob><BlobPrefix><Name>customers/carol@example.net/</Name></BlobPrefix>\
            </Blobs><NextMarker /></EnumerationResults>
            """
        let listing = BlobListingMasker(engine: engine, serviceEndpoint: "https://gateway:8443/blob/exports/")
        let (masked, hits) = try listing.mask(xml)
        #expect(!masked.contains("acme"))
        #expect(masked.contains(#"ServiceEndpoint="https://gateway:8443/blob/exports/""#))
        // `.json` reads as the address's top-level domain: the whole name goes.
        #expect(masked.contains("<Name>customers/[EMAIL]</Name>"))
        #expect(masked.contains("<owner>[EMAIL]</owner>"))
        #expect(masked.contains("<team>sales &amp; ops</team>"))
        #expect(masked.contains("<Name>customers/[EMAIL]/</Name>"))
        #expect(!masked.contains("@example"))
        #expect(hits.count == 3)
        #expect(throws: BlobListingMasker.Malformed.self) { try listing.mask("<Blobs><Name>a@example.com") }
    }
}
