import Foundation

/// OAuth 2.0 Protected Resource Metadata (RFC 9728) for the `/mcp` endpoint, and the
/// `WWW-Authenticate` challenges that point to it, as the MCP authorization specification asks
/// of an HTTP server: the client learns from a 401 which authorization servers issue its tokens.
public enum ProtectedResourceMetadata {
    public static let wellKnownPath = "/.well-known/oauth-protected-resource"

    /// The metadata document.
    public static func document(_ settings: MCPSettings) -> [String: Any] {
        [
            "resource": settings.resourceURL,
            "authorization_servers": settings.authorizationServers,
            "bearer_methods_supported": ["header"],
            "resource_name": "Gatehouse MCP endpoint",
            "resource_documentation": "docs/mcp.md",
        ]
    }

    public static func json(_ settings: MCPSettings) -> Data {
        (try? JSONSerialization.data(withJSONObject: document(settings), options: [.sortedKeys])) ?? Data()
    }

    /// The challenge of a 401: without a token, only the metadata pointer; with a refused one,
    /// also `error="invalid_token"` and why (RFC 6750, section 3). Quotes and backslashes in the
    /// description are dropped so it stays one quoted string.
    public static func challenge(_ settings: MCPSettings, invalidTokenReason: String? = nil) -> String {
        var challenge = "Bearer resource_metadata=\"\(settings.metadataURL)\""
        if let reason = invalidTokenReason {
            let description = reason.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }.prefix(200)
            challenge += ", error=\"invalid_token\", error_description=\"\(description)\""
        }
        return challenge
    }
}
