/// One archive member, with GNU long names, pax overrides and the ustar prefix already applied.
public struct TarEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file, directory, symlink, hardlink
        /// Character or block device, FIFO, or any other type; carries the raw typeflag byte.
        case other(UInt8)
    }

    /// Full path after applying GNU 'L' long name / pax `path` / ustar prefix + name.
    public var name: String
    public var kind: Kind
    /// Content bytes that follow the header (after a pax `size` override).
    public var size: Int
    public var mode: Int
    public var uid: Int
    public var gid: Int
    /// Seconds since the epoch.
    public var modificationTime: Int
    /// After GNU 'K' / pax `linkpath`.
    public var linkName: String
    public var userName: String
    public var groupName: String

    public init(
        name: String, kind: Kind, size: Int = 0, mode: Int = 0o644, uid: Int = 0, gid: Int = 0,
        modificationTime: Int = 0, linkName: String = "", userName: String = "", groupName: String = ""
    ) {
        self.name = name
        self.kind = kind
        self.size = size
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.modificationTime = modificationTime
        self.linkName = linkName
        self.userName = userName
        self.groupName = groupName
    }
}

public enum TarEvent: Sendable, Equatable {
    case entry(TarEntry)
    /// A piece of the current entry's content; an entry's content may arrive in many pieces.
    case content([UInt8])
    /// The current entry is complete (also sent for entries without content).
    case entryEnd
    /// The two zero blocks that end the archive were read.
    case archiveEnd
}

public struct TarStreamError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
