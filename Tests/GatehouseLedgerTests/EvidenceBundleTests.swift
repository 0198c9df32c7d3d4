import Foundation
import GatehouseCore
import Testing

@testable import GatehouseLedger

/// A log of 12 real v1 entries (two sessions) and bundles of some of them, as an exporter makes.
struct EvidenceBundleFixture {
    let signer = try! Ed25519NoteSigner.generate(keyName: "gatehouse.example/ledger")
    let keyA = DataKey.generate(id: "s-a")
    let keyB = DataKey.generate(id: "s-b")
    let entries: [[UInt8]]
    let tree: MerkleTree

    init() {
        let events = LedgerEntryEventsForTests.self
        let kinds = [events.acceptedAuthentication, events.extendedStatement, events.completedOutcome, events.sessionEnd]
        var entries: [[UInt8]] = []
        for index in 0..<12 {
            var event = kinds[index % kinds.count]
            event.sessionID = index < 8 ? "s-a" : "s-b"
            entries.append(try! LedgerEntryCodec.encode(event, sealingWith: index < 8 ? keyA : keyB))
        }
        self.entries = entries
        tree = MerkleTree(entries: entries)
    }

    var checkpointNote: String {
        try! Checkpoint(origin: signer.keyName, treeSize: tree.leafCount, rootHash: tree.rootHash).signed(by: signer).serialized
    }

    func bundleEntry(_ index: UInt64) -> EvidenceBundle.Entry {
        EvidenceBundle.Entry(index: index, bytes: entries[Int(index)], proof: try! tree.inclusionProof(leafIndex: index, treeSize: tree.leafCount))
    }

    func bundle(_ indexes: [UInt64] = [1, 4, 9], keys: [DataKey]? = nil) throws -> EvidenceBundle {
        try EvidenceBundle.make(checkpointNote: checkpointNote, scope: "indexes", entries: indexes.map(bundleEntry),
                                manifestSigner: signer, dataKeys: keys)
    }

    var verifier: EvidenceBundleVerifier { EvidenceBundleVerifier(verifier: signer.verifier) }
}

@Suite struct EvidenceBundleTests {
    let fixture = EvidenceBundleFixture()

    @Test func aBundleRoundTripsAndVerifies() throws {
        let bundle = try fixture.bundle(keys: [fixture.keyA, fixture.keyB])
        let bytes = try bundle.encoded()
        #expect(try EvidenceBundle(parsing: bytes) == bundle)
        #expect(try EvidenceBundle(parsing: bytes).encoded() == bytes)
        let summary = try fixture.verifier.verify(bundleBytes: bytes)
        #expect(summary.entryCount == 3 && summary.treeSize == 12 && summary.origin == "gatehouse.example/ledger")
        #expect(summary.sessionIDs == ["s-a", "s-b"])
        #expect(summary.keysIncluded && summary.absentKeyIDs.isEmpty)
        #expect(summary.sealedEntryCount == 3 && summary.openedEntryCount == 3)
        #expect(summary.scope == "indexes")
    }

    @Test func withoutKeysTheSealedFieldsStaySealed() throws {
        let bytes = try fixture.bundle().encoded()
        #expect(!String(decoding: bytes, as: UTF8.self).contains("\"keys\""))
        let summary = try fixture.verifier.verify(bundleBytes: bytes)
        #expect(!summary.keysIncluded && summary.openedEntryCount == 0 && summary.sealedEntryCount == 3)
    }

    @Test func erasedKeysAreReportedAbsent() throws {
        let summary = try fixture.verifier.verify(fixture.bundle(keys: [fixture.keyA]))
        #expect(summary.openedEntryCount == 2 && summary.absentKeyIDs == ["s-b"])
        #expect(summary.description.contains("no key for s-b"))
    }

    @Test func theFileIsCanonicalJSONWithTheDocumentedMembers() throws {
        let bytes = try fixture.bundle([0], keys: []).encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("{\"checkpoint\":\""))
        #expect(text.contains(",\"entries\":[{\"entry\":\""))
        #expect(text.contains(",\"format\":\"gatehouse-evidence-bundle/v1\",\"keys\":{},\"manifest\":\""))
        #expect(text.hasSuffix(",\"origin\":\"gatehouse.example/ledger\"}"))
    }

    @Test func nonCanonicalOrUnknownMembersAreRefused() throws {
        let bytes = try fixture.bundle().encoded()
        #expect(throws: EvidenceBundleError.self) { try EvidenceBundle(parsing: bytes + [0x0A]) }
        let text = String(decoding: bytes, as: UTF8.self)
        let extra = Array(text.replacingOccurrences(of: ",\"format\":", with: ",\"extra\":1,\"format\":").utf8)
        #expect(throws: EvidenceBundleError.unexpectedMember("extra")) { try EvidenceBundle(parsing: extra) }
        let otherFormat = Array(text.replacingOccurrences(of: "bundle/v1", with: "bundle/v2").utf8)
        #expect(throws: EvidenceBundleError.unsupportedFormat("gatehouse-evidence-bundle/v2")) { try EvidenceBundle(parsing: otherFormat) }
        #expect(throws: EvidenceBundleVerificationFailure.self) { try fixture.verifier.verify(bundleBytes: extra) }
    }

    @Test func theManifestRoundTrips() throws {
        let manifest = try EvidenceBundleManifest(origin: "o", treeSize: 12, rootHash: .emptyTree, scope: "session s-a", indexes: [0, 3, 11])
        #expect(try EvidenceBundleManifest(text: manifest.text) == manifest)
        #expect(throws: EvidenceBundleError.self) {
            try EvidenceBundleManifest(origin: "o", treeSize: 12, rootHash: .emptyTree, scope: "x", indexes: [3, 3])
        }
        #expect(throws: EvidenceBundleError.self) {
            try EvidenceBundleManifest(origin: "o", treeSize: 12, rootHash: .emptyTree, scope: "x", indexes: [12])
        }
        // A checkpoint note is not a manifest, and a manifest is not a checkpoint.
        #expect(throws: (any Error).self) { try EvidenceBundleManifest(text: Checkpoint(origin: "o", treeSize: 1, rootHash: .emptyTree).text) }
        #expect(throws: (any Error).self) { try Checkpoint(text: manifest.text) }
    }
}
