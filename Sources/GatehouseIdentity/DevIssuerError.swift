/// Why the dev issuer could not load its key or mint a token.
public enum DevIssuerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The key file is readable by group or others; it holds a private key.
    case keyFileNotPrivate(path: String, mode: String)
    case keyFileUnreadable(path: String, reason: String)
    case keyFileNotWritable(path: String, reason: String)
    case invalidTokenRequest(String)

    public var description: String {
        switch self {
        case .keyFileNotPrivate(let path, let mode):
            return "The dev issuer key file \(path) has permissions \(mode); it holds a private key, so it must be "
                + "accessible by its owner only (chmod 600)."
        case .keyFileUnreadable(let path, let reason):
            return "The dev issuer key file \(path) could not be read: \(reason)."
        case .keyFileNotWritable(let path, let reason):
            return "The dev issuer key file \(path) could not be created: \(reason)."
        case .invalidTokenRequest(let reason):
            return "The dev issuer cannot mint this token: \(reason)."
        }
    }
}
