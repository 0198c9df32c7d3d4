import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStore
import Logging

/// `gatehouse audit subject`: the data-subject access request (GDPR Art. 15) answered from the
/// ledger's subject index.
struct AuditSubjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject",
        abstract: "List the sessions and statements that touched a data subject (access request).",
        discussion: """
            Looks the person up by identifier (hashed with the deployment's subject key, as the \
            masking engine did when it saw it) and lists, per session, who acted, when, on which \
            relations, under which approval, and the recorded (masked) statement. Sessions whose \
            data key was erased show only that they existed. --export writes the matching entries \
            as an evidence bundle.
            """)

    @OptionGroup var options: AuditConfigOption
    @OptionGroup var subject: SubjectOptions
    @Flag(help: "Print JSON instead of text.")
    var json = false
    @Option(help: "Also write the matching entries as an evidence bundle to this file.")
    var export: String?
    @Flag(help: "With --export: include the sessions' data keys, so the bundle's sealed fields can be opened (the bundle is then personal data).")
    var includeKeys = false

    func validate() throws {
        if subject.isEmpty { throw ValidationError("name the person: --email, --phone, --iban, --card or --identifier KIND=VALUE") }
        if includeKeys && export == nil { throw ValidationError("--include-keys needs --export") }
    }

    func run() throws {
        let configuration = try loadConfiguration(options.config)
        let store = try LedgerSetup.openStore(configuration, logger: Logger(label: "gatehouse.audit"))
        defer { store.close() }
        let access = LedgerSubjectAccess(store: store, masterKey: try LedgerSetup.masterKey(configuration))
        let sessions = try access.sessions(touching: try subject.digests(configuration))
        print(json ? Self.json(sessions) : Self.text(sessions))
        if let export {
            let indexes = sessions.flatMap { $0.accesses.map(\.index) }.sorted()
            guard !indexes.isEmpty else { throw ValidationFailure("nothing to export: no entry touched this subject") }
            let summary = try writeEvidenceBundle(configuration: configuration, store: store, indexes: indexes,
                                                  scope: "data subject access request", includeKeys: includeKeys, to: export)
            printError(summary)
        }
    }

    static func text(_ sessions: [LedgerSubjectAccess.Session]) -> String {
        guard !sessions.isEmpty else { return "No recorded session touched this data subject." }
        var lines = ["\(sessions.count) session(s), \(sessions.reduce(0) { $0 + $1.accesses.count }) access(es):"]
        for session in sessions {
            let who = session.principal.map { principal in
                principal.subject + (principal.agentApplication.map { " via \($0)" } ?? "")
            } ?? "unknown principal"
            var header = "session \(session.sessionID) on \(session.connection ?? "-") by \(who)"
            if session.erased {
                header += session.erasedAt.flatMap(UTCTimestamp.string(from:)).map { " [ERASED \($0): content unreadable]" }
                    ?? " [ERASED: content unreadable]"
            }
            lines.append(header)
            for access in session.accesses {
                var line = "  #\(access.index) \(UTCTimestamp.string(from: access.time) ?? "?") \(access.entryKind)"
                if let id = access.statementID { line += " of statement \(id)" }
                if let kind = access.statementKind { line += ": \(kind)" }
                if !access.reads.isEmpty { line += " reads \(access.reads.joined(separator: ", "))" }
                if !access.writes.isEmpty { line += " writes \(access.writes.joined(separator: ", "))" }
                line += " (\(access.identifierKinds.joined(separator: ", "))); approval: \(access.approval ?? "none")"
                lines.append(line)
                if let text = access.statementText { lines.append("      \(text)") }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ sessions: [LedgerSubjectAccess.Session]) -> String {
        let value: [String: Any] = ["sessions": sessions.map { session -> [String: Any] in
            var object: [String: Any] = ["session": session.sessionID, "erased": session.erased, "accesses": session.accesses.map { access in
                var object: [String: Any] = ["index": access.index, "time": UTCTimestamp.string(from: access.time) ?? "",
                                             "entry": access.entryKind, "identifierKinds": access.identifierKinds,
                                             "reads": access.reads, "writes": access.writes, "approval": access.approval ?? NSNull()]
                if let id = access.statementID { object["statementID"] = id }
                if let kind = access.statementKind { object["statementKind"] = kind }
                if let text = access.statementText { object["text"] = text }
                return object
            }]
            if let connection = session.connection { object["connection"] = connection }
            if let erasedAt = session.erasedAt.flatMap(UTCTimestamp.string(from:)) { object["erasedAt"] = erasedAt }
            if let principal = session.principal { object["principal"] = AuditJSON.principal(principal) }
            return object
        }]
        return AuditJSON.render(value)
    }
}
