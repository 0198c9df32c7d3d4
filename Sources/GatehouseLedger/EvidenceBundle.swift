/// A self-contained, offline-verifiable proof that some ledger entries are in the log, in the
/// spirit of C2SP tlog-proof: the log's origin, a signed checkpoint, and for each entry its index,
/// its exact bytes and its inclusion proof against that checkpoint. A signed manifest (by the
/// log's key) lists the indexes the exporter put in, so a dropped or reordered entry is caught,
/// not just an altered one. Optionally the raw data keys, so sealed fields open offline; a bundle
/// with keys is personal data. docs/evidence.md "Evidence bundles" specifies the bytes.
public struct EvidenceBundle: Sendable, Equatable {
    /// The `format` member of every bundle this code writes and reads.
    public static let format = "gatehouse-evidence-bundle/v1"

    /// The log's origin: the checkpoint's first line.
    public let origin: String
    /// The C2SP signed checkpoint note every proof is against, as serialized.
    public let checkpoint: String
    /// The signed manifest note (``EvidenceBundleManifest``), as serialized.
    public let manifest: String
    /// By strictly increasing index.
    public let entries: [Entry]
    /// Raw 32-byte data keys by key ID; nil when the exporter did not include keys (an empty
    /// dictionary means it asked, and every key was erased).
    public let dataKeys: [String: [UInt8]]?

    public struct Entry: Sendable, Equatable {
        public let index: UInt64
        /// The entry's bytes: the leaf's input.
        public let bytes: [UInt8]
        /// The RFC 9162 audit path of the entry in the checkpoint's tree, leaf side first.
        public let proof: [MerkleHash]

        public init(index: UInt64, bytes: [UInt8], proof: [MerkleHash]) {
            self.index = index
            self.bytes = bytes
            self.proof = proof
        }
    }

    /// Assembles a bundle as is, without checking it (parsing and the verifier check).
    public init(origin: String, checkpoint: String, manifest: String, entries: [Entry], dataKeys: [String: [UInt8]]?) {
        self.origin = origin
        self.checkpoint = checkpoint
        self.manifest = manifest
        self.entries = entries
        self.dataKeys = dataKeys
    }
}
