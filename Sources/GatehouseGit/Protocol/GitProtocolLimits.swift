/// Bounds on what one request may carry, so a hostile client cannot make the gateway buffer
/// or record without end. Git itself has no such limits; these are the gateway's policy.
public struct GitProtocolLimits: Sendable, Equatable {
    /// Ref update commands in one push.
    public var maxCommands: Int
    /// Lines (wants, haves, arguments…) in one fetch or ls-refs request.
    public var maxRequestLines: Int
    /// Bytes in one ref name (git's own refs rarely exceed a few hundred).
    public var maxRefNameLength: Int

    public init(maxCommands: Int = 10_000, maxRequestLines: Int = 1_000_000, maxRefNameLength: Int = 1024) {
        self.maxCommands = maxCommands
        self.maxRequestLines = maxRequestLines
        self.maxRefNameLength = maxRefNameLength
    }

    public static let standard = GitProtocolLimits()
}
