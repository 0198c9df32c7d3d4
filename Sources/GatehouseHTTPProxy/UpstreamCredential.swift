import Foundation

/// The credential the proxy injects upstream on the client's behalf. The client never sees it,
/// and it never appears in logs or errors: `description`, `debugDescription` and the mirror redact it.
public enum UpstreamCredential: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    case none
    /// `Authorization: Bearer <token>`.
    case bearer(String)
    /// `Authorization: Basic base64(user:password)`.
    case basic(user: String, password: String)
    /// Any other header, e.g. `x-ms-...` or an API-key header.
    case header(name: String, value: String)

    /// The header the proxy sets upstream, if any.
    public var field: (name: String, value: String)? {
        switch self {
        case .none: nil
        case .bearer(let token): ("Authorization", "Bearer \(token)")
        case .basic(let user, let password):
            ("Authorization", "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        case .header(let name, let value): (name, value)
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .bearer: "bearer(<redacted>)"
        case .basic: "basic(<redacted>)"
        case .header(let name, _): "header(\(name): <redacted>)"
        }
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["credential": description]) }
}
