import Foundation
import Testing

@testable import GatehouseLedger

/// Every way of altering a bundle fails, naming the entry at fault (or the checkpoint).
@Suite struct EvidenceBundleTamperingTests {
    let fixture = EvidenceBundleFixture()

    func verify(_ bundle: EvidenceBundle) -> EvidenceBundleVerificationFailure? {
        do {
            _ = try fixture.verifier.verify(bundleBytes: try bundle.encoded())
            return nil
        } catch let failure as EvidenceBundleVerificationFailure {
            return failure
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    func replacing(_ bundle: EvidenceBundle, checkpoint: String? = nil, manifest: String? = nil,
                   entries: [EvidenceBundle.Entry]? = nil, keys: [String: [UInt8]]?? = nil) -> EvidenceBundle {
        EvidenceBundle(origin: bundle.origin, checkpoint: checkpoint ?? bundle.checkpoint, manifest: manifest ?? bundle.manifest,
                       entries: entries ?? bundle.entries, dataKeys: keys ?? bundle.dataKeys)
    }

    func replacingEntry(_ bundle: EvidenceBundle, at position: Int, with entry: EvidenceBundle.Entry) -> EvidenceBundle {
        var entries = bundle.entries
        entries[position] = entry
        return replacing(bundle, entries: entries)
    }

    @Test func anAlteredEntryByteFailsAtItsIndex() throws {
        let bundle = try fixture.bundle()
        var bytes = bundle.entries[1].bytes
        let offset = bytes.firstIndex(of: UInt8(ascii: "s"))!
        bytes[offset] = UInt8(ascii: "S")
        let failure = verify(replacingEntry(bundle, at: 1, with: .init(index: 4, bytes: bytes, proof: bundle.entries[1].proof)))
        #expect(failure == .entry(index: 4, .inclusion(.rootMismatch, treeSize: 12)))
        #expect(failure?.description.hasPrefix("index 4: ") == true)
    }

    @Test func anAlteredProofHashFailsAtItsIndex() throws {
        let bundle = try fixture.bundle()
        var proof = bundle.entries[2].proof
        proof[1] = .leafHash([1, 2, 3])
        #expect(verify(replacingEntry(bundle, at: 2, with: .init(index: 9, bytes: bundle.entries[2].bytes, proof: proof)))
                == .entry(index: 9, .inclusion(.rootMismatch, treeSize: 12)))
        let short = Array(bundle.entries[2].proof.dropLast())
        #expect(verify(replacingEntry(bundle, at: 2, with: .init(index: 9, bytes: bundle.entries[2].bytes, proof: short)))
                == .entry(index: 9, .inclusion(.wrongProofLength, treeSize: 12)))
    }

    @Test func aChangedIndexFailsAtTheListedIndex() throws {
        let bundle = try fixture.bundle()
        let moved = EvidenceBundle.Entry(index: 5, bytes: bundle.entries[1].bytes, proof: bundle.entries[1].proof)
        #expect(verify(replacingEntry(bundle, at: 1, with: moved)) == .entry(index: 4, .manifestMismatch(listed: 4, found: 5)))
    }

    @Test func aValidEntryOfTheLogSwappedInFailsAtTheListedIndex() throws {
        let bundle = try fixture.bundle()
        #expect(verify(replacingEntry(bundle, at: 1, with: fixture.bundleEntry(5))) == .entry(index: 4, .manifestMismatch(listed: 4, found: 5)))
    }

    @Test func aRemovedEntryFailsNamingIt() throws {
        let bundle = try fixture.bundle()
        var entries = bundle.entries
        entries.remove(at: 1)
        #expect(verify(replacing(bundle, entries: entries)) == .entry(index: 4, .manifestMismatch(listed: 4, found: 9)))
        #expect(verify(replacing(bundle, entries: Array(bundle.entries.dropLast()))) == .entry(index: 9, .manifestMismatch(listed: 9, found: nil)))
    }

    @Test func anAddedEntryFailsNamingIt() throws {
        let bundle = try fixture.bundle()
        #expect(verify(replacing(bundle, entries: bundle.entries + [fixture.bundleEntry(11)]))
                == .entry(index: 11, .manifestMismatch(listed: nil, found: 11)))
    }

    @Test func reorderedEntriesFailAtTheFirstOutOfPlace() throws {
        let bundle = try fixture.bundle()
        let entries = [bundle.entries[0], bundle.entries[2], bundle.entries[1]]
        #expect(verify(replacing(bundle, entries: entries)) == .entry(index: 4, .manifestMismatch(listed: 4, found: 9)))
    }

    @Test func anAlteredCheckpointTextFails() throws {
        let bundle = try fixture.bundle()
        let altered = bundle.checkpoint.replacingOccurrences(of: "\n12\n", with: "\n13\n")
        guard case .checkpoint(let reason)? = verify(replacing(bundle, checkpoint: altered)) else {
            Issue.record("expected a checkpoint failure")
            return
        }
        #expect(reason.contains("does not verify"))
    }

    @Test func anAlteredSignatureFails() throws {
        let bundle = try fixture.bundle()
        let lines = bundle.checkpoint.split(separator: "\n", omittingEmptySubsequences: false)
        let signatureLine = String(lines[lines.count - 2])
        var raw = [UInt8](Data(base64Encoded: String(signatureLine.split(separator: " ").last!))!)
        raw[10] ^= 0x01
        let altered = bundle.checkpoint.replacingOccurrences(of: String(signatureLine.split(separator: " ").last!),
                                                             with: Data(raw).base64EncodedString())
        guard case .checkpoint? = verify(replacing(bundle, checkpoint: altered)) else {
            Issue.record("expected a checkpoint failure")
            return
        }
    }

    @Test func anotherKeyFails() throws {
        let bundle = try fixture.bundle()
        let other = try Ed25519NoteSigner.generate(keyName: "gatehouse.example/ledger")
        #expect(throws: EvidenceBundleVerificationFailure.checkpoint(NoteVerificationError.noKnownSignature.description)) {
            try EvidenceBundleVerifier(verifier: other.verifier).verify(bundle)
        }
    }

    @Test func aManifestFromAnotherBundleFails() throws {
        let bundle = try fixture.bundle()
        let other = try fixture.bundle([1, 4])
        #expect(verify(replacing(bundle, manifest: other.manifest)) == .entry(index: 9, .manifestMismatch(listed: nil, found: 9)))
        let unsigned = bundle.manifest.replacingOccurrences(of: "\n9\n", with: "\n10\n")
        guard case .manifest? = verify(replacing(bundle, manifest: unsigned)) else {
            Issue.record("expected a manifest failure")
            return
        }
    }

    @Test func aWrongDataKeyFailsAtTheFirstEntryItSeals() throws {
        let bundle = try fixture.bundle(keys: [fixture.keyA, DataKey.generate(id: "s-b")])
        #expect(verify(bundle) == .entry(index: 9, .sealedFields(.sealedFieldsRejected)))
    }

    @Test func bytesThatAreNotAnEntryFailAtTheirIndex() throws {
        let entries: [[UInt8]] = [Array("not an entry".utf8), Array("{}".utf8)]
        let tree = MerkleTree(entries: entries)
        let note = try Checkpoint(origin: fixture.signer.keyName, treeSize: 2, rootHash: tree.rootHash).signed(by: fixture.signer).serialized
        let bundle = try EvidenceBundle.make(
            checkpointNote: note, scope: "indexes",
            entries: [EvidenceBundle.Entry(index: 1, bytes: entries[1], proof: try tree.inclusionProof(leafIndex: 1, treeSize: 2))],
            manifestSigner: fixture.signer, dataKeys: nil)
        guard case .entry(1, .notAnEntry)? = verify(bundle) else {
            Issue.record("expected entry 1 to fail as not an entry")
            return
        }
    }
}
