import Foundation
import GatehouseCore
import GatehouseLedger

/// The answer to a data subject's access request: every ledger entry whose subject index holds
/// one of the person's digests, grouped by session, with who acted, when, on what, and under
/// which approval. Sealed fields (the statement text) are opened while the session's data key
/// exists; once it is erased, only the clear envelope remains: that the session existed, who
/// ran it and when.
public struct LedgerSubjectAccess {
    public let store: SQLiteLedgerStore
    public let masterKey: MasterKey

    public init(store: SQLiteLedgerStore, masterKey: MasterKey) {
        self.store = store
        self.masterKey = masterKey
    }

    public struct Access: Sendable, Equatable {
        public var index: UInt64
        public var time: Date
        /// The entry's kind: `statement` (the identifier was in the statement or its
        /// parameters) or `outcome` (it was in the result, masked before the client saw it).
        public var entryKind: String
        /// The identifier kinds matched (email, iban...).
        public var identifierKinds: [String]
        public var statementID: Int?
        /// The statement's analysis: its kind and the relations it read and wrote.
        public var statementKind: String?
        public var reads: [String]
        public var writes: [String]
        /// The recorded (masked) statement text; nil once the session is erased.
        public var statementText: String?
        /// The approval the access ran under (`apr_… (one-time)`, `break-glass:<group>`); nil when none was needed.
        public var approval: String?
    }

    public struct Session: Sendable, Equatable {
        public var sessionID: String
        public var connection: String?
        public var principal: Principal?
        /// Whether the session's data key is gone (erased on request or by retention).
        public var erased: Bool
        public var erasedAt: Date?
        public var accesses: [Access]
    }

    /// The sessions that touched any of `digests`, oldest first, and the entries they touched them in.
    public func sessions(touching digests: [String]) throws -> [Session] {
        var kindsByIndex: [UInt64: Set<String>] = [:]
        for digest in Set(digests) {
            for hit in try store.subjects(digest: digest) { kindsByIndex[hit.index, default: []].insert(hit.kind) }
        }
        var sessions: [String: Session] = [:]
        var order: [String] = []
        var keys: [String: DataKey?] = [:]
        var indexes: [String: SessionIndex] = [:]
        for index in kindsByIndex.keys.sorted() {
            guard let stored = try store.entry(at: index) else { continue }
            let envelope = try LedgerEntryCodec.decode(stored.bytes)
            let session = envelope.sessionID
            if keys[session] == nil { keys[session] = try LedgerSessionKey(session: session, in: store, masterKey: masterKey).key }
            let key = keys[session] ?? nil
            if sessions[session] == nil {
                let stored = try store.dataKey(keyID: session)
                sessions[session] = Session(sessionID: session, connection: envelope.connection, principal: envelope.principal,
                                            erased: key == nil, erasedAt: stored?.erasedAt, accesses: [])
                order.append(session)
            }
            if indexes[session] == nil { indexes[session] = try SessionIndex(session, in: store) }
            let access = self.access(index: index, envelope: envelope, bytes: stored.bytes, key: key,
                                     kinds: kindsByIndex[index]!.sorted(), session: indexes[session]!)
            sessions[session]!.accesses.append(access)
        }
        return order.map { sessions[$0]! }
    }

    private func access(index: UInt64, envelope: LedgerEntryEnvelope, bytes: [UInt8], key: DataKey?,
                        kinds: [String], session: SessionIndex) -> Access {
        var access = Access(index: index, time: envelope.time, entryKind: envelope.kind, identifierKinds: kinds, statementID: nil,
                            statementKind: nil, reads: [], writes: [], statementText: nil, approval: nil)
        switch envelope.payload {
        case .statement(let statement):
            describe(&access, statement: statement, sealed: bytes, key: key)
        case .outcome(let outcome):
            access.statementID = outcome.statementID
            // The question the result answered: the session's statement of the same ID.
            if let (statement, bytes) = session.statements[outcome.statementID] {
                describe(&access, statement: statement, sealed: bytes, key: key)
            }
        default:
            break
        }
        access.approval = access.statementID.flatMap { session.approvals[$0] }
        return access
    }

    private func describe(_ access: inout Access, statement: LedgerEntryEnvelope.Statement, sealed bytes: [UInt8], key: DataKey?) {
        access.statementID = statement.statementID
        access.statementKind = statement.analysis.kind.rawValue
        access.reads = statement.analysis.reads.map(\.description)
        access.writes = statement.analysis.writes.map(\.description)
        if case .statement(let opened)? = LedgerSessionKey.open(bytes, with: key)?.payload {
            access.statementText = opened.text
        }
    }
}

/// One session's statements (by statement ID, with their bytes for opening) and the approval
/// each ran under, read once per session however many accesses the session has.
private struct SessionIndex {
    var statements: [Int: (LedgerEntryEnvelope.Statement, [UInt8])] = [:]
    /// The request whose grant a statement used (`apr_… (one-time)`), or the break-glass group.
    var approvals: [Int: String] = [:]

    init(_ session: String, in store: SQLiteLedgerStore) throws {
        for index in try store.entryIndexes(sessionID: session) {
            guard let entry = try store.entry(at: index) else { continue }
            switch try LedgerEntryCodec.decode(entry.bytes).payload {
            case .statement(let statement):
                statements[statement.statementID] = (statement, entry.bytes)
            case .approval(let approval) where approval.step == .grantUsed || approval.step == .breakGlass:
                let name = approval.step == .grantUsed
                    ? "\(approval.requestID) (\(approval.grant?.kind.rawValue ?? "grant"))" : approval.requestID
                for id in approval.statementIDs where approvals[id] == nil { approvals[id] = name }
            default:
                break
            }
        }
    }
}
