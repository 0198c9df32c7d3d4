import Foundation

/// One client request to the API server, classified before anything is forwarded: which
/// operation, in which namespace, on which pod, and for exec what runs where. The path is the
/// client's below `/k8s/<connection>`. Pure; refusals name what was asked in kubectl's terms.
public struct KubeRequest: Sendable, Equatable {
    public static let prefix = "/k8s/"

    public let connection: String
    public let operation: KubeOperation
    /// nil for discovery and for lists across all namespaces.
    public let namespace: String?
    public let pod: String?
    /// What exec (and attach) asked for; nil otherwise.
    public let exec: ExecOptions?
    /// Log options kubectl sends (`follow`, `container`...), nil for other operations.
    public let log: LogOptions?
    /// The path below the connection (what the API server gets) and the raw query.
    public let upstreamPath: String
    public let query: String?

    /// Why a request is not served: an unknown or malformed path (404 / 400) or something the
    /// gateway does not allow (403), each answered as a Kubernetes `Status`.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable { case invalid, notFound, forbidden }
        public let kind: Kind
        public let message: String
        public var description: String { message }
        init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }
    }

    /// The connection a Kubernetes path names, or nil when it is not one.
    public static func connectionName(inPath path: String) -> String? {
        guard path.hasPrefix(prefix) else { return nil }
        let name = path.dropFirst(prefix.count).prefix { $0 != "/" }
        return name.isEmpty ? nil : String(name)
    }

    /// Classifies `method` on `path` (raw, as the client sent it) with `query` (raw, no `?`).
    public init(method: String, path: String, query: String?) throws {
        guard let connection = Self.connectionName(inPath: path) else {
            throw Refusal(.notFound, "not a Kubernetes URL: use /k8s/<connection> as the server in the kubeconfig")
        }
        let rest = String(path.dropFirst(Self.prefix.count + connection.count))
        guard !rest.contains("%"), !rest.contains("//"), !rest.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }) else {
            throw Refusal(.invalid, "the path \(rest) is not one Gatehouse forwards (escapes, empty or dot segments)")
        }
        let segments = rest.split(separator: "/").map(String.init)
        let parameters = KubeQuery(query)
        self.connection = connection
        upstreamPath = rest.isEmpty ? "/" : rest
        self.query = query
        let verb = method.uppercased()

        func refuse(_ what: String) -> Refusal {
            Refusal(.forbidden, "\(what) is not an operation Gatehouse allows")
        }
        // Discovery: read-only descriptions of the API, no objects.
        if verb == "GET", Self.isDiscovery(segments) {
            (self.operation, self.namespace, self.pod, self.exec, self.log) = (.discovery, nil, nil, nil, nil)
            return
        }
        // Core group objects: /api/v1/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]]
        guard segments.count >= 3, segments[0] == "api", segments[1] == "v1" else {
            throw refuse("\(verb) \(upstreamPath)")
        }
        var index = 2
        var namespace: String?
        if segments[index] == "namespaces" && segments.count > index + 2 {
            namespace = try Self.validName(segments[index + 1], what: "namespace")
            index += 2
        }
        let resource = segments[index]
        let name = segments.count > index + 1 ? try Self.validName(segments[index + 1], what: "\(resource) name") : nil
        let subresource = segments.count > index + 2 ? segments[index + 2] : nil
        guard segments.count <= index + 3 else { throw refuse("\(verb) \(upstreamPath)") }
        self.namespace = namespace
        pod = resource == "pods" ? name : nil

        switch (verb, resource, name, subresource) {
        case ("GET", "pods", nil, nil):
            if parameters.flag("watch") == true { throw refuse("watching pods") }
            (operation, exec, log) = (.listPods, nil, nil)
        case ("GET", "pods", _?, nil):
            guard namespace != nil else { throw refuse("GET \(upstreamPath)") }
            // A watch never ends: it could not be read whole and masked.
            if parameters.flag("watch") == true { throw refuse("watching pods") }
            (operation, exec, log) = (.getPod, nil, nil)
        case ("GET", "pods", _?, "exec"), ("POST", "pods", _?, "exec"):
            guard namespace != nil else { throw refuse("exec outside a namespace") }
            (operation, exec, log) = (.exec, try ExecOptions(parameters), nil)
        case ("GET", "pods", _?, "attach"), ("POST", "pods", _?, "attach"):
            guard namespace != nil else { throw refuse("attach outside a namespace") }
            (operation, exec, log) = (.attach, try ExecOptions(parameters, attach: true), nil)
        case ("GET", "pods", _?, "log"):
            guard namespace != nil else { throw refuse("logs outside a namespace") }
            (operation, exec, log) = (.logs, nil, LogOptions(parameters))
        case ("GET", "pods", _?, "portforward"), ("POST", "pods", _?, "portforward"):
            guard namespace != nil else { throw refuse("port-forward outside a namespace") }
            (operation, exec, log) = (.portForward, nil, nil)
        case ("GET", "secrets", _, nil):
            (operation, exec, log) = (.secrets, nil, nil)
        case (_, "pods", _, let sub?):
            throw refuse("\(verb) pods/\(sub)")
        case ("GET", _, _, _):
            throw refuse("reading \(resource)")
        default:
            throw refuse("\(verb) \(resource)\(subresource.map { "/\($0)" } ?? "") (a write)")
        }
    }

    /// `/version`, `/api`, `/api/v1`, `/apis`, `/apis/<group>[/<version>]`, `/openapi/...`:
    /// descriptions of what the server serves, never objects.
    static func isDiscovery(_ segments: [String]) -> Bool {
        switch segments.first {
        case "version": return segments.count == 1
        case "api": return segments.count <= 2
        case "apis": return segments.count <= 3
        case "openapi": return segments.count <= 4
        default: return false
        }
    }

    /// Namespaces and pod names are DNS labels/subdomains: lower-case letters, digits, `-` and `.`.
    static func validName(_ name: String, what: String) throws -> String {
        let bytes = Array(name.utf8)
        let valid = (1...253).contains(bytes.count)
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x2E }
            && bytes.first != 0x2D && bytes.last != 0x2D && bytes.first != 0x2E
        guard valid else { throw Refusal(.invalid, "'\(name)' is not a valid \(what)") }
        return name
    }
}

/// What an exec (or attach) request asks for, from its query.
public struct ExecOptions: Sendable, Equatable {
    /// The command and its arguments, as separate words (`command=sh&command=-c&command=...`).
    public var command: [String]
    public var container: String?
    public var stdin: Bool
    public var stdout: Bool
    public var stderr: Bool
    public var tty: Bool

    init(_ parameters: KubeQuery, attach: Bool = false) throws {
        command = parameters.values("command")
        guard attach || !command.isEmpty else { throw KubeRequest.Refusal(.invalid, "exec needs a command") }
        // Single values are read as the API server reads them: the first one counts.
        container = parameters.values("container").first
        if let container { _ = try KubeRequest.validName(container, what: "container name") }
        stdin = parameters.flag("stdin") ?? false
        stdout = parameters.flag("stdout") ?? true
        stderr = parameters.flag("stderr") ?? true
        tty = parameters.flag("tty") ?? false
    }

    public init(command: [String], container: String? = nil, stdin: Bool = false, stdout: Bool = true, stderr: Bool = true,
                tty: Bool = false) {
        self.command = command
        self.container = container
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.tty = tty
    }

    /// The command as a shell would show it, for approvers and the ledger.
    public var displayedCommand: String {
        command.map { word in
            word.isEmpty || word.contains(where: { " \t\n'\"\\$`;&|<>*?()".contains($0) })
                ? "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" : word
        }.joined(separator: " ")
    }
}

/// What a log request asks for.
public struct LogOptions: Sendable, Equatable {
    public var container: String?
    public var follow: Bool

    public init(container: String? = nil, follow: Bool = false) {
        self.container = container
        self.follow = follow
    }

    init(_ parameters: KubeQuery) {
        container = parameters.values("container").first
        follow = parameters.flag("follow") ?? false
    }
}

/// A raw query string's parameters, decoded (`+` is a space), in order; names may repeat.
struct KubeQuery: Sendable {
    let pairs: [(name: String, value: String)]

    init(_ raw: String?) {
        pairs = (raw ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }

    func values(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// A boolean parameter as the API server reads it, nil when absent: the first value counts,
    /// and anything but `false` or `0` (any case), even an empty value, is true.
    func flag(_ name: String) -> Bool? {
        values(name).first.map { !["false", "0"].contains($0.lowercased()) }
    }
}

extension ExecOptions {
    /// Which way a `kubectl cp` copies, from the command it runs: `tar cf - PATH` writes a tar
    /// of the pod's files on stdout (out of the pod), `tar -xmf - [-C DIR]` reads one on stdin
    /// (into the pod). Nil for any other command, and on a terminal (a tar stream through a TTY
    /// is mangled, so kubectl never asks for one).
    public var copyDirection: CopyDirection? {
        guard !tty, command.count >= 2, command[0] == "tar" || command[0].hasSuffix("/tar") else { return nil }
        // tar's first word may be a bundle of letters with or without the dash (`cf`, `-xmf`).
        let first = command[1].hasPrefix("--") ? "" : command[1].drop { $0 == "-" }
        let modes = Set(first.filter { "ctxru".contains($0) })
        if modes == ["c"] { return .outOfPod }
        if modes == ["x"] && !first.contains("O") && stdin { return .intoPod }
        return nil
    }

    public enum CopyDirection: Sendable, Equatable { case outOfPod, intoPod }
}
