import NIOCore

/// One regular protocol-3.0 message: a type byte and its body (the bytes after the length).
/// The relay forwards frames as they are; only the messages the gateway must understand are
/// decoded further (see `FrontendMessage` and `BackendMessage`).
public struct PostgresFrame: Sendable, Equatable {
    public var type: UInt8
    public var body: ByteBuffer

    public init(type: UInt8, body: ByteBuffer) {
        self.type = type
        self.body = body
    }

    /// Appends the frame in wire form (type, Int32 length including itself, body).
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeInteger(type)
        buffer.writeInteger(Int32(body.readableBytes + 4))
        var body = body
        buffer.writeBuffer(&body)
    }

    public var typeCharacter: Character { Character(Unicode.Scalar(type)) }
}

/// A client or server violated the protocol. The description is safe to show the client.
public struct ProtocolViolation: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Splits a byte stream into regular messages, refusing any longer than `maxMessageBytes`.
public struct PostgresFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = PostgresFrame
    public let maxMessageBytes: Int

    public init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.decodeFrame(from: &buffer, maxMessageBytes: maxMessageBytes) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Pure framing, shared by both directions and the tests.
    public static func decodeFrame(from buffer: inout ByteBuffer, maxMessageBytes: Int) throws -> PostgresFrame? {
        guard let type: UInt8 = buffer.getInteger(at: buffer.readerIndex),
              let length: Int32 = buffer.getInteger(at: buffer.readerIndex + 1)
        else { return nil }
        guard length >= 4 else {
            throw ProtocolViolation("invalid message length \(length) for message type '\(Character(Unicode.Scalar(type)))'")
        }
        guard Int(length) - 4 <= maxMessageBytes else {
            throw ProtocolViolation("message of \(length) bytes exceeds the limit of \(maxMessageBytes) bytes")
        }
        guard buffer.readableBytes >= 1 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        let body = buffer.readSlice(length: Int(length) - 4)!
        return PostgresFrame(type: type, body: body)
    }
}
