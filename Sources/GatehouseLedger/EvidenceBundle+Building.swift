/// Assembling a bundle from what a log hands out: its checkpoint note, entries with proofs, and
/// (when asked) data keys. The manifest is signed here with the log's key.
extension EvidenceBundle {
    /// A bundle of `entries` (sorted here; indexes must be distinct) proven against
    /// `checkpointNote`, the log's signed checkpoint. `scope` says what was selected (one line,
    /// e.g. `session s-7f3a9c21`). `dataKeys` nil leaves keys out; otherwise every given key is
    /// included as raw bytes (the bundle is then personal data).
    public static func make(checkpointNote: String, scope: String, entries: [Entry], manifestSigner: any NoteSigner,
                            dataKeys: [DataKey]?) throws -> EvidenceBundle {
        guard !entries.isEmpty else { throw EvidenceBundleError.noEntries }
        let checkpoint = try Checkpoint(text: SignedNote(parsing: checkpointNote).text)
        let sorted = entries.sorted { $0.index < $1.index }
        let manifest = try EvidenceBundleManifest(origin: checkpoint.origin, treeSize: checkpoint.treeSize,
                                                  rootHash: checkpoint.rootHash, scope: scope, indexes: sorted.map(\.index))
        let keys = dataKeys.map { keys in
            keys.reduce(into: [String: [UInt8]]()) { result, key in
                result[key.id] = key.key.withUnsafeBytes { Array($0) }
            }
        }
        return EvidenceBundle(origin: checkpoint.origin, checkpoint: checkpointNote,
                              manifest: try manifest.signed(by: manifestSigner).serialized, entries: sorted, dataKeys: keys)
    }
}
