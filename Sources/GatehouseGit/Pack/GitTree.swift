/// A tree object's entries: `<octal mode> <name>\0<20-byte id>`, repeated.
public struct GitTree: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        /// Octal as written: `100644`, `100755`, `120000` (symlink), `40000` (tree), `160000` (submodule).
        public let mode: String
        public let name: String
        public let id: GitObjectID

        public var isTree: Bool { mode == "40000" }
        /// Files and symlinks are blobs; submodules point to commits in another repository.
        public var isBlob: Bool { mode.hasPrefix("100") || mode == "120000" }
    }

    public struct Malformed: Error, Sendable, Hashable {
        public let offset: Int
    }

    public let entries: [Entry]

    public init(content: [UInt8]) throws(Malformed) {
        var entries: [Entry] = []
        var position = 0
        while position < content.count {
            guard let space = content[position...].firstIndex(of: UInt8(ascii: " ")),
                  let nul = content[space...].firstIndex(of: 0),
                  nul + 1 + GitObjectID.byteCount <= content.count
            else { throw Malformed(offset: position) }
            let idEnd = nul + 1 + GitObjectID.byteCount
            entries.append(Entry(
                mode: String(decoding: content[position..<space], as: UTF8.self),
                name: String(decoding: content[(space + 1)..<nul], as: UTF8.self),
                id: GitObjectID(bytes: content[(nul + 1)..<idEnd])!))
            position = idEnd
        }
        self.entries = entries
    }
}
