import Foundation
import GatehouseCore
import Logging

/// Crypto-shredding: destroys sessions' data keys so their sealed fields can never be read
/// again, while every entry's bytes, and so every proof, stay as they were. The erasure is
/// itself a ledger event, recorded first (write-ahead): if the keys then cannot all be
/// destroyed the log overstates, never hides, and running the erasure again completes it.
public struct LedgerErasure {
    public let recorder: LedgerEventRecorder

    public init(recorder: LedgerEventRecorder) { self.recorder = recorder }

    /// What an erasure did.
    public struct Result: Sendable, Equatable {
        /// Sessions whose key was destroyed now.
        public var erased: [String]
        /// Sessions whose key was already gone (erased earlier, or never needed).
        public var alreadyErased: [String]
        /// The erasure event's ledger index.
        public var eventIndex: Int64
    }

    /// Erases the sessions' keys. Sessions the ledger has never seen are refused before
    /// anything is recorded. `scope` is `session`, `subject` or `retention` (`EventPayload.Erasure`).
    public func erase(sessions: [String], scope: String, reason: String?, requestedBy: String?,
                      at time: Date = Date()) async throws -> Result {
        let store = recorder.store
        let sessions = Array(Set(sessions)).sorted()
        var present: [String] = []
        var alreadyErased: [String] = []
        for session in sessions {
            if let key = try store.dataKey(keyID: session) {
                if key.wrapped == nil { alreadyErased.append(session) } else { present.append(session) }
            } else if try store.entryIndexes(sessionID: session).isEmpty {
                throw LedgerErasureError.unknownSession(session)
            } else {
                alreadyErased.append(session)  // a session that never sealed a field has no key
            }
        }
        let event = GatehouseEvent(time: time, sessionID: "erasure-" + UUID().uuidString.lowercased(), connection: nil, principal: nil,
                                   payload: .erasure(.init(scope: scope, sessions: sessions, reason: reason, requestedBy: requestedBy)))
        let indexes = try await recorder.record([event])
        for session in present {
            try store.eraseDataKey(keyID: session, at: time, because: scope == "retention" ? "retention" : "erasure")
        }
        return Result(erased: present, alreadyErased: alreadyErased, eventIndex: indexes[0])
    }
}

public enum LedgerErasureError: Error, Equatable, CustomStringConvertible {
    case unknownSession(String)

    public var description: String {
        switch self {
        case .unknownSession(let session): return "session \(session) is not in the ledger; nothing was erased"
        }
    }
}
