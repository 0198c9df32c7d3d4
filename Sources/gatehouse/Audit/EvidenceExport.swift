import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseLedger
import GatehouseStore
import Logging

/// Writes an evidence bundle of `indexes` to `path` and returns a one-paragraph summary, for
/// `audit export` and `audit subject --export`. The bundle is proven against the latest stored
/// checkpoint when it covers every index; otherwise a checkpoint is signed first (as the gateway
/// would on its next tick). With `includeKeys`, each session's data key is unwrapped with the
/// master key and included (the file is then personal data, written mode 0600); erased keys are
/// simply absent, and the summary says so.
func writeEvidenceBundle(configuration: GatehouseConfiguration, store: SQLiteLedgerStore, indexes: [UInt64],
                         scope: String = "indexes", includeKeys: Bool, to path: String,
                         logger: Logger = Logger(label: "gatehouse.audit")) throws -> String {
    guard let last = indexes.max() else { throw ValidationFailure("no ledger entries match \(scope): nothing to export") }
    let signer = try LedgerSetup.signer(configuration)
    let origin = LedgerSetup.origin(configuration, signer: signer)
    var checkpoint = try store.latestCheckpoint()
    if checkpoint.map({ $0.treeSize <= last }) ?? true {
        let checkpointer = LedgerCheckpointer(store: store, signer: signer, origin: origin,
                                              sink: configuration.ledger.checkpointSink, logger: logger)
        checkpoint = try checkpointer.checkpointIfGrown()
    }
    guard let checkpoint, checkpoint.treeSize > last else {
        throw ValidationFailure("no checkpoint covers entry \(last), and none could be signed")
    }
    let result = try LedgerBundleExport.bundle(from: store, indexes: indexes, checkpoint: checkpoint, scope: scope, signer: signer,
                                               masterKey: includeKeys ? LedgerSetup.masterKey(configuration) : nil)
    try writeBundleFile(try result.bundle.encoded(), to: path, personalData: includeKeys)

    var summary = "Wrote \(result.bundle.entries.count) entr\(result.bundle.entries.count == 1 ? "y" : "ies") (\(scope)) to \(path), "
        + "proven against the checkpoint of '\(result.bundle.origin)' at tree size \(checkpoint.treeSize)."
    if includeKeys {
        let included = result.bundle.dataKeys?.count ?? 0
        summary += " Included \(included) data key(s): the file holds personal data; keep it as such."
        if !result.erasedKeyIDs.isEmpty {
            summary += " Erased, so absent: \(result.erasedKeyIDs.joined(separator: ", ")) (those entries stay sealed)."
        }
    } else {
        summary += " No data keys: sealed fields stay sealed."
    }
    return summary + " Verify it with `gatehouse audit verify --bundle \(path) --key \(signer.verifierKey)`."
}

/// Replaces `path` atomically; 0600 when the bundle carries data keys.
private func writeBundleFile(_ bytes: [UInt8], to path: String, personalData: Bool) throws {
    let url = URL(fileURLWithPath: path)
    do {
        try Data(bytes).write(to: url, options: .atomic)
        if personalData { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
    } catch {
        throw ValidationFailure("cannot write the bundle to \(path): \(error.localizedDescription)")
    }
}
