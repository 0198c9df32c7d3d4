/// Where the ledger also writes each signed checkpoint, outside its database (configuration
/// `ledger.checkpoint_sink`; the writing is `GatehouseStore`'s), so deleting or rewriting the
/// database's checkpoints cannot hide a truncated or rewritten log from whoever keeps these copies.
public enum CheckpointSink: Sendable, Equatable, CustomStringConvertible {
    /// One file per checkpoint, `<tree size>.checkpoint`, written atomically, in this directory.
    case directory(String)
    /// Every checkpoint appended to this file (O_APPEND, then fsync), each note followed by an empty line.
    case file(String)

    public var description: String {
        switch self {
        case .directory(let path): return "directory \(path)"
        case .file(let path): return "file \(path)"
        }
    }
}
