import GatehouseLedger

/// Builds an evidence bundle (GatehouseLedger `EvidenceBundle`) from the store: the chosen
/// entries with inclusion proofs against one stored checkpoint, a manifest signed with the log's
/// key and, when a master key is given, the unwrapped data keys of the sessions involved.
public enum LedgerBundleExport {
    /// The bundle, and the data keys it could not include because they were erased.
    public struct Result: Sendable {
        public let bundle: EvidenceBundle
        /// Key IDs named by the entries whose data key is erased (or was never stored), sorted.
        public let erasedKeyIDs: [String]
    }

    /// A bundle of the entries at `indexes` (sorted and deduplicated here), proven against
    /// `checkpoint`, which must cover every one of them. `scope` is the one-line description the
    /// manifest records (`session s-1`, `time … to …`). With `masterKey`, every data key the
    /// entries name is unwrapped and included (the bundle becomes personal data); erased ones are
    /// reported in `erasedKeyIDs`.
    public static func bundle(from store: SQLiteLedgerStore, indexes: [UInt64], checkpoint: LedgerStoredCheckpoint,
                              scope: String, signer: any NoteSigner, masterKey: MasterKey?) throws -> Result {
        let chosen = Array(Set(indexes)).sorted()
        guard let last = chosen.last else { throw LedgerBundleExportError.noEntries }
        guard last < checkpoint.treeSize else { throw LedgerBundleExportError.notCovered(index: last, treeSize: checkpoint.treeSize) }
        var entries: [EvidenceBundle.Entry] = []
        var keyIDs: Set<String> = []
        entries.reserveCapacity(chosen.count)
        for index in chosen {
            guard let stored = try store.entry(at: index) else { throw LedgerStoreError.entryMissing(index: index) }
            let proof = try store.inclusionProof(leafIndex: index, treeSize: checkpoint.treeSize)
            entries.append(EvidenceBundle.Entry(index: index, bytes: stored.bytes, proof: proof))
            if masterKey != nil, let keyID = (try? LedgerEntryCodec.decode(stored.bytes))?.sealed?.keyID { keyIDs.insert(keyID) }
        }
        var dataKeys: [DataKey]?
        var erased: [String] = []
        if let masterKey {
            dataKeys = []
            for keyID in keyIDs.sorted() {
                guard let wrapped = try store.dataKey(keyID: keyID)?.wrapped else {
                    erased.append(keyID)
                    continue
                }
                dataKeys?.append(try DataKey(unwrapping: wrapped, id: keyID, by: masterKey))
            }
        }
        let bundle = try EvidenceBundle.make(checkpointNote: checkpoint.note, scope: scope, entries: entries,
                                             manifestSigner: signer, dataKeys: dataKeys)
        return Result(bundle: bundle, erasedKeyIDs: erased)
    }
}

/// Why no bundle was built.
public enum LedgerBundleExportError: Error, Equatable, Sendable, CustomStringConvertible {
    case noEntries
    /// The checkpoint does not cover the entry: sign a newer one first.
    case notCovered(index: UInt64, treeSize: UInt64)

    public var description: String {
        switch self {
        case .noEntries: return "no entries were selected, so there is nothing to export"
        case .notCovered(let index, let treeSize):
            return "entry \(index) is not covered by the checkpoint at tree size \(treeSize)"
        }
    }
}
