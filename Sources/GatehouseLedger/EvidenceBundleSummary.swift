import Foundation
import GatehouseCore

/// What a verified bundle proves: which log and checkpoint, how many entries of how many
/// sessions over what time span, and how much of the sealed data could be opened.
public struct EvidenceBundleSummary: Sendable, Equatable, CustomStringConvertible {
    public let origin: String
    public let treeSize: UInt64
    public let rootHash: MerkleHash
    /// What the exporter selected, from the signed manifest.
    public let scope: String
    public let entryCount: Int
    /// Distinct session IDs, sorted.
    public let sessionIDs: [String]
    public let earliest: Date?
    public let latest: Date?
    /// Entries with sealed fields.
    public let sealedEntryCount: Int
    /// Sealed entries whose box the bundle's keys opened.
    public let openedEntryCount: Int
    public let keysIncluded: Bool
    /// Key IDs that sealed entries name but the bundle does not carry (erased keys), sorted.
    public let absentKeyIDs: [String]

    init(checkpoint: Checkpoint, scope: String, tally: EvidenceBundleTally, keysIncluded: Bool) {
        origin = checkpoint.origin
        treeSize = checkpoint.treeSize
        rootHash = checkpoint.rootHash
        self.scope = scope
        entryCount = tally.entries
        sessionIDs = tally.sessions.sorted()
        earliest = tally.earliest
        latest = tally.latest
        sealedEntryCount = tally.sealed
        openedEntryCount = tally.opened
        self.keysIncluded = keysIncluded
        absentKeyIDs = tally.absentKeyIDs.sorted()
    }

    public var description: String {
        let span = [earliest, latest].compactMap { $0.flatMap(UTCTimestamp.string(from:)) }
        var text = "Verified \(entryCount) entr\(entryCount == 1 ? "y" : "ies") (\(scope)) of \(sessionIDs.count) session(s)"
        if span.count == 2 { text += ", from \(span[0]) to \(span[1])," }
        text += " included in the log '\(origin)' at tree size \(treeSize) (root \(rootHash.base64)), under a checkpoint and manifest signed by the given key."
        if !keysIncluded {
            text += " \(sealedEntryCount) entr\(sealedEntryCount == 1 ? "y has" : "ies have") sealed fields; the bundle carries no data keys, so they were not opened."
        } else {
            text += " Data keys included: \(openedEntryCount) of \(sealedEntryCount) sealed entr\(sealedEntryCount == 1 ? "y" : "ies") opened"
            text += absentKeyIDs.isEmpty ? "." : "; no key for \(absentKeyIDs.joined(separator: ", ")) (erased), those stay sealed."
        }
        return text
    }
}
