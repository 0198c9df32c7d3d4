/// One entry of `notifications`: where approval requests and decisions are announced.
public struct NotificationConfiguration: Sendable, Equatable {
    /// The kinds Gatehouse can send (`GatehouseNotify` builds each one's payload).
    public static let kinds = ["webhook", "slack", "teams"]

    /// Names the target in logs (never its URL, which may be a secret).
    public var name: String
    /// `webhook`, `slack` or `teams`.
    public var kind: String
    /// The URL, written inline, or read from an environment variable or file: Slack and Teams
    /// webhook URLs carry their own credential.
    public var url: URLSource
    /// `webhook` only: the HMAC-SHA256 signing secret.
    public var secret: SecretSource?

    public enum URLSource: Sendable, Equatable {
        case inline(String)
        case secret(SecretSource)

        /// Reads the URL now (errors name the variable or file, never the value).
        public func resolve() throws -> String {
            switch self {
            case .inline(let url): return url
            case .secret(let source): return try source.resolve()
            }
        }
    }

    public init(name: String, kind: String, url: URLSource, secret: SecretSource?) {
        self.name = name
        self.kind = kind
        self.url = url
        self.secret = secret
    }
}
