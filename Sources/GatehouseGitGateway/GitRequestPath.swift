/// A smart-HTTP URL under `/git/<connection>/<repository path>/…`, split into its parts. Only
/// the three smart-HTTP endpoints exist here; the dumb protocol (raw object files) is not served.
struct GitRequestPath: Sendable, Equatable {
    init(connection: String, repository: String, endpoint: Endpoint) {
        self.connection = connection
        self.repository = repository
        self.endpoint = endpoint
    }

    enum Endpoint: String, Sendable {
        case infoRefs = "info/refs"
        case uploadPack = "git-upload-pack"
        case receivePack = "git-receive-pack"
    }

    static let prefix = "/git/"

    let connection: String
    /// Below the connection, e.g. `team/app.git`; no empty, `.` or `..` segments, and no `%`, `;` or `\`.
    let repository: String
    let endpoint: Endpoint

    /// nil when the path is not a smart-HTTP endpoint of some repository.
    init?(path: String) {
        guard path.hasPrefix(Self.prefix) else { return nil }
        var segments = path.dropFirst(Self.prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 3, let connection = segments.first, !connection.isEmpty else { return nil }
        segments.removeFirst()
        let endpoint: Endpoint
        if segments.suffix(2) == ["info", "refs"] {
            endpoint = .infoRefs
            segments.removeLast(2)
        } else if let last = segments.last, let named = Endpoint(rawValue: last), named != .infoRefs {
            endpoint = named
            segments.removeLast()
        } else {
            return nil
        }
        // `;` would carry path parameters: some servers (Tomcat) read `..;` as `..`, escaping the
        // connection's base path and its classification patterns. A backslash is a separator on some.
        guard !segments.isEmpty, segments.allSatisfy({ segment in
            !segment.isEmpty && segment != "." && segment != ".." && !segment.contains(where: { "%;\\".contains($0) })
        }) else { return nil }
        self.connection = connection
        self.repository = segments.joined(separator: "/")
        self.endpoint = endpoint
    }

    /// The path below the upstream base URL.
    var upstreamPath: String { repository + "/" + endpoint.rawValue }
}
