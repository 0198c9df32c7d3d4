import Foundation
import GatehouseCore

/// Writing a checkpoint to its sink.
extension CheckpointSink {
    func write(_ checkpoint: LedgerStoredCheckpoint) throws {
        switch self {
        case .directory(let path):
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let url = URL(fileURLWithPath: path).appendingPathComponent("\(checkpoint.treeSize).checkpoint")
            try Data(checkpoint.note.utf8).write(to: url, options: .atomic)
        case .file(let path):
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw SinkError("cannot open \(path): \(String(cString: strerror(errno)))") }
            defer { close(descriptor) }
            let bytes = Array((checkpoint.note + "\n").utf8)
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { throw SinkError("cannot append to \(path)") }
            guard fsync(descriptor) == 0 else { throw SinkError("cannot fsync \(path)") }
        }
    }

    struct SinkError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
