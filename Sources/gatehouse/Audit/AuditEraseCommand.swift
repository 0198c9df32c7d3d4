import ArgumentParser
import Foundation
import GatehouseStore
import Logging

/// `gatehouse audit erase`: crypto-shredding on request (GDPR Art. 17). Safe while the gateway
/// runs: the ledger store serialises appends across processes.
struct AuditEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Destroy the data keys of sessions (or of every session that touched a subject).",
        discussion: """
            The sessions' sealed fields (statement text, parameters, error messages, subjects, \
            client address) become unreadable for good; every entry, leaf hash, checkpoint and \
            proof stays valid. The erasure is recorded in the ledger first (scope, sessions, \
            reason, who ran it). A session still running keeps sealing under its key in memory: \
            those later entries are unreadable too.
            """)

    @OptionGroup var options: AuditConfigOption
    @Option(help: "A session ID to erase (repeatable).")
    var session: [String] = []
    @OptionGroup var subject: SubjectOptions
    @Option(help: "Why (e.g. the request's ticket); recorded in clear, so no personal data here.")
    var reason: String

    func validate() throws {
        if session.isEmpty == subject.isEmpty {
            throw ValidationError("give either --session, or a subject (--email, --phone, --iban, --card, --identifier)")
        }
    }

    func run() async throws {
        let configuration = try loadConfiguration(options.config)
        let logger = Logger(label: "gatehouse.audit")
        let store = try LedgerSetup.openStore(configuration, logger: logger)
        defer { store.close() }
        let recorder = try LedgerSetup.recorder(configuration, store: store)
        var sessions = session
        var scope = "session"
        if !subject.isEmpty {
            scope = "subject"
            let touched = try LedgerSubjectAccess(store: store, masterKey: try LedgerSetup.masterKey(configuration))
                .sessions(touching: try subject.digests(configuration))
            sessions = touched.map(\.sessionID)
            guard !sessions.isEmpty else {
                print("No recorded session touched this data subject: nothing to erase.")
                return
            }
        }
        let result: LedgerErasure.Result
        do {
            result = try await LedgerErasure(recorder: recorder).erase(sessions: sessions, scope: scope, reason: reason,
                                                                         requestedBy: ProcessInfo.processInfo.userName)
        } catch let error as LedgerErasureError {
            throw ValidationFailure(error.description)
        }
        print("Erased \(result.erased.count) session key(s)\(result.alreadyErased.isEmpty ? "" : ", \(result.alreadyErased.count) already erased"); erasure recorded at ledger index \(result.eventIndex).")
        for session in result.erased { print("  erased \(session)") }
        for session in result.alreadyErased { print("  already erased \(session)") }
    }
}
