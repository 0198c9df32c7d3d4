import Foundation
import GatehouseConfig
import Logging

/// `<data_dir>/gatehouse.pid` while the gateway runs: how `gatehouse reload` finds the process
/// to send SIGHUP to.
struct ProcessIDFile {
    let path: String

    init(_ configuration: GatehouseConfiguration) {
        path = configuration.dataDirectory + "/gatehouse.pid"
    }

    func write(logger: Logger) {
        // Not needed to serve: a gateway that cannot write it still runs, and says so.
        if !FileManager.default.createFile(atPath: path, contents: Data("\(getpid())\n".utf8), attributes: [.posixPermissions: 0o600]) {
            logger.warning("cannot write the process ID file; `gatehouse reload` will not find this process", metadata: ["path": "\(path)"])
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The running gateway's process ID, if the file names one.
    func read() -> pid_t? {
        guard let data = FileManager.default.contents(atPath: path),
              let pid = pid_t(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return nil }
        return pid
    }
}
