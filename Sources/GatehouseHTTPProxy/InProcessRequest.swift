import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Where an in-process request comes from: only a logger (no channel, no peer address, so no
/// loopback relaxation applies to it).
public struct InProcessRequestSource: RequestContextSource {
    public let logger: Logger

    public init(logger: Logger) {
        var logger = logger
        logger[metadataKey: "hb.request.id"] = "\(UUID().uuidString.lowercased())"
        self.logger = logger
    }
}

/// The request context of a request one part of the gateway hands another's route handler in
/// the process (the MCP endpoint's Blob tools calling the Blob adapter): the handler
/// authenticates, decides, holds, masks and records it as it would a request from a socket.
public struct InProcessRequestContext: RequestContext {
    public typealias Source = InProcessRequestSource
    public var coreContext: CoreRequestContextStorage

    public init(source: InProcessRequestSource) {
        coreContext = CoreRequestContextStorage(source: source)
    }
}

/// A response read whole (up to a limit), for an in-process caller.
public struct CollectedResponse: Sendable {
    public var status: Int
    public var headers: HTTPFields
    public var body: ByteBuffer
    /// Whether the body was longer than the limit (the rest was read and dropped).
    public var truncated: Bool

    public static func collect(_ response: Response, limit: Int) async throws -> CollectedResponse {
        let kept = CollectingWriter.Kept()
        try await response.body.write(CollectingWriter(limit: limit, kept: kept))
        return CollectedResponse(status: response.status.code, headers: response.headers, body: kept.body, truncated: kept.truncated)
    }
}

/// Keeps what a response body writes, up to a limit, in `kept`.
private struct CollectingWriter: ResponseBodyWriter {
    final class Kept: @unchecked Sendable {
        var body = ByteBuffer()
        var truncated = false
    }

    let limit: Int
    let kept: Kept

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        let room = max(limit - kept.body.readableBytes, 0)
        if buffer.readableBytes > room { kept.truncated = true }
        if var slice = buffer.readSlice(length: min(room, buffer.readableBytes)) {
            kept.body.writeBuffer(&slice)
        }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
