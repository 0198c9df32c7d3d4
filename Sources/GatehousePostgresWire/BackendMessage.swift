import NIOCore

/// Builders and readers for the server-to-client messages the gateway itself produces or must
/// understand. Everything else is relayed as an opaque `PostgresFrame`.
public enum BackendMessage {
    public static let authenticationType: UInt8 = UInt8(ascii: "R")
    public static let errorType: UInt8 = UInt8(ascii: "E")
    public static let noticeType: UInt8 = UInt8(ascii: "N")
    public static let parameterStatusType: UInt8 = UInt8(ascii: "S")
    public static let backendKeyDataType: UInt8 = UInt8(ascii: "K")
    public static let readyForQueryType: UInt8 = UInt8(ascii: "Z")
    public static let commandCompleteType: UInt8 = UInt8(ascii: "C")
    public static let emptyQueryType: UInt8 = UInt8(ascii: "I")
    public static let portalSuspendedType: UInt8 = UInt8(ascii: "s")
    public static let negotiateProtocolVersionType: UInt8 = UInt8(ascii: "v")
    public static let parameterDescriptionType: UInt8 = UInt8(ascii: "t")
    public static let parseCompleteType: UInt8 = UInt8(ascii: "1")
    public static let bindCompleteType: UInt8 = UInt8(ascii: "2")
    public static let closeCompleteType: UInt8 = UInt8(ascii: "3")
    /// The answers that confirm a Parse, Bind or Close (see `ConfirmedNames`).
    public static let stepConfirmationTypes: Set<UInt8> = [parseCompleteType, bindCompleteType, closeCompleteType]

    public static func authenticationOk() -> PostgresFrame { authentication(code: 0) }
    public static func authenticationCleartextPassword() -> PostgresFrame { authentication(code: 3) }

    private static func authentication(code: Int32) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeInteger(code)
        return PostgresFrame(type: authenticationType, body: body)
    }

    public static func parameterStatus(name: String, value: String) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeNullTerminatedString(name)
        body.writeNullTerminatedString(value)
        return PostgresFrame(type: parameterStatusType, body: body)
    }

    public static func backendKeyData(_ key: BackendKey) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeInteger(key.processID)
        body.writeInteger(key.secretKey)
        return PostgresFrame(type: backendKeyDataType, body: body)
    }

    public static func readyForQuery(_ status: TransactionStatus) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeInteger(status.rawValue)
        return PostgresFrame(type: readyForQueryType, body: body)
    }

    public static func error(_ fields: ErrorFields) -> PostgresFrame {
        PostgresFrame(type: errorType, body: fields.encoded())
    }

    public static func notice(_ fields: ErrorFields) -> PostgresFrame {
        PostgresFrame(type: noticeType, body: fields.encoded())
    }

    /// The transaction status byte of ReadyForQuery.
    public enum TransactionStatus: UInt8, Sendable {
        case idle = 73 // 'I'
        case inTransaction = 84 // 'T'
        case failedTransaction = 69 // 'E'
    }

    /// The status byte of a ReadyForQuery body.
    public static func readTransactionStatus(_ body: ByteBuffer) -> TransactionStatus? {
        body.getInteger(at: body.readerIndex, as: UInt8.self).flatMap(TransactionStatus.init(rawValue:))
    }

    /// The command tag of a CommandComplete body.
    public static func readCommandTag(_ body: ByteBuffer) -> String? {
        var body = body
        return body.readNullTerminatedString()
    }

    /// A DataRow's values as text (nil for SQL NULL): the simple query protocol's format.
    public static func readDataRowText(_ body: ByteBuffer) -> [String?] {
        var body = body
        guard let count: Int16 = body.readInteger() else { return [] }
        return (0..<Int(max(count, 0))).map { _ in
            guard let length: Int32 = body.readInteger(), length >= 0 else { return nil }
            return body.readString(length: Int(length))
        }
    }

    /// ParameterStatus name and value.
    public static func readParameterStatus(_ body: ByteBuffer) -> (name: String, value: String)? {
        var body = body
        guard let name = body.readNullTerminatedString(), let value = body.readNullTerminatedString() else { return nil }
        return (name, value)
    }

    public static func readBackendKey(_ body: ByteBuffer) -> BackendKey? {
        var body = body
        guard let pid: Int32 = body.readInteger(), let secret: Int32 = body.readInteger() else { return nil }
        return BackendKey(processID: pid, secretKey: secret)
    }
}

/// The fields of an ErrorResponse or NoticeResponse.
public struct ErrorFields: Sendable, Equatable {
    public var severity: String
    public var code: String
    public var message: String
    public var detail: String?
    public var hint: String?
    /// Other fields by their type byte, as the server sent them.
    public var other: [UInt8: String]

    public init(severity: String = "ERROR", code: String, message: String, detail: String? = nil, hint: String? = nil, other: [UInt8: String] = [:]) {
        self.severity = severity
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.other = other
    }

    public static func fatal(code: String, message: String, hint: String? = nil) -> ErrorFields {
        ErrorFields(severity: "FATAL", code: code, message: message, hint: hint)
    }

    public func encoded() -> ByteBuffer {
        var body = ByteBuffer()
        func field(_ type: Character, _ value: String?) {
            guard let value else { return }
            body.writeInteger(type.asciiValue!)
            body.writeNullTerminatedString(value)
        }
        field("S", severity)
        field("V", severity)
        field("C", code)
        field("M", message)
        field("D", detail)
        field("H", hint)
        for (type, value) in other.sorted(by: { $0.key < $1.key }) where !"SVCMDH".utf8.contains(type) {
            body.writeInteger(type)
            body.writeNullTerminatedString(value)
        }
        body.writeInteger(UInt8(0))
        return body
    }

    public static func decode(_ body: ByteBuffer) -> ErrorFields {
        var body = body
        var fields: [UInt8: String] = [:]
        while let type: UInt8 = body.readInteger(), type != 0, let value = body.readNullTerminatedString() {
            fields[type] = value
        }
        func take(_ c: Character) -> String? { fields.removeValue(forKey: c.asciiValue!) }
        let severity = take("V") ?? take("S") ?? "ERROR"
        _ = take("S")
        return ErrorFields(severity: severity, code: take("C") ?? "XX000", message: take("M") ?? "", detail: take("D"), hint: take("H"), other: fields)
    }
}

/// SQLSTATE codes the gateway itself raises.
public enum SQLState {
    public static let invalidAuthorizationSpecification = "28000"
    public static let invalidPassword = "28P01"
    public static let invalidCatalogName = "3D000"
    public static let protocolViolation = "08P01"
    public static let connectionFailure = "08006"
    public static let sqlClientUnableToEstablishConnection = "08001"
    public static let featureNotSupported = "0A000"
    public static let readOnlySQLTransaction = "25006"
    public static let invalidParameterValue = "22023"
    public static let insufficientPrivilege = "42501"
    public static let syntaxError = "42601"
    public static let queryCanceled = "57014"
    public static let internalError = "XX000"
    public static let tooManyConnections = "53300"
    public static let configurationLimitExceeded = "53400"
    /// Retry: what the statement was decided on changed while it was being recorded.
    public static let serializationFailure = "40001"
    /// Gatehouse's own codes (class GH, unused by PostgreSQL), stable for agents to act on: the
    /// statement was held for approval and an approver denied it ...
    public static let approvalDenied = "GH001"
    /// ... or nobody decided in time (retry once the request is approved or a grant exists) ...
    public static let approvalTimedOut = "GH002"
    /// ... or it needs approval that nobody can give (no approver groups configured).
    public static let approvalUnavailable = "GH003"
    /// A notice, not an error: the statement is waiting for an approver (the request and its page
    /// are in the message and hint, so the agent can tell its human where to decide).
    public static let approvalPending = "GH004"
}
