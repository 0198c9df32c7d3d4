import GatehouseCore

/// What can be read of an entry.
public enum LedgerEntryContents: Sendable, Equatable {
    /// Everything: the event as it was recorded.
    case event(GatehouseEvent)
    /// The sealed fields cannot be read (their data key is erased, or was not given): only the
    /// clear envelope is available. The entry still verifies in the tree.
    case sealedUnavailable(LedgerEntryEnvelope)
}
