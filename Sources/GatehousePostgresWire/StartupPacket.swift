import NIOCore

/// The untyped packets a client may send before the regular message flow starts.
public enum StartupPacket: Sendable, Equatable {
    case sslRequest
    case gssEncryptionRequest
    case cancel(BackendKey)
    case startup(parameters: [String: String])

    static let protocolVersion3: Int32 = 196_608
    static let sslRequestCode: Int32 = 80_877_103
    static let gssEncryptionRequestCode: Int32 = 80_877_104
    static let cancelRequestCode: Int32 = 80_877_102

    /// Startup packets are small; a larger length is an attack or garbage.
    public static let maxLength = 10_000

    /// Decodes one packet from the front of `buffer`, or returns nil when more bytes are needed.
    public static func decode(from buffer: inout ByteBuffer) throws -> StartupPacket? {
        guard let length: Int32 = buffer.getInteger(at: buffer.readerIndex) else { return nil }
        guard length >= 8, length <= maxLength else {
            throw ProtocolViolation("invalid startup packet length \(length)")
        }
        guard buffer.readableBytes >= Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        var body = buffer.readSlice(length: Int(length) - 4)!
        let code: Int32 = body.readInteger()!
        switch code {
        case sslRequestCode: return .sslRequest
        case gssEncryptionRequestCode: return .gssEncryptionRequest
        case cancelRequestCode:
            guard let processID: Int32 = body.readInteger(), let secret: Int32 = body.readInteger() else {
                throw ProtocolViolation("truncated CancelRequest")
            }
            return .cancel(BackendKey(processID: processID, secretKey: secret))
        case protocolVersion3:
            var parameters: [String: String] = [:]
            while let name = body.readNullTerminatedString(), !name.isEmpty {
                guard let value = body.readNullTerminatedString() else {
                    throw ProtocolViolation("startup parameter '\(name)' has no value")
                }
                parameters[name] = value
            }
            return .startup(parameters: parameters)
        default:
            let major = code >> 16, minor = code & 0xFFFF
            throw ProtocolViolation("unsupported frontend protocol \(major).\(minor): Gatehouse speaks 3.0")
        }
    }

    /// Wire form, used when Gatehouse itself is the client (upstream login, cancel forwarding).
    public func encode(into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        switch self {
        case .sslRequest: buffer.writeInteger(Self.sslRequestCode)
        case .gssEncryptionRequest: buffer.writeInteger(Self.gssEncryptionRequestCode)
        case .cancel(let key):
            buffer.writeInteger(Self.cancelRequestCode)
            buffer.writeInteger(key.processID)
            buffer.writeInteger(key.secretKey)
        case .startup(let parameters):
            buffer.writeInteger(Self.protocolVersion3)
            for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
                buffer.writeNullTerminatedString(name)
                buffer.writeNullTerminatedString(value)
            }
            buffer.writeInteger(UInt8(0))
        }
        buffer.setInteger(Int32(buffer.writerIndex - start), at: start)
    }
}

/// BackendKeyData: what a client quotes in a CancelRequest.
public struct BackendKey: Sendable, Hashable {
    public var processID: Int32
    public var secretKey: Int32
    public init(processID: Int32, secretKey: Int32) {
        self.processID = processID
        self.secretKey = secretKey
    }
}
