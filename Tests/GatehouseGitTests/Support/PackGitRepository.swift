import Foundation

/// A throwaway repository driven by the real `git` binary, to produce the packs the parser is
/// tested against and the answers (`verify-pack`, `cat-file`, `log`) it is checked with.
final class PackGitRepository {
    struct GitFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let stderr: String
        var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    /// One line of `git verify-pack -v`.
    struct VerifiedObject: Hashable {
        let id: String
        let type: String
        let size: Int
        let offset: Int
        let baseID: String?
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func git(_ arguments: String..., input: Data? = nil) throws -> Data { try git(arguments, input: input) }

    @discardableResult
    func git(_ arguments: [String], input: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = [
            "HOME": directory.path, "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin",
            "GIT_AUTHOR_NAME": "Ada Lovelace", "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_AUTHOR_DATE": "1700000000 +0200",
            "GIT_COMMITTER_NAME": "Charles Babbage", "GIT_COMMITTER_EMAIL": "charles@example.org",
            "GIT_COMMITTER_DATE": "1700000500 -0130",
        ]
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        // Feed and drain concurrently so neither side blocks on a full pipe.
        let writer = Thread {
            if let input { stdin.fileHandleForWriting.write(input) }
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let errorData = ErrorCollector(stderr.fileHandleForReading)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GitFailed(arguments: arguments, status: process.terminationStatus, stderr: errorData.text())
        }
        return output
    }

    func text(_ arguments: String...) throws -> String {
        String(decoding: try git(arguments), as: UTF8.self)
    }

    func write(_ path: String, _ content: String) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }

    func commit(_ message: String, files: [String: String]) throws {
        for (path, content) in files { try write(path, content) }
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
    }

    /// `git pack-objects --stdout --revs` for the given revision lines (`HEAD`, `^HEAD~1`).
    func pack(revisions: [String], options: [String] = ["--delta-base-offset"]) throws -> [UInt8] {
        let input = Data((revisions.joined(separator: "\n") + "\n").utf8)
        return [UInt8](try git(["pack-objects", "--stdout", "--revs", "-q"] + options, input: input))
    }

    /// Indexes the pack with `git index-pack` and lists it with `git verify-pack -v`.
    func verify(pack: [UInt8]) throws -> [VerifiedObject] {
        let file = directory.appendingPathComponent("check-\(UUID().uuidString).pack")
        try Data(pack).write(to: file)
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: file.deletingPathExtension().appendingPathExtension("idx"))
        }
        try git("index-pack", file.path)
        let listing = String(decoding: try git("verify-pack", "-v", file.path), as: UTF8.self)
        return listing.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[0].count == 40, let size = Int(fields[2]), let offset = Int(fields[4]) else { return nil }
            return VerifiedObject(id: String(fields[0]), type: String(fields[1]), size: size, offset: offset,
                                  baseID: fields.count >= 7 ? String(fields[6]) : nil)
        }
    }
}

/// Reads a pipe on its own thread, so a chatty stderr cannot stall the child.
private final class ErrorCollector: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
