/// Which ref updates a push may make through the gateway, decided before anything reaches the
/// upstream: branch patterns, tags, and forced (not provably fast-forward) updates.
public struct GitPushPolicy: Sendable, Equatable {
    /// One requested ref update, as the pushed pack lets the gateway judge it.
    public struct RefChange: Sendable, Equatable {
        public var ref: String
        public var isCreate: Bool
        public var isDelete: Bool
        /// True when the new commit provably descends from the old one; false when it does not
        /// or cannot be shown from what was pushed (fail closed). Ignored for creates and deletes.
        public var isFastForward: Bool

        public init(ref: String, isCreate: Bool, isDelete: Bool, isFastForward: Bool) {
            self.ref = ref
            self.isCreate = isCreate
            self.isDelete = isDelete
            self.isFastForward = isFastForward
        }
    }

    public var branches: [PathPattern]
    public var tags: Bool
    public var allowForce: Bool

    public init(branches: [String], tags: Bool, allowForce: Bool) {
        self.branches = branches.map(PathPattern.init)
        self.tags = tags
        self.allowForce = allowForce
    }

    /// nil when the change is allowed, otherwise why not (one line, for git's `ng <ref> <reason>`).
    public func refusal(of change: RefChange) -> String? {
        if change.ref.hasPrefix("refs/heads/") {
            let branch = String(change.ref.dropFirst("refs/heads/".count))
            guard branches.contains(where: { $0.matches(branch) }) else {
                return "branch \(branch) is not one agents may push to through Gatehouse (allowed: \(branches.map(\.text).joined(separator: ", ")))"
            }
        } else if change.ref.hasPrefix("refs/tags/") {
            guard tags else { return "pushing tags through Gatehouse is not allowed on this connection" }
            // A tag that moves rewrites history for everyone who fetched it.
            if !change.isCreate { return "tags may only be created, not moved or deleted" }
        } else {
            return "only branches and tags may be pushed through Gatehouse"
        }
        if !change.isCreate, !change.isDelete, !change.isFastForward, !allowForce {
            return "not a fast-forward (forced updates are not allowed through Gatehouse)"
        }
        return nil
    }
}
