/// The options of a `COPY ... TO STDOUT` / `FROM STDIN` statement that decide how its data
/// stream is laid out, so the gateway can split it into rows and fields (to mask them).
/// Values are nil when the statement left PostgreSQL's default for the format.
public struct CopyOptions: Sendable, Codable, Hashable {
    public enum Format: String, Sendable, Codable { case text, csv, binary }

    public var format: Format
    /// One character; default tab (text) or comma (csv).
    public var delimiter: String?
    /// The NULL marker; default `\N` (text) or the empty unquoted string (csv).
    public var null: String?
    /// csv only; default `"`.
    public var quote: String?
    /// csv only; default: the quote character.
    public var escape: String?
    /// csv only: the first line names the columns.
    public var header: Bool
    /// `COPY ... FROM STDIN`: the data streams from the client (copy-in). The session needs it
    /// (the server ignores Sync during copy-in); the ledger does not record it.
    public var fromClient: Bool

    public init(format: Format = .text, delimiter: String? = nil, null: String? = nil,
                quote: String? = nil, escape: String? = nil, header: Bool = false, fromClient: Bool = false) {
        self.format = format
        self.delimiter = delimiter
        self.null = null
        self.quote = quote
        self.escape = escape
        self.header = header
        self.fromClient = fromClient
    }
}
