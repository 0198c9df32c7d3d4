/// What an approver grants with an approval.
public enum GrantChoice: Sendable, Hashable, Codable {
    /// Exactly the held statement, once.
    case oneTime
    /// The requester, on this connection, on the approved relations (and statement kinds), for
    /// this many minutes (at least 1, at most the connection's `maximumGrantMinutes`).
    case timeBoxed(minutes: Int)
}
