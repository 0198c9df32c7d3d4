/// One identifier found in a byte buffer.
public struct Detection: Sendable, Equatable {
    /// UTF-8 byte offsets into the scanned buffer.
    public var range: Range<Int>
    public var kind: IdentifierKind
    /// The custom pattern or dictionary name; for built-in detectors `kind.rawValue`.
    public var name: String

    public init(range: Range<Int>, kind: IdentifierKind, name: String? = nil) {
        self.range = range
        self.kind = kind
        self.name = name ?? kind.rawValue
    }
}
