import GatehouseCore

/// A Git object name: the SHA-1 of the object (20 bytes), written as 40 lowercase hex digits.
/// The all-zero ID stands for "no object" in ref updates (a created or deleted ref).
public struct GitObjectID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let byteCount = 20
    public static let zero = GitObjectID(validatedBytes: [UInt8](repeating: 0, count: byteCount))

    public let bytes: [UInt8]

    private init(validatedBytes: [UInt8]) { bytes = validatedBytes }

    /// nil unless exactly 20 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.init(validatedBytes: Array(bytes))
    }

    /// nil unless exactly 40 hex digits (either case).
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == Self.byteCount * 2, let bytes = GatehouseCore.bytes(fromHex: hex) else { return nil }
        self.init(validatedBytes: bytes)
    }

    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
    public var hex: String { hexString(bytes) }
    public var description: String { hex }

    public static func < (lhs: GitObjectID, rhs: GitObjectID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}
