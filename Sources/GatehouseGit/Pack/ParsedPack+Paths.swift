extension ParsedPack {
    /// Paths of blobs, found by walking each pushed commit's root tree through the trees this
    /// pack carries; trees left out of the pack (unchanged on the server) are not walked.
    public func blobPaths() -> [GitObjectID: [String]] {
        var paths: [GitObjectID: Set<String>] = [:]
        var visited: Set<TreeVisit> = []
        for commit in commits { walk(tree: commit.tree, prefix: "", into: &paths, visited: &visited) }
        return paths.mapValues { $0.sorted() }
    }

    /// Paths for a delta's new bytes: the result's paths if it resolved, else its base's.
    public func paths(of inserts: DeltaInserts, blobPaths: [GitObjectID: [String]]) -> [String] {
        if let id = inserts.resultID, let paths = blobPaths[id] { return paths }
        return inserts.baseID.flatMap { blobPaths[$0] } ?? []
    }

    private struct TreeVisit: Hashable {
        let tree: GitObjectID
        let prefix: String
    }

    private func walk(tree id: GitObjectID, prefix: String, into paths: inout [GitObjectID: Set<String>], visited: inout Set<TreeVisit>) {
        guard visited.insert(TreeVisit(tree: id, prefix: prefix)).inserted,
              object(id)?.type == .tree, let content = content(of: id),
              let tree = try? GitTree(content: content)
        else { return }
        for entry in tree.entries {
            let path = prefix + entry.name
            if entry.isTree {
                walk(tree: entry.id, prefix: path + "/", into: &paths, visited: &visited)
            } else if entry.isBlob {
                paths[entry.id, default: []].insert(path)
            }
        }
    }
}
