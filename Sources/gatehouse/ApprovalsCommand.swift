import ArgumentParser
import AsyncHTTPClient
import NIOSSL
import Foundation
import NIOCore

/// `gatehouse approvals`: a client of the approvals REST API (docs/approvals-api.md).
struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "List, show, approve and deny statements held for approval.",
        discussion: """
            Talks to a running gateway's approvals API with your OIDC bearer token. Prefer the \
            GATEHOUSE_TOKEN environment variable to --token: command lines are visible to other \
            users of the machine.
            """,
        subcommands: [List.self, Show.self, Approve.self, Deny.self])

    /// Where the API is and who is calling.
    struct Connection: ParsableArguments {
        @Option(help: "The gateway's HTTP base URL (default: the http listener of --config, else http://127.0.0.1:8080).")
        var url: String?

        @Option(help: "A configuration file to take the HTTP listener's address from.")
        var config: String?

        @Option(help: "The bearer token (default: the GATEHOUSE_TOKEN environment variable).")
        var token: String?

        @Option(help: ArgumentHelp("A PEM file of certificates to trust for the gateway's TLS besides the system's (default: "
                                   + "the HTTP listener's own certificate when --config names one, as in the demo)."))
        var caFile: String?

        /// The certificates to trust besides the system's: --ca-file, else the listener's own.
        func extraTrustedCertificates() throws -> String? {
            if let caFile { return caFile }
            guard url == nil, let config else { return nil }
            return try loadConfiguration(config).httpListener.tls?.certificatePath
        }

        func baseURL() throws -> String {
            if let url { return url.hasSuffix("/") ? String(url.dropLast()) : url }
            if let config {
                let listener = try loadConfiguration(config).httpListener
                let address = listener.address == "0.0.0.0" ? "127.0.0.1" : (listener.address == "::" ? "::1" : listener.address)
                let host = address.contains(":") ? "[\(address)]" : address
                return "\(listener.tls == nil ? "http" : "https")://\(host):\(listener.port)"
            }
            return "http://127.0.0.1:8080"
        }

        func bearerToken() throws -> String {
            if let token, !token.isEmpty { return token }
            if let token = ProcessInfo.processInfo.environment["GATEHOUSE_TOKEN"], !token.isEmpty { return token }
            printError("a bearer token is required: pass --token or set GATEHOUSE_TOKEN")
            throw ExitCode(1)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the pending requests you may see (yours, and those you approve).")
        @OptionGroup var connection: Connection

        @Flag(help: "Print the API's JSON instead of a table.")
        var json = false

        func run() async throws {
            let body = try await ApprovalsClient(connection).call(.get, "/api/v1/approvals")
            if json { return print(String(decoding: body, as: UTF8.self)) }
            let requests = (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? []
            if requests.isEmpty { return print("no pending approval requests") }
            let rows = requests.map { request in
                [
                    request.string("id"), request.string("connection"), ApprovalsFormat.person(request["requester"]),
                    request.strings("categories").joined(separator: ","), request.string("deadline"),
                    (request["purpose"] as? [String: Any])?.string("text") ?? "-",
                ]
            }
            print(ApprovalsFormat.table(header: ["ID", "CONNECTION", "REQUESTER", "CATEGORIES", "DEADLINE", "PURPOSE"], rows: rows))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one request: what it touches, why it was held, decisions so far.")
        @OptionGroup var connection: Connection
        @Argument(help: "The request ID (apr_…).") var id: String
        @Flag(help: "Print the API's JSON instead of text.") var json = false

        func run() async throws {
            let body = try await ApprovalsClient(connection).call(.get, "/api/v1/approvals/\(ApprovalsFormat.pathSegment(id))")
            if json { return print(String(decoding: body, as: UTF8.self)) }
            guard let request = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
                return print(String(decoding: body, as: UTF8.self))
            }
            print(ApprovalsFormat.describe(request))
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a request, once (default) or for a number of minutes.",
            discussion: "A time-boxed grant lets the requester run statements of the same kinds on the same tables (or repeat the same Git operation on the same repository) for N minutes.")
        @OptionGroup var connection: Connection
        @Argument(help: "The request ID (apr_…).") var id: String
        @Option(help: "Why you approve (required; recorded as evidence).") var reason: String
        @Flag(help: "Grant exactly the held statement, once (the default).") var oneTime = false
        @Option(help: "Grant the requester the same tables and statement kinds for this many minutes.") var minutes: Int?

        func validate() throws {
            if oneTime && minutes != nil { throw ValidationError("--one-time and --minutes are mutually exclusive") }
        }

        func run() async throws {
            let grant: [String: Any] = minutes.map { ["kind": "time-boxed", "minutes": $0] } ?? ["kind": "one-time"]
            let body = try await ApprovalsClient(connection).call(
                .post, "/api/v1/approvals/\(ApprovalsFormat.pathSegment(id))/approve", json: ["reason": reason, "grant": grant])
            print(ApprovalsFormat.outcome(body))
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a request: the held statement fails.")
        @OptionGroup var connection: Connection
        @Argument(help: "The request ID (apr_…).") var id: String
        @Option(help: "Why you deny (required; recorded as evidence).") var reason: String

        func run() async throws {
            let body = try await ApprovalsClient(connection).call(
                .post, "/api/v1/approvals/\(ApprovalsFormat.pathSegment(id))/deny", json: ["reason": reason])
            print(ApprovalsFormat.outcome(body))
        }
    }
}

/// One HTTP call to the approvals API; an error answer is printed and exits 1.
struct ApprovalsClient {
    let baseURL: String
    let token: String

    let trusted: String?

    init(_ connection: ApprovalsCommand.Connection) throws {
        baseURL = try connection.baseURL()
        token = try connection.bearerToken()
        trusted = try connection.extraTrustedCertificates()
    }

    enum Verb { case get, post }

    func call(_ verb: Verb, _ path: String, json: [String: Any]? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        switch verb {
        case .get: request.method = .GET
        case .post: request.method = .POST
        }
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let trusted { tls.additionalTrustRoots = [.file(trusted)] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        let outcome: Result<(HTTPClientResponse, ByteBuffer), Error>
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            outcome = .success((response, try await response.body.collect(upTo: 4 * 1024 * 1024)))
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        let response: HTTPClientResponse
        let body: ByteBuffer
        switch outcome {
        case .success(let answer): (response, body) = answer
        case .failure(let error):
            printError("cannot reach the approvals API at \(baseURL): \(error)")
            throw ExitCode(1)
        }
        let data = Data(body.readableBytesView)
        guard (200..<300).contains(response.status.code) else {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            if let failure = object?["error"] as? [String: Any], let message = failure["message"] as? String {
                printError("refused (\(response.status.code) \(failure.string("code"))): \(message)")
            } else {
                printError("the approvals API answered \(response.status.code) \(response.status.reasonPhrase)")
            }
            throw ExitCode(1)
        }
        return data
    }
}

/// Text rendering of the API's JSON.
enum ApprovalsFormat {
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `username (subject) via agent`.
    static func person(_ value: Any?) -> String {
        guard let principal = value as? [String: Any] else { return "-" }
        var text = principal.string("subject")
        if let username = principal["username"] as? String, username != text { text = "\(username) (\(text))" }
        if let agent = principal["agentApplication"] as? String { text += " via \(agent)" }
        return text
    }

    static func describe(_ request: [String: Any]) -> String {
        var lines = [
            "request     \(request.string("id")) (\(request.string("state")))",
            "connection  \(request.string("connection"))",
            "requester   \(person(request["requester"]))",
            "purpose     \((request["purpose"] as? [String: Any])?.string("text") ?? "-")",
        ]
        lines += request.strings("repositories").isEmpty ? [
            "tables      \(request.strings("tables").joined(separator: ", "))",
            "columns     \(request.strings("columns").joined(separator: ", "))",
        ] : [
            "repository  \(request.strings("repositories").joined(separator: ", "))",
            "operation   \(request.strings("operations").joined(separator: ", "))",
        ]
        lines += [
            "categories  \(request.strings("categories").joined(separator: ", "))",
            "created     \(request.string("createdAt"))",
            "deadline    \(request.string("deadline"))",
            "link        \(request.string("approvalURL"))",
            "reasons",
        ]
        lines += request.strings("reasons").map { "  - \($0)" }
        lines += [request.strings("repositories").isEmpty ? "statement (masked)" : "git request"]
        lines += request.string("maskedStatement").split(separator: "\n").map { "  \($0)" }
        let decisions = request["decisions"] as? [[String: Any]] ?? []
        if !decisions.isEmpty {
            lines.append("decisions")
            for decision in decisions {
                let verb = (decision["approved"] as? Bool) == true ? "approved" : "denied"
                let reason = decision["reason"] as? String ?? ""
                lines.append("  - \(decision.string("decidedAt")) \(verb) by \(person(decision["approver"])): \(reason)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func outcome(_ body: Data) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            return String(decoding: body, as: UTF8.self)
        }
        let id = (object["request"] as? [String: Any])?.string("id") ?? "request"
        switch object["outcome"] as? String {
        case "approved":
            let grant = object["grant"] as? [String: Any] ?? [:]
            let repositories = grant.strings("repositories")
            let scope = grant.string("kind") != "time-boxed" ? "one-time"
                : repositories.isEmpty
                ? "time-boxed on \(grant.strings("tables").joined(separator: ", ")) (\(grant.strings("kinds").joined(separator: ", ")))"
                : "time-boxed on \(repositories.joined(separator: ", ")) (\(grant.strings("operations").joined(separator: ", ")))"
            return "\(id) approved: grant \(grant.string("id")), \(scope), until \(grant.string("expiresAt"))"
        case "awaiting_more_approvals":
            let remaining = object["remaining"] as? Int ?? 0
            return "\(id): approval counted; \(remaining) more approver\(remaining == 1 ? "" : "s") needed"
        case "denied":
            return "\(id) denied"
        default:
            return String(decoding: body, as: UTF8.self)
        }
    }

    /// The ID as one URL path segment (an ID is `apr_` and hex, but the argument is user input).
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")) ?? id
    }
}

extension Dictionary where Key == String, Value == Any {
    fileprivate func string(_ key: String) -> String { self[key] as? String ?? "-" }
    fileprivate func strings(_ key: String) -> [String] { self[key] as? [String] ?? [] }
}
