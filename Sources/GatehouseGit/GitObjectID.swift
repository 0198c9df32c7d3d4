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
        let digits = Array(hex.utf8)
        guard digits.count == Self.byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(validatedBytes: bytes)
    }

    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
    public var hex: String { hexString(bytes) }
    public var description: String { hex }

    public static func < (lhs: GitObjectID, rhs: GitObjectID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
