import Foundation

/// Validation of the upstream path and query an adapter asks for: raw (still percent-encoded) text,
/// checked without being re-encoded.
enum UpstreamPath {
    /// Characters allowed raw in a path: RFC 3986 pchar plus "/" ("%" only as an escape).
    private static let pathCharacters = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/%".utf8)
    private static let queryCharacters = pathCharacters.union("?".utf8)

    /// Splits a path into segments, refusing dot segments (".", "..", also when percent-encoded,
    /// also hidden behind an encoded slash or backslash) and characters that are not allowed raw.
    static func segments(_ path: String) throws -> [Substring] {
        try validate(path, allowed: pathCharacters)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for segment in segments {
            let decoded = (String(segment).removingPercentEncoding ?? String(segment))
            let parts = decoded.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
            if parts.contains(where: { $0 == ".." || $0 == "." }) { throw ProxyError.invalidPath(path) }
        }
        return segments
    }

    static func validate(query: String) throws {
        try validate(query, allowed: queryCharacters)
    }

    private static func validate(_ text: String, allowed: Set<UInt8>) throws {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            guard allowed.contains(byte) else { throw ProxyError.invalidPath(text) }
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, bytes[index + 1].isHexDigit, bytes[index + 2].isHexDigit else {
                    throw ProxyError.invalidPath(text)
                }
            }
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
