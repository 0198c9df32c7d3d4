import Foundation
import GatehouseConfig
import GatehouseStore
import Logging

/// The gateway's background ledger work: signing checkpoints every `checkpoint_interval_ms`
/// when the log has grown, applying retention at start and then hourly, and with a shared store
/// taking in what other instances appended every second.
struct LedgerMaintenance {
    static let retentionCheckInterval: Duration = .seconds(3600)
    static let sharedLogCatchUpInterval: Duration = .seconds(1)

    let tasks: [Task<Void, Never>]
    let checkpointer: LedgerCheckpointer

    func cancel() { tasks.forEach { $0.cancel() } }

    static func start(_ configuration: GatehouseConfiguration, recorder: LedgerEventRecorder, logger: Logger) throws -> LedgerMaintenance {
        let signer = try LedgerSetup.signer(configuration)
        let checkpointer = LedgerCheckpointer(
            store: recorder.store, signer: signer, origin: LedgerSetup.origin(configuration, signer: signer),
            sink: configuration.ledger.checkpointSink, logger: logger)
        do {
            try checkpointer.verifyLatest()
        } catch {
            throw ValidationFailure("""
                \(error). The ledger's origin (ledger.origin, now '\(LedgerSetup.origin(configuration, signer: signer))') or its signing \
                key (\(configuration.ledgerSigningKeySource)) changed since that checkpoint was signed: a log keeps one origin and key, \
                or no checkpoint after it can be chained to it. Set ledger.origin back to the first line of the stored checkpoints \
                and restore the key.
                """)
        }
        let interval = Duration.milliseconds(configuration.ledger.checkpointIntervalMilliseconds)
        let retention = LedgerRetention(
            erasure: LedgerErasure(recorder: recorder),
            days: Dictionary(uniqueKeysWithValues: configuration.connections.map { ($0.name, configuration.retentionDays(for: $0)) }),
            defaultDays: configuration.ledger.retentionDays)
        let checkpoints = Task { await checkpointer.run(every: interval) }
        let retentionTask = Task {
            while !Task.isCancelled {
                do {
                    if let result = try await retention.apply() {
                        logger.notice("retention: data keys shredded", metadata: ["sessions": "\(result.erased.count)", "ledger_index": "\(result.eventIndex)"])
                    }
                } catch {
                    logger.error("retention could not be applied", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: retentionCheckInterval)
            }
        }
        var tasks = [checkpoints, retentionTask]
        if configuration.store != .sqlite {
            // What other instances append (classification they derived above all) arrives within
            // a second even while this one is idle; appends and reads catch up anyway.
            tasks.append(Task {
                while !Task.isCancelled {
                    _ = try? recorder.store.leafCount
                    try? await Task.sleep(for: sharedLogCatchUpInterval)
                }
            })
        }
        return LedgerMaintenance(tasks: tasks, checkpointer: checkpointer)
    }
}
