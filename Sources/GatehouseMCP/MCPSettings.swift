import GatehouseCore

/// What the `/mcp` endpoint is configured with (docs/mcp.md), built from the gateway's
/// configuration by the `gatehouse` command.
public struct MCPSettings: Sendable {
    /// The endpoint's own URL (`<public_url>/mcp`): the protected resource tokens are for.
    public var resourceURL: String
    /// The issuers whose tokens the gateway accepts: the authorization servers agents are sent to.
    public var authorizationServers: [String]
    /// Host headers accepted (DNS-rebinding protection), `host:*` meaning any port.
    public var allowedHosts: [String]
    /// Origin headers accepted when a browser sends one.
    public var allowedOrigins: [String]
    /// Rows a `query` result holds at most (the agent may ask for fewer).
    public var maxRows: Int
    /// A session nobody used for this long is closed.
    public var sessionIdleSeconds: Int
    /// Sessions one person may hold open at once.
    public var sessionsPerPrincipal: Int

    public init(resourceURL: String, authorizationServers: [String], allowedHosts: [String], allowedOrigins: [String], maxRows: Int,
                sessionIdleSeconds: Int, sessionsPerPrincipal: Int = 16) {
        self.resourceURL = resourceURL
        self.authorizationServers = authorizationServers
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
        self.maxRows = maxRows
        self.sessionIdleSeconds = sessionIdleSeconds
        self.sessionsPerPrincipal = sessionsPerPrincipal
    }

    /// Where the Protected Resource Metadata (RFC 9728) of `resourceURL` is served: the
    /// well-known path inserted before the resource's path.
    public var metadataURL: String {
        guard let schemeEnd = resourceURL.range(of: "://") else { return resourceURL }
        let afterScheme = resourceURL[schemeEnd.upperBound...]
        let pathStart = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        return String(resourceURL[..<pathStart]) + ProtectedResourceMetadata.wellKnownPath + String(afterScheme[pathStart...])
    }
}

/// A connection as the MCP tools see it: what `list_connections` shows and `query` may do.
public struct MCPConnection: Sendable, Equatable {
    public var name: String
    /// `postgres`, `git`, `azure-blob` or `kubernetes`.
    public var type: String
    public var allowedGroups: [String]
    /// PostgreSQL: the configured classification (derived classification is added at use).
    public var classification: DataClassification
    /// PostgreSQL: whether `query` may run statements that write (`mcp_writes: true`).
    public var writesAllowed: Bool

    public init(name: String, type: String, allowedGroups: [String], classification: DataClassification = DataClassification(),
                writesAllowed: Bool = false) {
        self.name = name
        self.type = type
        self.allowedGroups = allowedGroups
        self.classification = classification
        self.writesAllowed = writesAllowed
    }

    public func admits(_ principal: Principal) -> Bool {
        ExactIdentifier.sharesAny(principal.groups, allowedGroups)
    }
}
