import Foundation

/// The demo's storage account: the test harness's Azure Blob stand-in (no Azure emulator can be
/// installed here) run as a process on a free loopback port, seeded with the sample files in the
/// bundle's `blob-seed` (each folder a container). It verifies Shared Key signatures as the
/// service does, so the demo exercises the real signing path. The account key is generated per
/// run and reaches the stand-in and the gateway through the environment, never argv.
///
/// `stop()` is idempotent and safe from any thread.
final class DemoBlobStandIn: @unchecked Sendable {
    static let accountName = "gatehousedemo"
    let accountURL: String
    let keyVariable: String
    private let process: Process
    private let lock = NSLock()
    private var running = true

    struct StartError: Error, CustomStringConvertible {
        let detail: String
        var description: String { "demo Blob stand-in: \(detail)" }
    }

    private init(process: Process, accountURL: String, keyVariable: String) {
        self.process = process
        self.accountURL = accountURL
        self.keyVariable = keyVariable
    }

    /// Starts `script` (tests/integration/blob_standin.py) with python3 and waits for its
    /// `ready <account URL>` line. `keyVariable` is set to a new key in this process first.
    static func start(script: String, seed: String, directory: String, keyVariable: String) throws -> DemoBlobStandIn {
        guard FileManager.default.isReadableFile(atPath: script) else {
            throw StartError(detail: "\(script) not found (scripts/demo.sh passes tests/integration/blob_standin.py)")
        }
        var keyBytes = [UInt8](repeating: 0, count: 32)
        for index in keyBytes.indices { keyBytes[index] = UInt8.random(in: 0...255) }
        setenv(keyVariable, Data(keyBytes).base64EncodedString(), 1)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--account", accountName, "--key-env", keyVariable, "--seed", seed,
                             "--workdir", directory]
        let output = Pipe()
        process.standardOutput = output
        let errorLog = directory + "/stand-in.err"
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: errorLog)
        do {
            try process.run()
        } catch {
            throw StartError(detail: "python3 could not be started: \(error)")
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
            throw StartError(detail: "it did not start: \(reason ?? "no output") (see \(errorLog))")
        }
        return DemoBlobStandIn(process: process, accountURL: String(text.dropFirst("ready ".count)), keyVariable: keyVariable)
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
