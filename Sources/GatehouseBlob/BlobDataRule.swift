import GatehousePolicy

/// One `personal_data` entry of an Azure Blob connection: which blobs hold personal data, of
/// which category, and how their content is masked on the way to the agent.
public struct BlobDataRule: Sendable, Equatable {
    /// How a blob's content is read for masking.
    public enum Format: String, Sendable, CaseIterable, Equatable {
        /// A JSON document: `json_fields` masked whole by category, the detectors on every other string.
        case json
        /// One JSON document per line (NDJSON, JSON Lines), each masked as `json`.
        case ndjson
        /// CSV with a header row: `columns` (by header name) masked whole, the detectors on other cells.
        case csv
        /// Text: the detectors.
        case text
        /// Anything Gatehouse cannot mask (PDF, images, archives): never handed out, fail closed.
        case binary
    }

    /// Containers the rule covers (`*`, `**` wildcards as in the rest of the configuration).
    public var container: PathPattern
    /// Blob names it covers, e.g. `customers/**.json`.
    public var blobs: PathPattern
    public var category: String
    /// nil: taken from the blob's name (`.json`, `.ndjson`/`.jsonl`, `.csv`, `.txt`...), else binary.
    public var format: Format?
    /// JSON path → category (json, ndjson).
    public var jsonFields: [String: String]
    /// CSV header name → category.
    public var columns: [String: String]

    public init(container: String, blobs: String = "**", category: String, format: Format? = nil,
                jsonFields: [String: String] = [:], columns: [String: String] = [:]) {
        self.container = PathPattern(container)
        self.blobs = PathPattern(blobs)
        self.category = category
        self.format = format
        self.jsonFields = jsonFields
        self.columns = columns
    }

    public func covers(container: String, blob: String?) -> Bool {
        guard self.container.matches(container) else { return false }
        return blob.map(blobs.matches) ?? true
    }

    /// The format a blob is masked as: the configured one, else the name's extension.
    public func format(ofBlob name: String) -> Format {
        format ?? Self.format(fromName: name) ?? .binary
    }

    /// The format a name's extension says, nil when it names no text format.
    public static func format(fromName name: String) -> Format? {
        let lowered = name.lowercased()
        guard let dot = lowered.lastIndex(of: "."), !lowered[dot...].contains("/") else { return nil }
        switch lowered[lowered.index(after: dot)...] {
        case "json": return .json
        case "ndjson", "jsonl": return .ndjson
        case "csv": return .csv
        case "txt", "log", "md", "xml", "html", "tsv", "yaml", "yml", "sql": return .text
        default: return nil
        }
    }
}

/// A connection's `personal_data`: the first rule covering a blob decides.
public struct BlobClassification: Sendable, Equatable {
    public var rules: [BlobDataRule]

    public init(rules: [BlobDataRule] = []) {
        self.rules = rules
    }

    public func rule(container: String, blob: String) -> BlobDataRule? {
        rules.first { $0.covers(container: container, blob: blob) }
    }

    /// The rules that may cover some blob of a container (a listing or a prefix of it).
    public func rules(inContainer container: String) -> [BlobDataRule] {
        rules.filter { $0.container.matches(container) }
    }
}
