import Foundation
import GatehouseCore

/// Writing a checkpoint to its sink.
extension CheckpointSink {
    func write(_ checkpoint: LedgerStoredCheckpoint) throws {
        switch self {
        case .directory(let path):
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Self.publish(Array(checkpoint.note.utf8), as: "\(checkpoint.treeSize).checkpoint", in: path)
        case .file(let path):
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw SinkError("cannot open \(path): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            try Self.writeAll(Array((checkpoint.note + "\n").utf8), to: descriptor, what: path)
        }
    }

    /// Puts a whole, durable file under `name` in `directory`, and nothing else there at any
    /// moment: whoever collects the sink (an auditor's sync, a watcher) never sees a partial note
    /// or a temporary name. The file is written unnamed (`O_TMPFILE`), synced, then linked in;
    /// where the filesystem has no unnamed files, under a hidden temporary name, then renamed.
    static func publish(_ bytes: [UInt8], as name: String, in directory: String) throws {
        let target = directory + "/" + name
        // O_TMPFILE is __O_TMPFILE | O_DIRECTORY (Linux); Glibc does not export the macro to Swift.
        let unnamed = open(directory, 0o20_000_000 | O_DIRECTORY | O_WRONLY | O_CLOEXEC, 0o644)
        if unnamed >= 0 {
            defer { close(unnamed) }
            try writeAll(bytes, to: unnamed, what: target)
            unlink(target)  // a checkpoint of the same size written again: the new one stands
            guard linkat(AT_FDCWD, "/proc/self/fd/\(unnamed)", AT_FDCWD, target, AT_SYMLINK_FOLLOW) == 0 else {
                throw SinkError("cannot link \(target): \(String(cString: strerror(errno)))")
            }
        } else {
            let temporary = directory + "/.\(name).\(getpid()).partial"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw SinkError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            try writeAll(bytes, to: descriptor, what: temporary)
            guard rename(temporary, target) == 0 else { throw SinkError("cannot rename to \(target): \(String(cString: strerror(errno)))") }
        }
        // The new name itself must survive a crash.
        try? DurableFileIO.syncDirectory(directory)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, what: String) throws {
        try DurableFileIO.writeAll(bytes, to: descriptor, path: what)
        guard fsync(descriptor) == 0 else { throw SinkError("cannot fsync \(what)") }
    }

    struct SinkError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
