import GatehouseMasking

/// What masking did to one value.
public enum MaskedValue: Sendable, Equatable {
    /// Forward the original bytes.
    case unchanged
    /// Send these bytes instead (same type and format as the original).
    case replaced([UInt8])
    /// Send SQL NULL instead: the type cannot hold a masked replacement.
    case null
}

/// The outcome of masking one value.
public struct ValueMaskResult: Sendable, Equatable {
    public var value: MaskedValue
    /// Distinct subjects masked, in order of first appearance.
    public var hits: [SubjectHit]

    public init(value: MaskedValue, hits: [SubjectHit]) {
        self.value = value
        self.hits = hits
    }

    /// True when the value was replaced or became NULL.
    public var masked: Bool { value != .unchanged }
}
