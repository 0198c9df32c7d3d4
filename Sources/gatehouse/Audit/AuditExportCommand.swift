import ArgumentParser
import Foundation
import GatehouseCore
import GatehouseStore
import Logging

/// `gatehouse audit export`: an evidence bundle of a session's or a time range's entries.
struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an evidence bundle: entries with inclusion proofs against a signed checkpoint.",
        discussion: """
            Selects a session's entries (--session) or those whose time is in [--from, --to) \
            (ISO 8601, e.g. 2026-11-26T00:00:00Z), and writes a bundle (docs/evidence.md \
            "Evidence bundles") that `gatehouse audit verify --bundle FILE --key KEY` checks \
            offline. --include-keys adds the sessions' data keys, so sealed fields open: the file \
            is then personal data.
            """)

    @OptionGroup var options: AuditConfigOption
    @Option(name: .long, help: "Export this session's entries.") var session: String?
    @Option(name: .long, help: "Export entries from this time (inclusive, ISO 8601).") var from: String?
    @Option(name: .long, help: "Export entries up to this time (exclusive, ISO 8601).") var to: String?
    @Flag(name: .long, help: "Include the data keys (the bundle becomes personal data).") var includeKeys = false
    @Option(name: .long, help: "The bundle file to write.") var output: String

    func validate() throws {
        switch (session, from, to) {
        case (_?, nil, nil), (nil, _?, _?): return
        default: throw ValidationError("give either --session, or both --from and --to")
        }
    }

    func run() throws {
        let configuration = try loadConfiguration(options.config)
        var logger = Logger(label: "gatehouse.audit")
        logger.logLevel = .warning
        let store = try LedgerSetup.openStore(configuration, logger: logger)
        defer { store.close() }
        let indexes: [UInt64]
        let scope: String
        if let session {
            indexes = try store.entryIndexes(sessionID: session)
            scope = "session \(session)"
        } else {
            let start = try Self.date(from!, option: "--from"), end = try Self.date(to!, option: "--to")
            guard start < end else { throw ValidationError("--from must be before --to") }
            // With the approval steps of every statement in the range, whenever they were taken.
            indexes = try LedgerRangeCompletion.completed(store.entryIndexes(timeRange: start..<end), in: store)
            scope = "time \(UTCTimestamp.string(from: start) ?? from!) to \(UTCTimestamp.string(from: end) ?? to!)"
        }
        do {
            print(try writeEvidenceBundle(configuration: configuration, store: store, indexes: indexes, scope: scope,
                                          includeKeys: includeKeys, to: output, logger: logger))
        } catch {
            printError("gatehouse audit export: \(error)")
            throw ExitCode(1)
        }
    }

    static func date(_ text: String, option: String) throws -> Date {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = ISO8601DateFormatter().date(from: text) ?? withFraction.date(from: text) else {
            throw ValidationError("\(option) '\(text)' is not an ISO 8601 time such as 2026-11-26T00:00:00Z")
        }
        return date
    }
}
