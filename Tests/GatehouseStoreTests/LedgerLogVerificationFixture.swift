import Foundation
import GatehouseCore
import GatehouseLedger
import Logging

@testable import GatehouseStore

/// A temporary ledger of real v1 entries (sessions `s0`, `s1`… of an authentication, whose client
/// address is sealed, and a session end), with its data keys stored, and the log's signing key.
final class LedgerVerificationFixture {
    let directory = FileManager.default.temporaryDirectory.path + "/gatehouse-ledger-verify-" + UUID().uuidString
    var path: String { directory + "/ledger.sqlite" }
    var sinkDirectory: String { directory + "/checkpoints" }
    let signer = try! Ed25519NoteSigner.generate(keyName: "gatehouse.example/ledger")
    let masterKey = MasterKey.generate()
    static let time = Date(timeIntervalSince1970: 1_795_687_200.123)

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func open() throws -> SQLiteLedgerStore {
        try SQLiteLedgerStore(path: path, logger: Logger(label: "test.ledger-verify"))
    }

    func checkpointer(_ store: SQLiteLedgerStore, sink: CheckpointSink? = nil) -> LedgerCheckpointer {
        LedgerCheckpointer(store: store, signer: signer, origin: signer.keyName, sink: sink ?? .directory(sinkDirectory),
                           logger: Logger(label: "test.ledger-verify"))
    }

    /// Two entries per session: the first stores the session's wrapped data key with it.
    func appendSessions(_ sessions: Range<Int>, to store: SQLiteLedgerStore) throws {
        var entries: [LedgerAppendEntry] = []
        for number in sessions {
            let session = "s\(number)"
            let key = DataKey.generate(id: session)
            let authentication = GatehouseEvent(
                time: Self.time, sessionID: session, connection: "demo", principal: Principal(subject: "alice", issuer: "https://issuer.example"),
                payload: .authentication(.init(accepted: true, reason: nil, clientAddress: "203.0.113.7:5\(number)", clientApplication: "psql")))
            let end = GatehouseEvent(time: Self.time, sessionID: session, connection: "demo", principal: nil,
                                     payload: .sessionEnd(.init(reason: "client closed the connection", statements: 0)))
            let newKey = LedgerNewDataKey(keyID: session, wrapped: try key.wrapped(by: masterKey), connection: "demo", createdAt: Self.time)
            entries.append(LedgerAppendEntry(bytes: try LedgerEntryCodec.encode(authentication, sealingWith: key), sessionID: session,
                                             time: Self.time, newDataKey: newKey))
            entries.append(LedgerAppendEntry(bytes: try LedgerEntryCodec.encode(end, sealingWith: key), sessionID: session, time: Self.time))
        }
        try store.append(entries)
    }

    var verifier: Ed25519NoteVerifier { signer.verifier }
}
