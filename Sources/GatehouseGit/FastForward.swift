/// Whether a ref update is provably a fast-forward from what the push itself carries: the new
/// commit must lead back to the old one through commits in the pack (a push sends every commit
/// the server lacks, so a fast-forward's new commits end at the old tip or at its ancestors the
/// server has). When the walk cannot show it (a new tip the server already has, or a merge of
/// history not in the pack that happens to contain the old tip) the answer is false: the policy
/// then treats the update as forced, failing closed.
///
/// Built once per push: every ref update of the push is judged against the same commit index.
public struct FastForward: Sendable {
    private let commits: [GitObjectID: GitCommit]

    public init(pushedCommits: [GitCommit]) {
        commits = Dictionary(pushedCommits.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func isProvable(from old: GitObjectID, to new: GitObjectID) -> Bool {
        guard !old.isZero, !new.isZero else { return false }
        if old == new { return true }
        var pending = [new]
        var seen: Set<GitObjectID> = []
        while let id = pending.popLast() {
            guard seen.insert(id).inserted, let commit = commits[id] else { continue }
            if commit.parents.contains(old) { return true }
            pending.append(contentsOf: commit.parents)
        }
        return false
    }
}
