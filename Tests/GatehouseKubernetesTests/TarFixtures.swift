import Foundation
import Testing

/// Real tar processes and file trees for the tar tests: ground truth comes from the tools.
enum TarFixtures {
    /// A fresh directory holding `files` (relative path → content); the caller removes it.
    static func tree(_ files: [String: [UInt8]]) throws -> String {
        let root = FileManager.default.temporaryDirectory.path + "/gatehouse-tar-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for (path, content) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: full, contents: Data(content)), "\(path)")
        }
        return root
    }

    /// Runs `command` (found on PATH) feeding `input`; its stdout. A failure is recorded with its stderr.
    @discardableResult
    static func run(_ command: [String], input: [UInt8] = [], in directory: String? = nil) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let writer = Thread { stdin.fileHandleForWriting.write(Data(input)); try? stdin.fileHandleForWriting.close() }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let complaint = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(command): \(complaint)")
        return [UInt8](output)
    }
}
