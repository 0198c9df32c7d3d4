/// Who is acting: the validated identity behind a token.
///
/// Entra ID puts the user's object ID in `oid`, the tenant in `tid`, group object IDs in
/// `groups` and the calling application (the agent) in `azp` or `appid`.
public struct Principal: Sendable, Codable, Hashable {
    /// The token's `sub` claim.
    public var subject: String
    /// The token's `iss` claim.
    public var issuer: String
    /// `preferred_username`, when the token has one.
    public var username: String?
    /// Entra ID object ID (`oid`).
    public var objectID: String?
    /// Entra ID tenant ID (`tid`).
    public var tenantID: String?
    /// The application that obtained the token (`azp`, or Entra's `appid`): the agent.
    public var agentApplication: String?
    /// Group names or object IDs, from the issuer's configured groups claim.
    public var groups: [String]

    public init(
        subject: String, issuer: String, username: String? = nil, objectID: String? = nil,
        tenantID: String? = nil, agentApplication: String? = nil, groups: [String] = []
    ) {
        self.subject = subject
        self.issuer = issuer
        self.username = username
        self.objectID = objectID
        self.tenantID = tenantID
        self.agentApplication = agentApplication
        self.groups = groups
    }

    /// A short human name for messages: the username when known, else the subject.
    public var displayName: String { username ?? subject }
}
