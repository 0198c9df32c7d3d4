import NIOCore

/// What the client side of the gateway reads: startup packets first, then regular frames.
public enum FrontendPacket: Sendable, Equatable {
    case startup(StartupPacket)
    case frame(PostgresFrame)
}

/// Decodes the client's byte stream. It expects startup packets until a StartupMessage (or a
/// CancelRequest) arrives, then regular messages. SSLRequest and GSSENCRequest keep it in the
/// startup phase; bytes pipelined behind an SSLRequest are refused, because they arrived in
/// clear before the TLS handshake (the CVE-2021-23214 class of bug).
///
/// The first message after the startup is the password (the token), sent before the client is
/// anyone: it may be at most `maxTokenMessageBytes`, so an unauthenticated client cannot make
/// the gateway buffer a message of `maxMessageBytes`.
public struct FrontendPacketDecoder: ByteToMessageDecoder {
    public typealias InboundOut = FrontendPacket
    /// Fits the largest token accepted (an Entra ID token with 200 groups is about 10 KB).
    public static let maxTokenMessageBytes = 64 * 1024
    public let maxMessageBytes: Int
    private var inStartupPhase = true
    private var sawPasswordMessage = false

    public init(maxMessageBytes: Int) { self.maxMessageBytes = maxMessageBytes }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = try next(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(packet))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Pure decoding step, tested without a channel.
    public mutating func next(from buffer: inout ByteBuffer) throws -> FrontendPacket? {
        if inStartupPhase {
            guard let packet = try StartupPacket.decode(from: &buffer) else { return nil }
            switch packet {
            case .sslRequest, .gssEncryptionRequest:
                if buffer.readableBytes > 0 {
                    throw ProtocolViolation("unexpected data after an encryption request")
                }
            case .startup, .cancel:
                inStartupPhase = false
            }
            return .startup(packet)
        }
        let limit = sawPasswordMessage ? maxMessageBytes : min(maxMessageBytes, Self.maxTokenMessageBytes)
        guard let frame = try PostgresFrameDecoder.decodeFrame(from: &buffer, maxMessageBytes: limit) else { return nil }
        sawPasswordMessage = true
        return .frame(frame)
    }
}
