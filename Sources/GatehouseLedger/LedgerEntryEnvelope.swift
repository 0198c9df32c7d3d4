import Foundation
import GatehouseCore

/// The clear part of a ledger entry (format v1, docs/evidence.md "Entry format v1"): everything
/// anyone holding the entry bytes can read, forever, and the sealed box of the rest. Its canonical
/// JSON without `sealed` is the box's associated data, so a box opens only inside its own entry.
public struct LedgerEntryEnvelope: Sendable, Equatable {
    /// Milliseconds since the Unix epoch, as the entry's `time` holds it (a whole millisecond).
    public var time: Date
    public var sessionID: String
    public var connection: String?
    /// The accountable actor, in clear: attribution is what the record is for.
    public var principal: Principal?
    public var payload: Payload
    /// The AES-GCM box of the fields that may hold personal data; nil when the event had none.
    public var sealed: SealedFieldsBox?

    public init(time: Date, sessionID: String, connection: String?, principal: Principal?, payload: Payload,
                sealed: SealedFieldsBox?) {
        self.time = time
        self.sessionID = sessionID
        self.connection = connection
        self.principal = principal
        self.payload = payload
        self.sealed = sealed
    }

    /// The event kind (`authentication`, `session_end`, `statement`, `outcome`, `erasure`, `configuration`, `approval`, `git`), as in `GatehouseEvent.kind`.
    public var kind: String { payload.kind }
}
