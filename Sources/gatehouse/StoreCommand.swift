import ArgumentParser
import Foundation
import GatehouseStore
import Logging

/// `gatehouse store`: the shared store (docs/deployment.md).
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "The shared PostgreSQL store several instances use (docs/deployment.md).",
        subcommands: [Copy.self])

    /// `gatehouse store copy`: an embedded ledger into the shared store.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy",
            abstract: "Copy this data directory's embedded ledger into the shared store the configuration names.",
            discussion: """
                Stop the gateway first. The store must be empty, or hold the start of this ledger \
                (a copy that was interrupted continues). Every entry keeps its index, so every root, \
                proof and checkpoint stays valid; the data keys move to the store and are removed \
                from the data directory. Afterwards the data directory's ledger.sqlite is this \
                instance's index of the shared log, and other instances take the log from the store.
                """)

        @OptionGroup var options: AuditConfigOption

        func run() async throws {
            let configuration = try loadConfiguration(options.config)
            guard configuration.store != .sqlite else {
                throw ValidationFailure("\(options.config): the configuration has no `store: {type: postgres, ...}` to copy into")
            }
            let path = configuration.ledgerDatabasePath
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationFailure("no embedded ledger at \(path)") }
            var logger = Logger(label: "gatehouse.store")
            logger.logLevel = .warning
            let copied: SQLiteLedgerStore.SharedCopy
            do {
                let embedded = try SQLiteLedgerStore(path: path, logger: logger)
                defer { embedded.close() }
                guard let sharedLog = try LedgerSetup.sharedLog(configuration, logger: logger) else { return }
                defer { sharedLog.close() }
                copied = try embedded.copy(into: sharedLog)
            } catch let error as LedgerStoreError {
                throw ValidationFailure("the copy stopped: \(error)")
            }
            // Opened as the index of the shared log: proves the two agree, root for root.
            let index = try LedgerSetup.openStore(configuration, logger: logger)
            let size = try index.leafCount
            index.close()
            try? FileManager.default.removeItem(atPath: path + ".journal")  // unused with a shared log; absorbed and wiped above
            let resumed = copied.alreadyThere > 0 ? " (continuing after \(copied.alreadyThere) entries copied before)" : ""
            print("Copied \(copied.entries) entries in \(copied.records) records and \(copied.dataKeys) data keys\(resumed); "
                  + "the shared log holds \(size) entries, root \(copied.rootHash.base64).")
            print("\(path) is now this instance's index of the shared log; the data keys are only in the store.")
        }
    }
}
