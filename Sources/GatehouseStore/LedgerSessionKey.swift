import GatehouseCore
import GatehouseLedger

/// A session's data key as the readers (subject access, the browser) need it: the stored row,
/// and the key unwrapped by the master key while it exists. By convention the key's ID is the
/// session ID.
struct LedgerSessionKey {
    /// nil when the session never stored a key (it sealed nothing).
    let stored: LedgerDataKey?
    /// nil when erased or never created.
    let key: DataKey?

    init(session: String, in store: SQLiteLedgerStore, masterKey: MasterKey) throws {
        stored = try store.dataKey(keyID: session)
        key = try stored?.wrapped.map { try DataKey(unwrapping: $0, id: session, by: masterKey) }
    }

    /// The key existed and is gone (erased on request or by retention).
    var erased: Bool { stored != nil && key == nil }

    /// The entry's event with its sealed fields opened by `key` (an entry without sealed fields
    /// needs none); nil when they cannot be opened (no key, another key, a damaged box).
    static func open(_ bytes: [UInt8], with key: DataKey?) -> GatehouseEvent? {
        guard case .event(let event)? = try? LedgerEntryCodec.decode(bytes, dataKey: key) else { return nil }
        return event
    }
}
