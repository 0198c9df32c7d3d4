/// Why an evidence bundle did not verify: the checkpoint, the manifest, or the first entry (by
/// position in the bundle) at fault, with its index.
public enum EvidenceBundleVerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not a well-formed bundle.
    case malformed(EvidenceBundleError)
    /// The checkpoint note does not parse, is not signed by the key, or is for another log.
    case checkpoint(String)
    /// The manifest note does not parse, is not signed by the key, or names another checkpoint.
    case manifest(String)
    /// The entry at `index` fails.
    case entry(index: UInt64, EvidenceEntryProblem)

    /// The entry index at fault, when an entry is.
    public var index: UInt64? {
        if case .entry(let index, _) = self { return index }
        return nil
    }

    public var description: String {
        switch self {
        case .malformed(let error): return "malformed bundle: \(error)"
        case .checkpoint(let reason): return "checkpoint: \(reason)"
        case .manifest(let reason): return "manifest: \(reason)"
        case .entry(let index, let problem): return "index \(index): \(problem)"
        }
    }
}

/// What is wrong with one entry of a bundle.
public enum EvidenceEntryProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The signed manifest lists `listed` at this position, the bundle has `found` (nil: nothing):
    /// an entry was removed, added, or moved.
    case manifestMismatch(listed: UInt64?, found: UInt64?)
    /// The inclusion proof does not lead from the entry's leaf hash to the checkpoint's root: the
    /// bytes, the index or the proof were altered.
    case inclusion(MerkleProofError, treeSize: UInt64)
    /// The bytes are not a ledger entry of format v1.
    case notAnEntry(LedgerEntryError)
    /// The bundle's key for the entry does not open its sealed fields.
    case sealedFields(LedgerEntryError)

    public var description: String {
        switch self {
        case .manifestMismatch(let listed?, let found?):
            return "the signed manifest lists entry \(listed) here but the bundle has entry \(found) (an entry was removed, added or reordered)"
        case .manifestMismatch(let listed?, nil):
            return "the signed manifest lists entry \(listed) but the bundle does not hold it (an entry was removed)"
        case .manifestMismatch(nil, let found?):
            return "the bundle holds entry \(found) but the signed manifest does not list it (an entry was added)"
        case .manifestMismatch(nil, nil):
            return "the bundle and its manifest disagree"
        case .inclusion(.leafIndexOutOfRange, let treeSize):
            return "the index is not below the checkpoint's tree size \(treeSize)"
        case .inclusion(.wrongProofLength, let treeSize):
            return "the inclusion proof has the wrong number of hashes for a tree of \(treeSize) entries (proof or index altered)"
        case .inclusion(.rootMismatch, let treeSize):
            return "the entry's leaf hash and inclusion proof do not lead to the root of the checkpoint at tree size \(treeSize) (entry bytes, index or proof altered)"
        case .inclusion(let error, _):
            return "the inclusion proof does not verify (\(error))"
        case .notAnEntry(let error):
            return "not a v1 ledger entry: \(error)"
        case .sealedFields(let error):
            return "the sealed fields do not open with the bundle's key: \(error)"
        }
    }
}
