import Foundation

/// A client's request below `/blob/<connection>/`, split into its parts and classified as one
/// `BlobOperation`, or refused with the reason the client is told. Pure: it sees the method,
/// the raw path and query and a few headers, never the body.
public struct BlobRequest: Sendable, Equatable {
    public static let prefix = "/blob/"

    public let connection: String
    /// nil for account-level requests (`?comp=list`).
    public let container: String?
    /// The blob name, percent-decoded; nil for account- and container-level requests.
    public let blob: String?
    public let operation: BlobOperation
    /// The raw query, without `?`, as the client sent it.
    public let query: String?
    /// Put Block's block ID (base64, decoded from the query), as Put Block List names it.
    public var blockID: String? { BlobQuery(query).value("blockid") }

    /// Why a request is not served, in words the client sees (as the service's `Message`).
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// Not a Blob URL of this gateway, or a name the service would not accept: 400.
            case invalidPath
            /// An operation Gatehouse does not recognise or this connection does not allow: 403.
            case operationNotAllowed
        }

        public let kind: Kind
        public let message: String

        public init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }

        public var description: String { message }
    }

    /// The connection name of a path under `/blob/`, for error messages before classification.
    public static func connectionName(of path: String) -> String? {
        guard path.hasPrefix(prefix) else { return nil }
        let name = path.dropFirst(prefix.count).prefix { $0 != "/" }
        return name.isEmpty ? nil : String(name)
    }

    /// Classifies `method` on `path` (raw, percent-encoded) with `query` (raw, without `?`).
    /// `header` answers a request header by lower-case name.
    public init(method: String, path: String, query: String?, header: (String) -> String?) throws {
        guard path.hasPrefix(Self.prefix) else { throw Refusal(.invalidPath, "not a Blob URL: use /blob/<connection>/<container>/<blob>") }
        let rest = path.dropFirst(Self.prefix.count)
        let connectionEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let connection = String(rest[..<connectionEnd])
        guard !connection.isEmpty else { throw Refusal(.invalidPath, "not a Blob URL: use /blob/<connection>/<container>/<blob>") }
        var remainder = rest[connectionEnd...].drop { $0 == "/" }
        let containerEnd = remainder.firstIndex(of: "/") ?? remainder.endIndex
        let container = String(remainder[..<containerEnd])
        remainder = remainder[containerEnd...]
        if remainder.first == "/" { remainder = remainder.dropFirst() }
        let parameters = BlobQuery(query)

        self.connection = connection
        self.query = query
        if container.isEmpty {
            self.container = nil
            self.blob = nil
        } else {
            try Self.validateContainer(container)
            self.container = container
            self.blob = remainder.isEmpty ? nil : try Self.blobName(String(remainder))
        }
        operation = try Self.classify(method: method.uppercased(), container: self.container, blob: self.blob,
                                      parameters: parameters, header: header)
    }

    /// Container names: 3-63 lower-case letters, digits and single hyphens, starting and ending
    /// with a letter or digit (`$root`, `$logs` and `$web` too).
    static func validateContainer(_ name: String) throws {
        if ["$root", "$logs", "$web"].contains(name) { return }
        let bytes = Array(name.utf8)
        let valid = (3...63).contains(bytes.count)
            && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
            && bytes.first != 0x2D && bytes.last != 0x2D && !name.contains("--")
        guard valid else {
            throw Refusal(.invalidPath, "'\(name)' is not a valid container name (3-63 lower-case letters, digits and single hyphens)")
        }
    }

    /// The decoded blob name. Refused: more than 1024 characters, dot segments (`..`, `.`, also
    /// percent-encoded or behind a backslash), control characters, and escapes that are malformed
    /// or not UTF-8 (Foundation's decoding answers nil for both), so a
    /// name can never reach outside the container or differ between what is checked and what is sent.
    static func blobName(_ raw: String) throws -> String {
        guard let decoded = raw.removingPercentEncoding else {
            throw Refusal(.invalidPath, "the blob name is not valid percent-encoded UTF-8")
        }
        guard !decoded.isEmpty, decoded.count <= 1024 else { throw Refusal(.invalidPath, "a blob name has 1 to 1024 characters") }
        guard !decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw Refusal(.invalidPath, "a blob name must not contain control characters")
        }
        let segments = decoded.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
        guard !segments.contains(where: { $0 == "." || $0 == ".." }) else {
            throw Refusal(.invalidPath, "a blob name must not contain '.' or '..' path segments")
        }
        return decoded
    }

    static func classify(method: String, container: String?, blob: String?, parameters: BlobQuery,
                         header: (String) -> String?) throws -> BlobOperation {
        let comp = parameters.value("comp")
        let restype = parameters.value("restype")
        func refuse(_ what: String) -> Refusal {
            Refusal(.operationNotAllowed, "\(what) is not an operation Gatehouse allows")
        }
        if header("x-ms-copy-source") != nil { throw refuse("copying from a URL (x-ms-copy-source)") }
        // The gateway holds the account's credential; a signature of the client's own would
        // travel next to it (and could widen what the request is checked as).
        if parameters.value("sig") != nil { throw refuse("a request carrying its own shared access signature (sig=)") }
        if comp == "batch" { throw refuse("a batch request (comp=batch)") }
        if parameters.value("snapshot") != nil || parameters.value("versionid") != nil {
            throw refuse("reading a snapshot or version")
        }
        guard let container else {
            if method == "GET" && comp == "list" && restype == nil { return .listContainers }
            throw refuse(comp.map { "the account operation comp=\($0)" } ?? "\(method) on the account")
        }
        guard let blob else {
            guard restype == "container" else { throw refuse("\(method) on a container without restype=container") }
            switch (method, comp) {
            case ("GET", nil), ("HEAD", nil): return .containerProperties
            case ("GET", "list"): return .listBlobs
            case ("PUT", nil): return .createContainer
            case ("DELETE", nil): return .deleteContainer
            case (_, let comp?): throw refuse("the container operation comp=\(comp)")
            default: throw refuse("\(method) on a container")
            }
        }
        _ = blob
        switch (method, comp) {
        case ("GET", nil): return .getBlob
        case ("HEAD", nil): return .blobProperties
        case ("DELETE", nil): return .deleteBlob
        case ("PUT", nil):
            guard header("x-ms-blob-type")?.lowercased() == "blockblob" else {
                throw refuse("creating a page or append blob")
            }
            return .putBlob
        case ("PUT", "block"): return .putBlock
        case ("PUT", "blocklist"): return .putBlockList
        case (_, let comp?): throw refuse("the blob operation comp=\(comp)")
        default: throw refuse("\(method) on a blob")
        }
    }
}

/// Query parameters by lower-case name (the service treats names case-insensitively).
struct BlobQuery: Sendable {
    let pairs: [(name: String, value: String)]

    init(_ raw: String?) {
        pairs = (raw ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).replacingPlusAndDecoding()) : ""
            return (name.lowercased(), value)
        }
    }

    func value(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
}

extension String {
    /// Query values: `+` is a space, then percent-decoding (kept as is when malformed).
    func replacingPlusAndDecoding() -> String {
        let decoded = replacingOccurrences(of: "+", with: " ")
        return decoded.removingPercentEncoding ?? decoded
    }
}
