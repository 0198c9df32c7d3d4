import NIOCore

/// Readers for the client-to-server messages the gateway must understand, and builders for the
/// ones it sends upstream itself.
public enum FrontendMessage {
    public static let queryType = UInt8(ascii: "Q")
    public static let parseType = UInt8(ascii: "P")
    public static let bindType = UInt8(ascii: "B")
    public static let executeType = UInt8(ascii: "E")
    public static let closeType = UInt8(ascii: "C")
    public static let describeType = UInt8(ascii: "D")
    public static let syncType = UInt8(ascii: "S")
    public static let flushType = UInt8(ascii: "H")
    public static let terminateType = UInt8(ascii: "X")
    public static let passwordType = UInt8(ascii: "p")
    public static let functionCallType = UInt8(ascii: "F")
    public static let copyDataType = UInt8(ascii: "d")
    public static let copyDoneType = UInt8(ascii: "c")
    public static let copyFailType = UInt8(ascii: "f")

    public struct Parse: Equatable, Sendable {
        public var statementName: String
        public var query: String
        /// Type OIDs the client specified (0: let the server infer).
        public var parameterTypes: [UInt32]

        public init(statementName: String, query: String, parameterTypes: [UInt32] = []) {
            self.statementName = statementName
            self.query = query
            self.parameterTypes = parameterTypes
        }
    }

    public struct Bind: Equatable, Sendable {
        public var portalName: String
        public var statementName: String
        /// Raw values (nil for NULL) and whether each is in binary format.
        public var values: [ByteBuffer?]
        public var binary: [Bool]
        /// Result column format codes as sent: none (all text), one (all columns), or one per column.
        public var resultFormats: [Int16]

        public init(portalName: String, statementName: String, values: [ByteBuffer?], binary: [Bool], resultFormats: [Int16] = []) {
            self.portalName = portalName
            self.statementName = statementName
            self.values = values
            self.binary = binary
            self.resultFormats = resultFormats
        }

        /// Values rendered for the record, decoded by their type where known.
        public func renderedParameters(types: [UInt32]) -> [String?] {
            values.indices.map { index in
                let type = index < types.count ? types[index] : 0
                let isBinary = binary[index] && !ParameterRenderer.isTextual(type)
                return ParameterRenderer.render(values[index], binary: isBinary, typeOID: type)
            }
        }
    }

    public struct Execute: Equatable, Sendable {
        public var portalName: String
        public var maxRows: Int32
    }

    public struct Close: Equatable, Sendable {
        public var isPortal: Bool
        public var name: String
    }

    public static func readQuery(_ body: ByteBuffer) throws -> String {
        var body = body
        guard let text = body.readNullTerminatedString() else { throw ProtocolViolation("malformed Query message") }
        return text
    }

    public static func readParse(_ body: ByteBuffer) throws -> Parse {
        var body = body
        guard let name = body.readNullTerminatedString(), let query = body.readNullTerminatedString(),
              let count: Int16 = body.readInteger(), count >= 0, body.readableBytes >= Int(count) * 4
        else { throw ProtocolViolation("malformed Parse message") }
        let types = (0..<Int(count)).map { _ in body.readInteger(as: UInt32.self)! }
        return Parse(statementName: name, query: query, parameterTypes: types)
    }

    public static func readBind(_ body: ByteBuffer) throws -> Bind {
        var body = body
        let malformed = ProtocolViolation("malformed Bind message")
        guard let portal = body.readNullTerminatedString(), let statement = body.readNullTerminatedString(),
              let formatCount: Int16 = body.readInteger(), formatCount >= 0
        else { throw malformed }
        var formats: [Int16] = []
        for _ in 0..<formatCount {
            guard let format: Int16 = body.readInteger() else { throw malformed }
            formats.append(format)
        }
        guard let parameterCount: Int16 = body.readInteger(), parameterCount >= 0 else { throw malformed }
        guard formats.count <= 1 || formats.count == Int(parameterCount) else { throw malformed }
        var values: [ByteBuffer?] = []
        var binary: [Bool] = []
        values.reserveCapacity(Int(parameterCount))
        for index in 0..<Int(parameterCount) {
            guard let length: Int32 = body.readInteger() else { throw malformed }
            let format = formats.isEmpty ? 0 : (formats.count == 1 ? formats[0] : formats[index])
            binary.append(format == 1)
            if length == -1 { values.append(nil); continue }
            guard length >= 0, let value = body.readSlice(length: Int(length)) else { throw malformed }
            values.append(value)
        }
        guard let resultFormatCount: Int16 = body.readInteger(), resultFormatCount >= 0 else { throw malformed }
        var resultFormats: [Int16] = []
        for _ in 0..<resultFormatCount {
            guard let format: Int16 = body.readInteger(), format == 0 || format == 1 else { throw malformed }
            resultFormats.append(format)
        }
        return Bind(portalName: portal, statementName: statement, values: values, binary: binary, resultFormats: resultFormats)
    }

    /// What a Describe (or Close) names: a prepared statement or a portal.
    public enum Target: Equatable, Sendable {
        case statement(String)
        case portal(String)
    }

    public static func readDescribe(_ body: ByteBuffer) throws -> Target {
        var body = body
        guard let kind: UInt8 = body.readInteger(), kind == UInt8(ascii: "S") || kind == UInt8(ascii: "P"),
              let name = body.readNullTerminatedString()
        else { throw ProtocolViolation("malformed Describe message") }
        return kind == UInt8(ascii: "S") ? .statement(name) : .portal(name)
    }

    /// A Describe of a portal, which the gateway sends itself when a client executes a portal
    /// without describing it (it needs the column types to mask the rows).
    public static func describePortal(_ name: String) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeInteger(UInt8(ascii: "P"))
        body.writeNullTerminatedString(name)
        return PostgresFrame(type: describeType, body: body)
    }

    public static func readExecute(_ body: ByteBuffer) throws -> Execute {
        var body = body
        guard let portal = body.readNullTerminatedString(), let maxRows: Int32 = body.readInteger() else {
            throw ProtocolViolation("malformed Execute message")
        }
        return Execute(portalName: portal, maxRows: maxRows)
    }

    public static func readClose(_ body: ByteBuffer) throws -> Close {
        var body = body
        guard let kind: UInt8 = body.readInteger(), kind == UInt8(ascii: "S") || kind == UInt8(ascii: "P"),
              let name = body.readNullTerminatedString()
        else { throw ProtocolViolation("malformed Close message") }
        return Close(isPortal: kind == UInt8(ascii: "P"), name: name)
    }

    /// The token a client sent in answer to AuthenticationCleartextPassword.
    public static func readPassword(_ body: ByteBuffer) throws -> String {
        var body = body
        guard let password = body.readNullTerminatedString() else { throw ProtocolViolation("malformed password message") }
        return password
    }

    public static func password(_ password: String) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeNullTerminatedString(password)
        return PostgresFrame(type: passwordType, body: body)
    }

    public static func saslInitialResponse(mechanism: String, data: [UInt8]) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeNullTerminatedString(mechanism)
        body.writeInteger(Int32(data.count))
        body.writeBytes(data)
        return PostgresFrame(type: passwordType, body: body)
    }

    public static func saslResponse(_ data: [UInt8]) -> PostgresFrame {
        PostgresFrame(type: passwordType, body: ByteBuffer(bytes: data))
    }

    public static func terminate() -> PostgresFrame {
        PostgresFrame(type: terminateType, body: ByteBuffer())
    }

    /// A simple Query the gateway sends itself.
    public static func query(_ sql: String) -> PostgresFrame {
        var body = ByteBuffer()
        body.writeNullTerminatedString(sql)
        return PostgresFrame(type: queryType, body: body)
    }

    /// The server's answers to `namedStatement` when nothing fails.
    public static let namedStatementAnswers = 5

    /// One statement of the gateway's own inside a client's extended-protocol batch, without
    /// touching the client's unnamed statement or portal: Parse, Bind, Execute under `name`, then
    /// Close of the portal and of the statement, then Flush so the answers come at once. The
    /// server answers ParseComplete, BindComplete, CommandComplete and two CloseCompletes, or an error.
    public static func namedStatement(_ sql: String, name: String) -> [PostgresFrame] {
        var parse = ByteBuffer()
        parse.writeNullTerminatedString(name)
        parse.writeNullTerminatedString(sql)
        parse.writeInteger(Int16(0))
        var bind = ByteBuffer()
        bind.writeNullTerminatedString(name)
        bind.writeNullTerminatedString(name)
        bind.writeInteger(Int16(0))
        bind.writeInteger(Int16(0))
        bind.writeInteger(Int16(0))
        var execute = ByteBuffer()
        execute.writeNullTerminatedString(name)
        execute.writeInteger(Int32(0))
        func close(_ kind: Unicode.Scalar) -> PostgresFrame {
            var body = ByteBuffer()
            body.writeInteger(UInt8(ascii: kind))
            body.writeNullTerminatedString(name)
            return PostgresFrame(type: closeType, body: body)
        }
        return [PostgresFrame(type: parseType, body: parse), PostgresFrame(type: bindType, body: bind),
                PostgresFrame(type: executeType, body: execute), close("P"), close("S"), flush()]
    }

    public static func flush() -> PostgresFrame { PostgresFrame(type: flushType, body: ByteBuffer()) }
}
