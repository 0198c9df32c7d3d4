import GatehouseCore
import GatehouseLedger

/// Derived classification as the ledger holds it: every `classification` entry (indexed in
/// `derived_classifications`), merged per connection. The gateway starts from it, so a copy an
/// approved write made stays personal data across restarts; `check-config` and the web UI show it.
public enum LedgerDerivedClassification {
    /// Connection name to the tables its approved writes classified, in the order they were derived.
    public static func load(from store: SQLiteLedgerStore) throws -> [String: DataClassification] {
        var derived: [String: DataClassification] = [:]
        for stored in try store.derivedClassificationEntries() {
            guard let (connection, tables) = try decode(stored.bytes) else { continue }
            derived[connection, default: DataClassification()] = derived[connection, default: DataClassification()].merging(tables)
        }
        return derived
    }

    /// The connection and the tables a `classification` entry classified; nil for another kind.
    public static func decode(_ bytes: [UInt8]) throws -> (connection: String, tables: [DataClassification.Table])? {
        let envelope = try LedgerEntryEnvelope(canonicalBytes: bytes)
        guard case .classification(let classification) = envelope.payload, let connection = envelope.connection else { return nil }
        return (connection, classification.tables)
    }
}
