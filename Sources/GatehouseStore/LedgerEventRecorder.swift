import Foundation
import GatehouseCore
import GatehouseLedger
import Logging

/// The gateway's `EventRecorder`: each event becomes a ledger entry (format v1, personal-data
/// fields sealed under its session's data key) appended durably to the `SQLiteLedgerStore`, with
/// its subjects indexed. A session's data key is created when its first sealed field is
/// written and stored, wrapped by the master key, in the same transaction as that entry.
public final class LedgerEventRecorder: EventRecorder, @unchecked Sendable {
    public let store: SQLiteLedgerStore
    private let masterKey: MasterKey
    // Everything below `lock` is guarded by it.
    private let lock = NSLock()
    /// Keys of sessions still running. `confirmed` once an append carrying the key committed;
    /// until then every append re-offers it (an earlier batch may have failed).
    private var sessionKeys: [String: (key: DataKey, wrapped: LedgerNewDataKey, confirmed: Bool)] = [:]

    public init(store: SQLiteLedgerStore, masterKey: MasterKey) {
        self.store = store
        self.masterKey = masterKey
    }

    /// Completes with the entries' ledger indexes. Encoding and sealing run on the caller's thread.
    public func record(_ events: [GatehouseEvent], completion: @escaping @Sendable (Result<[Int64], Error>) -> Void) {
        guard !events.isEmpty else { return completion(.success([])) }
        var entries: [LedgerAppendEntry] = []
        entries.reserveCapacity(events.count)
        var offeredKeys: Set<String> = []
        do {
            for event in events {
                var newDataKey: LedgerNewDataKey?
                let bytes = try LedgerEntryCodec.encode(event) {
                    let (key, unconfirmed) = try sessionKey(for: event)
                    if let unconfirmed, offeredKeys.insert(unconfirmed.keyID).inserted { newDataKey = unconfirmed }
                    return key
                }
                var derives = false
                if case .classification = event.payload { derives = true }
                entries.append(LedgerAppendEntry(bytes: bytes, subjects: Self.subjects(of: event), sessionID: event.sessionID,
                                                 time: event.time, newDataKey: newDataKey, derivesClassification: derives))
            }
        } catch {
            return completion(.failure(RecordingError("an event could not be encoded for the ledger: \(error)")))
        }
        let endedSessions = events.compactMap { event -> String? in
            if case .sessionEnd = event.payload { return event.sessionID }
            return nil
        }
        let offered = offeredKeys
        store.append(entries) { [self] result in
            if case .success = result {
                lock.withLock {
                    for keyID in offered { sessionKeys[keyID]?.confirmed = true }
                    for session in endedSessions { sessionKeys[session] = nil }
                }
            }
            completion(result.map { append in append.indexes.map { Int64($0) } })
        }
    }

    /// The session's key, and its wrapped form while no append has confirmed it.
    private func sessionKey(for event: GatehouseEvent) throws -> (DataKey, LedgerNewDataKey?) {
        try lock.withLock {
            if let known = sessionKeys[event.sessionID] { return (known.key, known.confirmed ? nil : known.wrapped) }
            let key = DataKey.generate(id: event.sessionID)
            let wrapped = LedgerNewDataKey(keyID: key.id, wrapped: try key.wrapped(by: masterKey), connection: event.connection,
                                           createdAt: event.time)
            sessionKeys[event.sessionID] = (key, wrapped, false)
            return (key, wrapped)
        }
    }

    private static func subjects(of event: GatehouseEvent) -> [SubjectReference] {
        switch event.payload {
        case .statement(let statement): return statement.subjects ?? []
        case .outcome(let outcome): return outcome.subjects ?? []
        // The digests of pushed commits' author and committer emails (kind `email`).
        case .git(let git): return git.subjects ?? []
        // Whom a masked download named.
        case .blob(let blob): return blob.subjects ?? []
        // Whom a masked Kubernetes answer (pod details, logs) named.
        case .kubernetes(let request): return request.subjects ?? []
        // None: whom a tool's statement named is in its PostgreSQL session's own events.
        case .mcp: return []
        default: return []
        }
    }
}
