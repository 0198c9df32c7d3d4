import Foundation
import GRDB
import GatehouseCore
import GatehouseLedger

/// The read side of the ledger for the web UI: recorded sessions, one session's timeline, the
/// ledger's status and inclusion checks. Sealed fields are opened with the session's data key
/// while it exists (their statement texts were masked by the gateway before recording); nothing
/// here logs or holds more than the ledger already does.
public struct LedgerBrowser: Sendable {
    public let store: SQLiteLedgerStore
    public let masterKey: MasterKey
    /// The log's key: when given, checkpoints' signatures are checked.
    public let verifier: Ed25519NoteVerifier?
    /// The checkpoints' origin line; by default the verifier's key name (the C2SP convention).
    public let origin: String?

    public init(store: SQLiteLedgerStore, masterKey: MasterKey, verifier: Ed25519NoteVerifier?, origin: String? = nil) {
        self.store = store
        self.masterKey = masterKey
        self.verifier = verifier
        self.origin = origin
    }

    /// Session IDs the gateway uses for entries that are not client sessions: erasures
    /// (`erasure-<uuid>`) and configuration records (`gateway-<uuid>`); client sessions are bare
    /// UUIDs (`ui-<uuid>` for web UI sign-ins). Refused logins (`refused-<id>`) are listed apart.
    static let nonSessionPrefixes = ["erasure-", "gateway-", RefusalThrottlingRecorder.sessionPrefix]

    /// What a listing shows: client sessions, or refused logins (anyone can cause one, so they
    /// would bury the sessions an auditor looks for).
    public enum Listing: Sendable { case sessions, refusedLogins }

    /// Sessions (or refused logins), newest first (by their first entry). One row per session
    /// ID of the entries table.
    public func sessions(limit: Int, offset: Int = 0, listing: Listing = .sessions) throws -> [SessionSummary] {
        guard limit > 0 else { return [] }
        let ids = try sessionIDs(limit: limit, offset: max(offset, 0), listing: listing)
        return try ids.map { try SessionEntries(session: $0, browser: self).summary }
    }

    public func sessionCount(listing: Listing = .sessions) throws -> Int {
        let size = try store.leafCount
        return try store.readDatabase { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT session_id) FROM entries WHERE \(Self.condition(listing))",
                             arguments: [Int64(size)]) ?? 0
        }
    }

    /// Every entry of the session, oldest first; nil for a session the ledger does not hold. An
    /// exec session's stream chunks are not entries of the timeline but its `transcript`.
    public func timeline(sessionID: String) throws -> SessionTimeline? {
        let session = try SessionEntries(session: sessionID, browser: self)
        guard !session.entries.isEmpty else { return nil }
        var entries: [TimelineEntry] = [], opened: [GatehouseEvent] = [], unreadableChunks = false
        for entry in session.entries {
            let event = LedgerSessionKey.open(entry.stored.bytes, with: session.key.key)
            if case .kubernetes(let request) = entry.envelope.payload, request.activity.phase == KubeActivity.Phase.stream {
                if let event { opened.append(event) } else { unreadableChunks = true }
                continue
            }
            if let event { opened.append(event) }
            entries.append(TimelineEntry(entry.stored, envelope: entry.envelope, opened: event, erased: session.key.erased))
        }
        let transcript = unreadableChunks ? nil : try? ExecTranscript(events: opened)
        return SessionTimeline(summary: session.summary, entries: entries, transcript: transcript,
                               transcriptUnreadable: unreadableChunks)
    }

    /// The exec session's recorded streams; nil for a session without one. Throws
    /// `ExecTranscript.Unreadable` once the session's data key is erased.
    public func transcript(sessionID: String) throws -> ExecTranscript? {
        let session = try SessionEntries(session: sessionID, browser: self)
        var events: [GatehouseEvent] = []
        for entry in session.entries where entry.envelope.kind == "kubernetes" {
            guard let event = LedgerSessionKey.open(entry.stored.bytes, with: session.key.key) else { throw ExecTranscript.Unreadable() }
            events.append(event)
        }
        return try ExecTranscript(events: events)
    }

    private static func condition(_ listing: Listing) -> String {
        switch listing {
        case .sessions:
            return "session_id IS NOT NULL AND idx < ? " + nonSessionPrefixes.map { "AND session_id NOT LIKE '\($0)%'" }.joined(separator: " ")
        case .refusedLogins:
            return "session_id IS NOT NULL AND idx < ? AND session_id LIKE '\(RefusalThrottlingRecorder.sessionPrefix)%'"
        }
    }

    private func sessionIDs(limit: Int, offset: Int, listing: Listing) throws -> [String] {
        let size = try store.leafCount
        return try store.readDatabase { db in
            try String.fetchAll(db, sql: """
                SELECT session_id FROM entries WHERE \(Self.condition(listing))
                GROUP BY session_id ORDER BY MIN(idx) DESC LIMIT ? OFFSET ?
                """, arguments: [Int64(size), limit, offset])
        }
    }
}

/// One session's entries, decoded (clear envelopes), and its data key.
private struct SessionEntries {
    let sessionID: String
    let entries: [(stored: LedgerStoredEntry, envelope: LedgerEntryEnvelope)]
    let key: LedgerSessionKey

    init(session: String, browser: LedgerBrowser) throws {
        sessionID = session
        entries = try browser.store.entryIndexes(sessionID: session).compactMap { index in
            guard let stored = try browser.store.entry(at: index) else { return nil }
            return (stored, try LedgerEntryCodec.decode(stored.bytes))
        }
        key = try LedgerSessionKey(session: session, in: browser.store, masterKey: browser.masterKey)
    }

    var summary: SessionSummary {
        let envelopes = entries.map(\.envelope)
        let authentication = envelopes.first { $0.kind == "authentication" }
        return SessionSummary(
            sessionID: sessionID, connection: envelopes.lazy.compactMap(\.connection).first,
            principal: authentication?.principal ?? envelopes.lazy.compactMap(\.principal).first,
            startedAt: envelopes.first?.time ?? Date(timeIntervalSince1970: 0),
            lastActivityAt: envelopes.last?.time ?? Date(timeIntervalSince1970: 0), entryCount: envelopes.count,
            statementCount: envelopes.filter { $0.kind == "statement" }.count,
            approvalCount: envelopes.filter { $0.kind == "approval" }.count, erased: key.erased)
    }
}

/// One recorded session, as the session list shows it.
public struct SessionSummary: Sendable, Equatable {
    public var sessionID: String
    public var connection: String?
    /// Who authenticated (from the session's authentication entry); nil when refused.
    public var principal: Principal?
    public var startedAt: Date
    public var lastActivityAt: Date
    public var entryCount: Int
    public var statementCount: Int
    /// Entries of kind `approval` (every step of every request).
    public var approvalCount: Int
    /// The session's data key is erased: its sealed fields can no longer be read.
    public var erased: Bool
}

/// One session and every one of its entries, oldest first.
public struct SessionTimeline: Sendable, Equatable {
    public var summary: SessionSummary
    public var entries: [TimelineEntry]
    /// An exec session's streams as the client saw them (its `stream` entries).
    public var transcript: ExecTranscript?
    /// The session has stream entries that can no longer be read (its key is erased).
    public var transcriptUnreadable = false
}

/// One labelled value of a timeline entry.
public struct TimelineDetail: Sendable, Equatable {
    public var label: String
    public var value: String

    public init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }
}
