import Foundation

/// Verifies an evidence bundle with nothing but the log's public key: no database, no
/// configuration. docs/evidence.md "Verifying a bundle" states the same steps for independent
/// implementations. Stops at the first failure: the checkpoint, the manifest, then entries in
/// bundle order, each checked against the manifest, its inclusion proof, the v1 format and (when
/// the bundle carries its key) its sealed box.
public struct EvidenceBundleVerifier: Sendable {
    public let verifier: Ed25519NoteVerifier
    /// The expected origin; by default the key's name (the C2SP checkpoint convention).
    public let origin: String

    public init(verifier: Ed25519NoteVerifier, origin: String? = nil) {
        self.verifier = verifier
        self.origin = origin ?? verifier.keyName
    }

    /// Parses and verifies a bundle file's bytes. Throws `EvidenceBundleVerificationFailure`.
    public func verify<Bytes: Collection>(bundleBytes: Bytes) throws -> EvidenceBundleSummary where Bytes.Element == UInt8 {
        let bundle: EvidenceBundle
        do {
            bundle = try EvidenceBundle(parsing: bundleBytes)
        } catch let error as EvidenceBundleError {
            throw EvidenceBundleVerificationFailure.malformed(error)
        }
        return try verify(bundle)
    }

    /// Verifies a parsed bundle. Throws `EvidenceBundleVerificationFailure`.
    public func verify(_ bundle: EvidenceBundle) throws -> EvidenceBundleSummary {
        let checkpoint = try verifiedCheckpoint(bundle)
        let manifest = try verifiedManifest(bundle, checkpoint: checkpoint)
        let keys = try bundle.dataKeys.map(Self.dataKeys)
        var tally = EvidenceBundleTally()
        for position in 0..<max(manifest.indexes.count, bundle.entries.count) {
            let listed = position < manifest.indexes.count ? manifest.indexes[position] : nil
            let entry = position < bundle.entries.count ? bundle.entries[position] : nil
            guard let entry, let listed, listed == entry.index else {
                let found = entry?.index
                throw EvidenceBundleVerificationFailure.entry(index: [listed, found].compactMap { $0 }.min() ?? 0,
                                                              .manifestMismatch(listed: listed, found: found))
            }
            try verify(entry, in: checkpoint, keys: keys, tally: &tally)
        }
        return EvidenceBundleSummary(checkpoint: checkpoint, scope: manifest.scope, tally: tally, keysIncluded: keys != nil)
    }

    private func verifiedCheckpoint(_ bundle: EvidenceBundle) throws -> Checkpoint {
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(signedNote: bundle.checkpoint, verifier: verifier, origin: origin)
        } catch {
            throw EvidenceBundleVerificationFailure.checkpoint("\(error)")
        }
        guard bundle.origin == checkpoint.origin else {
            throw EvidenceBundleVerificationFailure.checkpoint("the bundle's origin '\(bundle.origin)' is not the checkpoint's '\(checkpoint.origin)'")
        }
        return checkpoint
    }

    private func verifiedManifest(_ bundle: EvidenceBundle, checkpoint: Checkpoint) throws -> EvidenceBundleManifest {
        let manifest: EvidenceBundleManifest
        do {
            manifest = try EvidenceBundleManifest(signedNote: bundle.manifest, verifier: verifier)
        } catch {
            throw EvidenceBundleVerificationFailure.manifest("\(error)")
        }
        guard manifest.origin == checkpoint.origin, manifest.treeSize == checkpoint.treeSize, manifest.rootHash == checkpoint.rootHash else {
            throw EvidenceBundleVerificationFailure.manifest(
                "it was signed for the checkpoint of '\(manifest.origin)' at tree size \(manifest.treeSize), not this bundle's checkpoint")
        }
        return manifest
    }

    private func verify(_ entry: EvidenceBundle.Entry, in checkpoint: Checkpoint, keys: [String: DataKey]?,
                        tally: inout EvidenceBundleTally) throws {
        let fail = { (problem: EvidenceEntryProblem) in EvidenceBundleVerificationFailure.entry(index: entry.index, problem) }
        do {
            try MerkleVerifier.verifyInclusion(leafIndex: entry.index, treeSize: checkpoint.treeSize, leafHash: .leafHash(entry.bytes),
                                               proof: entry.proof, rootHash: checkpoint.rootHash)
        } catch let error as MerkleProofError {
            throw fail(.inclusion(error, treeSize: checkpoint.treeSize))
        }
        let envelope: LedgerEntryEnvelope
        do {
            envelope = try LedgerEntryCodec.decode(entry.bytes)
        } catch let error as LedgerEntryError {
            throw fail(.notAnEntry(error))
        }
        tally.count(envelope)
        guard let sealed = envelope.sealed, let keys else { return }
        guard let key = keys[sealed.keyID] else { return tally.keyAbsent(sealed.keyID) }
        do {
            _ = try envelope.open(with: key)
            tally.opened += 1
        } catch let error as LedgerEntryError {
            throw fail(.sealedFields(error))
        }
    }

    private static func dataKeys(_ raw: [String: [UInt8]]) throws -> [String: DataKey] {
        try raw.reduce(into: [:]) { keys, member in
            do {
                keys[member.key] = try DataKey(id: member.key, bytes: member.value)
            } catch {
                throw EvidenceBundleVerificationFailure.malformed(.invalidValue("keys.\(member.key)"))
            }
        }
    }
}

/// What the entries of a bundle held, counted as they verify.
struct EvidenceBundleTally {
    var entries = 0
    var sessions: Set<String> = []
    var earliest: Date?
    var latest: Date?
    var sealed = 0
    var opened = 0
    var absentKeyIDs: Set<String> = []

    mutating func count(_ envelope: LedgerEntryEnvelope) {
        entries += 1
        sessions.insert(envelope.sessionID)
        earliest = min(earliest ?? envelope.time, envelope.time)
        latest = max(latest ?? envelope.time, envelope.time)
        if envelope.sealed != nil { sealed += 1 }
    }

    mutating func keyAbsent(_ keyID: String) {
        absentKeyIDs.insert(keyID)
    }
}
