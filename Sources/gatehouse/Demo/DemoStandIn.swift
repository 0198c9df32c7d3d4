import Foundation

/// One of the demo's upstreams that cannot run here for real (an Azure storage account, a
/// Kubernetes API server): the test harness's stand-in, run as a process with python3, which
/// prints `ready <URL>` once it listens. Secrets reach it through the environment, never argv;
/// its stderr goes to `<directory>/stand-in.err`.
///
/// `stop()` is idempotent and safe from any thread.
final class DemoStandIn: @unchecked Sendable {
    /// What the stand-in said it serves.
    let url: String
    private let process: Process
    private let lock = NSLock()
    private var running = true

    struct StartError: Error, CustomStringConvertible {
        let name: String
        let detail: String
        var description: String { "demo \(name): \(detail)" }
    }

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    /// Starts `script` with `arguments` and waits for its `ready <URL>` line. `name` is for errors.
    static func start(_ name: String, script: String, arguments: [String], directory: String) throws -> DemoStandIn {
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw StartError(name: name, detail: "\(script) not found (scripts/demo.sh passes the test harness's stand-ins)")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        let errorLog = directory + "/stand-in.err"
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errorLog)
        do {
            try process.run()
        } catch {
            throw StartError(name: name, detail: "python3 could not be started: \(error)")
        }
        // The first line says where it listens (or the process ends: its stderr says why).
        var line = Data()
        let reader = output.fileHandleForReading
        while !line.contains(0x0A) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("ready "), process.isRunning else {
            process.terminate()
            let reason = (try? String(contentsOfFile: errorLog, encoding: .utf8))?.split(separator: "\n").last.map(String.init)
            throw StartError(name: name, detail: "it did not start: \(reason ?? "no output") (see \(errorLog))")
        }
        return DemoStandIn(process: process, url: String(text.dropFirst("ready ".count)))
    }

    /// A new random secret (base64, 32 bytes) in the environment variable `name`, for the stand-in and the gateway.
    static func exportSecret(_ name: String) {
        var bytes = [UInt8](repeating: 0, count: 32)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        setenv(name, Data(bytes).base64EncodedString(), 1)
    }

    func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        guard wasRunning, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
