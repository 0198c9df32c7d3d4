/// A token split into its three compact-serialisation parts, with header and payload decoded.
/// Nothing here is trusted yet: the signature has not been checked.
struct CompactJWS: Sendable {
    /// Tokens beyond this size are refused before any decoding (Entra tokens with many groups
    /// stay well under it).
    static let maximumLength = 64 * 1024

    /// The token as presented, for the signature check over its first two parts.
    let compact: String
    let header: JOSEHeader
    let claims: [String: JSONValue]
    /// The decoded third part (empty for `alg: none`).
    let signature: [UInt8]

    /// Splits and decodes the token. The signature part may be empty here (as in `alg: none`
    /// tokens) so that the caller refuses such tokens for their algorithm, the precise reason.
    init(parsing token: String) throws(TokenValidationError) {
        guard token.utf8.count <= Self.maximumLength else { throw .malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
            let headerBytes = Base64URL.decode(parts[0]),
            let payloadBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else {
            throw .malformed
        }
        let headerMembers = try Self.object(headerBytes)
        self.claims = try Self.object(payloadBytes)
        self.header = try JOSEHeader(headerMembers)
        self.compact = token
        self.signature = signature
    }

    private static func object(_ bytes: [UInt8]) throws(TokenValidationError) -> [String: JSONValue] {
        do {
            return try JSONValue.object(from: bytes)
        } catch .duplicateMember(let name) {
            throw .duplicateMember(ClientSafeText.echo(name))
        } catch {
            throw .malformed
        }
    }
}

/// The JOSE header members Gatehouse acts on. Key-carrying members (`jwk`, `jku`, `x5u`,
/// `x5c`) are deliberately ignored: keys come only from the issuer's JWKS.
struct JOSEHeader: Sendable {
    let algorithm: String
    let keyID: String?

    init(_ members: [String: JSONValue]) throws(TokenValidationError) {
        guard let algorithm = members["alg"]?.stringValue else { throw .malformed }
        self.algorithm = algorithm
        switch members["kid"] {
        case nil: keyID = nil
        case .string(let keyID)?: self.keyID = keyID
        default: throw .malformed
        }
        if let critical = members["crit"] {
            let names = (critical.arrayOfStrings ?? ["?"]).joined(separator: ", ")
            throw .unsupportedCriticalHeader(ClientSafeText.echo(names))
        }
    }
}

extension JSONValue {
    var arrayOfStrings: [String]? {
        guard case .array(let elements) = self else { return nil }
        var strings: [String] = []
        for element in elements {
            guard let string = element.stringValue else { return nil }
            strings.append(string)
        }
        return strings
    }
}
