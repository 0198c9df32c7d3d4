import GatehouseLedger

/// A time-range export holds entries by their times, and an entry's time is when its event
/// happened: a held statement's time is when it arrived, its approval steps' times when they
/// were taken, later. So a range can hold a statement without the approval that let it run.
/// This adds, for every statement a range holds, its session's approval entries that name it.
public enum LedgerRangeCompletion {
    /// `indexes` plus the approval entries of the statements among them, sorted, each once.
    public static func completed(_ indexes: [UInt64], in store: SQLiteLedgerStore) throws -> [UInt64] {
        var statements: [String: Set<Int>] = [:]  // session -> statement IDs the range holds
        for index in indexes {
            guard let entry = try store.entry(at: index),
                  let envelope = try? LedgerEntryEnvelope(canonicalBytes: entry.bytes),
                  case .statement(let statement) = envelope.payload else { continue }
            statements[envelope.sessionID, default: []].insert(statement.statementID)
        }
        var result = Set(indexes)
        for (session, statementIDs) in statements {
            for index in try store.entryIndexes(sessionID: session) where !result.contains(index) {
                guard let entry = try store.entry(at: index),
                      let envelope = try? LedgerEntryEnvelope(canonicalBytes: entry.bytes),
                      case .approval(let approval) = envelope.payload,
                      !statementIDs.isDisjoint(with: approval.statementIDs) else { continue }
                result.insert(index)
            }
        }
        return result.sorted()
    }
}
