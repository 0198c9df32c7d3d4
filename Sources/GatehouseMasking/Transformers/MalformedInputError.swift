/// Why a structured masker (JSON, CSV) refused its input. Callers fail closed: no partial output
/// exists.
public struct MalformedInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Format: String, Sendable { case json = "JSON", csv = "CSV" }

    public var format: Format
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    public var reason: String

    public init(_ format: Format, offset: Int, reason: String) {
        self.format = format
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid \(format.rawValue) at byte \(offset): \(reason)" }
}
