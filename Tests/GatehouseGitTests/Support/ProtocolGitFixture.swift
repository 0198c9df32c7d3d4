import Foundation

/// Real git for the protocol tests: a temporary bare repository with history, helpers that run
/// `/usr/bin/git`, and wrapper scripts that record the exact bytes a real git client sends.
final class ProtocolGitFixture {
    struct Output {
        var stdout: [UInt8]
        var stderr: String
        var status: Int32
    }

    let root: URL
    var bare: URL { root.appendingPathComponent("upstream.git") }
    var work: URL { root.appendingPathComponent("work") }

    /// A bare repo with `main` (two commits) and the annotated tag `v1`, plus a clone to push from.
    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-git-protocol-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try git(["init", "-q", "--bare", "-b", "main", bare.path])
        try git(["-C", bare.path, "config", "http.receivepack", "true"])
        try git(["-C", bare.path, "config", "receive.advertisePushOptions", "true"])
        try git(["-C", bare.path, "config", "uploadpack.allowFilter", "true"])
        try git(["init", "-q", "-b", "main", work.path])
        try commit("one")
        try git(["-C", work.path, "tag", "-a", "v1", "-m", "release one"])
        try commit("two")
        try git(["-C", work.path, "push", "-q", bare.path, "main", "v1"])
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func commit(_ message: String) throws {
        let file = work.appendingPathComponent("\(message).txt")
        try Data("content \(message)\n".utf8).write(to: file)
        try git(["-C", work.path, "add", "."])
        try git(["-C", work.path, "commit", "-q", "-m", message])
    }

    func revParse(_ rev: String, in repo: URL? = nil) throws -> String {
        let out = try git(["-C", (repo ?? work).path, "rev-parse", rev])
        return String(decoding: out.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git; throws unless it exits 0 (pass `check: false` to inspect failures).
    @discardableResult
    func git(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:], check: Bool = true) throws -> Output {
        let output = try run("/usr/bin/git", arguments, stdin: stdin, environment: environment)
        if check && output.status != 0 {
            throw ProtocolFixtureError("git \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
        }
        return output
    }

    /// The response body `git http-backend` (the real smart-HTTP server) gives for a CGI request,
    /// with the CGI headers removed.
    func httpBackend(method: String, path: String, query: String = "", body: [UInt8] = [], gitProtocol: String? = nil,
                     contentType: String? = nil) throws -> [UInt8] {
        var environment = [
            "GIT_PROJECT_ROOT": root.path, "GIT_HTTP_EXPORT_ALL": "1", "REQUEST_METHOD": method,
            "PATH_INFO": path, "QUERY_STRING": query, "CONTENT_LENGTH": String(body.count), "REMOTE_USER": "agent",
        ]
        environment["HTTP_GIT_PROTOCOL"] = gitProtocol
        environment["CONTENT_TYPE"] = contentType
        let output = try git(["http-backend"], stdin: body, environment: environment)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = output.stdout.indices.first(where: { output.stdout[$0...].starts(with: separator) }) else {
            throw ProtocolFixtureError("http-backend gave no CGI header end: \(output.stderr)")
        }
        return Array(output.stdout[(end + separator.count)...])
    }

    /// Writes an executable shell script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let url = root.appendingPathComponent(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    /// A wrapper for `--upload-pack`/`--receive-pack` that records what the client sends to `file`
    /// and lets the real server answer.
    func recordingServer(_ service: String, into file: String) throws -> String {
        try script("record-\(file).sh", "tee '\(root.path)/\(file)' | /usr/bin/git \(service) \"$1\"")
    }

    func recorded(_ file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(file)))
    }

    private func run(_ executable: String, _ arguments: [String], stdin: [UInt8], environment: [String: String]) throws -> Output {
        // Files rather than pipes: no deadlock however much either side writes.
        let id = UUID().uuidString
        let inURL = root.appendingPathComponent("in-\(id)"), outURL = root.appendingPathComponent("out-\(id)"),
            errURL = root.appendingPathComponent("err-\(id)")
        try Data(stdin).write(to: inURL)
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { for url in [inURL, outURL, errURL] { try? FileManager.default.removeItem(at: url) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("GIT_") }
        env.merge(["GIT_CONFIG_NOSYSTEM": "1", "HOME": root.path, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                   "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"]) { $1 }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Output(stdout: Array(try Data(contentsOf: outURL)), stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                      status: process.terminationStatus)
    }
}

struct ProtocolFixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
