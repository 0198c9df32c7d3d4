/// Why a pack was rejected, with where: the object's index in the pack (when inside an object)
/// and the byte offset from the start of the pack, so a refused push can be diagnosed from the log.
public struct PackError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case badSignature
        case unsupportedVersion(UInt32)
        case truncated
        case badObjectType(UInt8)
        case badVarint
        case badBaseOffset(Int)
        case zlib(code: Int32, message: String)
        case sizeMismatch(declared: Int, actual: Int)
        case longerThanDeclared(declared: Int)
        case trailingData(byteCount: Int)
        case badTrailerChecksum(expected: String, actual: String)
        case limitExceeded(String)
        case badDelta(String)
    }

    public let reason: Reason
    public let objectIndex: Int?
    public let offset: Int

    public init(_ reason: Reason, objectIndex: Int? = nil, offset: Int) {
        self.reason = reason
        self.objectIndex = objectIndex
        self.offset = offset
    }

    public var description: String {
        let place = objectIndex.map { "object \($0) at byte offset \(offset)" } ?? "byte offset \(offset)"
        return "invalid pack: \(reasonText) (\(place))"
    }

    private var reasonText: String {
        switch reason {
        case .badSignature: "signature is not PACK"
        case .unsupportedVersion(let version): "unsupported pack version \(version)"
        case .truncated: "pack is truncated"
        case .badObjectType(let type): "unknown object type \(type)"
        case .badVarint: "size or offset number is too long"
        case .badBaseOffset(let distance): "delta base offset \(distance) points outside the pack"
        case .zlib(let code, let message): "zlib error \(code): \(message)"
        case .sizeMismatch(let declared, let actual): "declared size \(declared) but content has \(actual) bytes"
        case .longerThanDeclared(let declared): "content is longer than its declared size \(declared)"
        case .trailingData(let count): "\(count) bytes after the last object where the 20-byte checksum should be (wrong object count?)"
        case .badTrailerChecksum(let expected, let actual): "trailer checksum \(actual) does not match content \(expected)"
        case .limitExceeded(let what): "limit exceeded: \(what)"
        case .badDelta(let what): "malformed delta: \(what)"
        }
    }
}
