/// Why a PostgreSQL value, row or message could not be masked. Callers fail closed (drop the
/// result, report an error to the client): no partial output exists. The description names
/// what was malformed and where, never the content of the value.
public struct PostgresMaskingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Subject: String, Sendable {
        case json = "JSON value"
        case jsonbBinary = "binary jsonb value"
        case arrayLiteral = "array literal"
        case binaryArray = "binary array"
        case dataRow = "DataRow message"
        case copyRow = "COPY row"
        case copyOptions = "COPY options"
        case errorResponse = "ErrorResponse or NoticeResponse"
        case notification = "NotificationResponse"
    }

    public var subject: Subject
    public var reason: String

    public init(_ subject: Subject, _ reason: String) {
        self.subject = subject
        self.reason = reason
    }

    public var description: String { "cannot mask a malformed \(subject.rawValue): \(reason)" }
}
