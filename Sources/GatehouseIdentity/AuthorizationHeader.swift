import Foundation

/// Where HTTP clients put a token in `Authorization`: `Bearer <token>` (scheme case-insensitive),
/// or, for clients such as git whose credential helpers only know user and password, as the
/// password of `Basic` (any user name). One parser for the approvals API and the Git gateway.
public enum AuthorizationHeader {
    /// The token of `Bearer <token>`, or nil.
    public static func bearerToken(_ header: String?) -> String? {
        guard let (scheme, value) = split(header), scheme == "bearer" else { return nil }
        return value.isEmpty ? nil : value
    }

    /// The password of `Basic base64(user:password)` (it may hold colons), or nil.
    public static func basicPassword(_ header: String?) -> String? {
        guard let (scheme, value) = split(header), scheme == "basic",
              let decoded = Data(base64Encoded: value).flatMap({ String(data: $0, encoding: .utf8) }),
              let colon = decoded.firstIndex(of: ":") else { return nil }
        let password = String(decoded[decoded.index(after: colon)...])
        return password.isEmpty ? nil : password
    }

    private static func split(_ header: String?) -> (scheme: String, value: String)? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        return (parts[0].lowercased(), parts[1].trimmingCharacters(in: .whitespaces))
    }
}
