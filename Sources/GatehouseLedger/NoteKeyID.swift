import Crypto
import GatehouseCore

/// The 32-bit key ID that, with the key name, identifies the key behind a note signature.
/// It is an identifier, not a security property: the verifier is configured with the whole key.
public struct NoteKeyID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    /// C2SP signed-note: the first four bytes, big-endian, of
    /// SHA-256(key name || 0x0A || signature type || public key).
    public init(keyName: String, signatureType: UInt8, publicKey: some Sequence<UInt8>) {
        var hash = SHA256()
        hash.update(data: Array(keyName.utf8) + [0x0A, signatureType] + Array(publicKey))
        self.init(bigEndianBytes: Array(hash.finalize().prefix(4)))
    }

    init(bigEndianBytes bytes: [UInt8]) {
        rawValue = bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Eight hex digits, as in key strings. Upper case is accepted, as golang.org/x/mod/sumdb/note does.
    init?<Text: StringProtocol>(hex: Text) {
        guard hex.utf8.count == 8, hex.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }),
              let value = UInt32(hex, radix: 16) else { return nil }
        rawValue = value
    }

    var bigEndianBytes: [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: rawValue >> $0) } }

    /// Eight lower-case hex digits, as in key strings.
    public var description: String { hexString(bigEndianBytes) }
}
