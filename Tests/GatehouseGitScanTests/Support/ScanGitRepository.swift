import Foundation

/// A throwaway repository driven by the real `git` binary, to make the packs a push would send.
/// (Like GatehouseGitTests' `PackGitRepository`, which another test target cannot import.)
final class ScanGitRepository {
    struct GitFailed: Error, CustomStringConvertible {
        let description: String
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"])
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Fixed identity and dates, so runs are repeatable; no user or system configuration.
    private var environment: [String: String] {
        var environment = ["HOME": directory.path, "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"]
        for role in ["AUTHOR", "COMMITTER"] {
            environment["GIT_\(role)_NAME"] = "Scan Test"
            environment["GIT_\(role)_EMAIL"] = "scan-test@example.invalid"
            environment["GIT_\(role)_DATE"] = "1700000000 +0000"
        }
        return environment
    }

    /// Runs git in the repository. Input and output go through files outside the work tree, so
    /// no pipe can fill up and block, and `git add -A` does not see them.
    @discardableResult
    func git(_ arguments: [String], input: Data? = nil) throws -> Data {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-scan-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var files: [String: URL] = [:]
        for (name, content) in ["in": input ?? Data(), "out": Data(), "err": Data()] {
            files[name] = scratch.appendingPathComponent(name)
            try content.write(to: files[name]!)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        (process.standardInput, process.standardOutput, process.standardError) = (
            try FileHandle(forReadingFrom: files["in"]!), try FileHandle(forWritingTo: files["out"]!),
            try FileHandle(forWritingTo: files["err"]!))
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: try Data(contentsOf: files["err"]!), as: UTF8.self)
            throw GitFailed(description: "git \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(stderr)")
        }
        return try Data(contentsOf: files["out"]!)
    }

    func write(_ path: String, _ content: Data) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try content.write(to: url)
    }

    func commit(_ message: String, files: [String: String]) throws {
        try commit(message, data: files.mapValues { Data($0.utf8) })
    }

    func commit(_ message: String, data files: [String: Data]) throws {
        for (path, content) in files { try write(path, content) }
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
    }

    func head() throws -> String {
        String(decoding: try git(["rev-parse", "HEAD"]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func blobID(_ revision: String, _ path: String) throws -> String {
        String(decoding: try git(["rev-parse", "\(revision):\(path)"]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git pack-objects --stdout --revs` for the given revision lines (`HEAD`, `^HEAD~1`), as a push sends.
    func pack(revisions: [String], options: [String] = ["--delta-base-offset"]) throws -> [UInt8] {
        let input = Data((revisions.joined(separator: "\n") + "\n").utf8)
        return [UInt8](try git(["pack-objects", "--stdout", "--revs", "-q"] + options, input: input))
    }
}
