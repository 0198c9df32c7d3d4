import Foundation
import GRDB
import GatehouseLedger

/// Writes one group-commit batch inside the caller's transaction: each entry with its leaf
/// hash, every node it completes (level 1 and up; leaves stay in `entries`), its subjects.
/// Works on a copy of the frontier and returns it, so the store adopts it only after COMMIT.
enum LedgerBatchWriter {
    /// `calls` are the callers' entries, in queue order; returns one `LedgerAppend` per call.
    static func write(_ calls: [[LedgerPendingEntry]], after committed: MerkleFrontier,
                      in db: Database) throws -> (appends: [LedgerAppend], frontier: MerkleFrontier) {
        var frontier = committed
        let insertEntry = try db.cachedStatement(sql: LedgerSchema.insertEntry)
        let insertNode = try db.cachedStatement(sql: LedgerSchema.insertNode)
        let insertSubject = try db.cachedStatement(sql: LedgerSchema.insertSubject)
        var appends: [LedgerAppend] = []
        appends.reserveCapacity(calls.count)
        for call in calls {
            let firstIndex = frontier.leafCount
            for entry in call {
                let index = Int64(frontier.leafCount)
                try insertEntry.execute(arguments: [index, Data(entry.leafHash.bytes), Data(entry.bytes)])
                for subject in entry.subjects {
                    try insertSubject.execute(arguments: [subject.digest, subject.kind, index])
                }
                try frontier.append(leafHash: entry.leafHash) { node, hash in
                    guard node.level > 0 else { return }
                    try insertNode.execute(arguments: [node.level, Int64(node.index), Data(hash.bytes)])
                }
            }
            appends.append(LedgerAppend(firstIndex: firstIndex, treeSize: frontier.leafCount, rootHash: frontier.rootHash))
        }
        return (appends, frontier)
    }
}
