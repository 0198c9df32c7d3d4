import NIOCore

/// One column of a RowDescription: what the client will decode, and where the value comes from
/// when it is a plain table column (`tableOID` and `attributeNumber` are 0 for expressions).
public struct ResultField: Sendable, Equatable {
    public var name: String
    public var tableOID: UInt32
    public var attributeNumber: Int16
    public var typeOID: UInt32
    public var typeModifier: Int32
    /// 0 text, 1 binary. Always 0 in the answer to a Describe of a statement: the formats are
    /// only chosen by Bind.
    public var format: Int16

    public init(name: String, tableOID: UInt32 = 0, attributeNumber: Int16 = 0, typeOID: UInt32,
                typeModifier: Int32 = -1, format: Int16 = 0) {
        self.name = name
        self.tableOID = tableOID
        self.attributeNumber = attributeNumber
        self.typeOID = typeOID
        self.typeModifier = typeModifier
        self.format = format
    }
}

extension BackendMessage {
    public static let rowDescriptionType = UInt8(ascii: "T")
    public static let dataRowType = UInt8(ascii: "D")
    public static let noDataType = UInt8(ascii: "n")
    public static let copyOutResponseType = UInt8(ascii: "H")
    public static let copyInResponseType = UInt8(ascii: "G")
    public static let copyBothResponseType = UInt8(ascii: "W")
    public static let copyDataType = UInt8(ascii: "d")
    public static let copyDoneType = UInt8(ascii: "c")
    public static let notificationType = UInt8(ascii: "A")

    public static func readRowDescription(_ body: ByteBuffer) throws -> [ResultField] {
        var body = body
        let malformed = ProtocolViolation("malformed RowDescription message")
        guard let count: Int16 = body.readInteger(), count >= 0 else { throw malformed }
        var fields: [ResultField] = []
        fields.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let name = body.readNullTerminatedString(),
                  let table: UInt32 = body.readInteger(), let attribute: Int16 = body.readInteger(),
                  let type: UInt32 = body.readInteger(), let _: Int16 = body.readInteger(),
                  let modifier: Int32 = body.readInteger(), let format: Int16 = body.readInteger()
            else { throw malformed }
            fields.append(ResultField(name: name, tableOID: table, attributeNumber: attribute, typeOID: type,
                                      typeModifier: modifier, format: format))
        }
        return fields
    }

    /// CopyOutResponse: the overall format (0 text, 1 binary) and one format per column.
    public static func readCopyResponse(_ body: ByteBuffer) throws -> (format: Int8, columnFormats: [Int16]) {
        var body = body
        let malformed = ProtocolViolation("malformed CopyOutResponse message")
        guard let format: Int8 = body.readInteger(), let count: Int16 = body.readInteger(), count >= 0 else { throw malformed }
        var formats: [Int16] = []
        for _ in 0..<count {
            guard let columnFormat: Int16 = body.readInteger() else { throw malformed }
            formats.append(columnFormat)
        }
        return (format, formats)
    }

    /// NotificationResponse: the notifying backend's process ID, the channel and the payload.
    public static func readNotification(_ body: ByteBuffer) throws -> (processID: Int32, channel: String, payload: String) {
        var body = body
        guard let pid: Int32 = body.readInteger(), let channel = body.readNullTerminatedString(),
              let payload = body.readNullTerminatedString()
        else { throw ProtocolViolation("malformed NotificationResponse message") }
        return (pid, channel, payload)
    }

    public static func notification(processID: Int32, channel: String, payload: String) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeInteger(processID)
        body.writeNullTerminatedString(channel)
        body.writeNullTerminatedString(payload)
        return PostgresFrame(type: notificationType, body: body)
    }
}
