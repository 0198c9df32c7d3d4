/// Why an upstream base URL was refused (a configuration error, raised before any traffic).
public enum UpstreamEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    /// Plain `http` to a host that is not loopback: credentials would cross the network in clear.
    case cleartextToNonLoopback(host: String)
    case unsupportedScheme(String)
    /// User information in the URL: credentials belong in `UpstreamCredential`, which is redacted.
    case credentialsInURL

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid upstream URL: \(url)"
        case .cleartextToNonLoopback(let host):
            "refusing plain http to \(host): use https (plain http is allowed only to a loopback host)"
        case .unsupportedScheme(let scheme): "unsupported upstream URL scheme '\(scheme)': use https"
        case .credentialsInURL: "the upstream URL must not carry user information; configure an UpstreamCredential"
        }
    }
}
