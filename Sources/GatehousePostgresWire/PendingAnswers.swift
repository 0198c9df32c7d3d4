import NIOCore

/// Which answers the server still owes for the client messages forwarded to it, message by
/// message, so the gateway can tell when the server has answered everything: only then may it
/// slip in a statement of its own (`RoleSwitching`) and know that the next answers are that
/// statement's. Pure: the relay reports what it forwarded and what came back.
public struct PendingAnswers: Sendable {
    private enum Awaited: Sendable { case parse, bind, close, describe, execute, ready }

    private var awaited = CircularBuffer<Awaited>()
    /// An extended-protocol message failed and no Sync has gone upstream since: the server skips
    /// every message but Sync until then, so nothing sent now would be answered.
    public private(set) var skippingUntilSync = false

    public init() {}

    /// Nothing forwarded is still unanswered.
    public var isEmpty: Bool { awaited.isEmpty }

    /// A client (or gateway-made) message went upstream.
    public mutating func forwarded(_ type: UInt8) {
        switch type {
        case FrontendMessage.parseType: awaited.append(.parse)
        case FrontendMessage.bindType: awaited.append(.bind)
        case FrontendMessage.closeType: awaited.append(.close)
        case FrontendMessage.describeType: awaited.append(.describe)
        case FrontendMessage.executeType: awaited.append(.execute)
        case FrontendMessage.syncType, FrontendMessage.queryType:
            awaited.append(.ready)
            skippingUntilSync = false
        default: break  // Flush and COPY data have no answer of their own.
        }
    }

    /// One server message.
    public mutating func received(_ type: UInt8) {
        switch (type, awaited.first) {
        case (BackendMessage.parseCompleteType, .parse?), (BackendMessage.bindCompleteType, .bind?),
             (BackendMessage.closeCompleteType, .close?), (BackendMessage.rowDescriptionType, .describe?),
             (BackendMessage.noDataType, .describe?), (BackendMessage.commandCompleteType, .execute?),
             (BackendMessage.emptyQueryType, .execute?), (BackendMessage.portalSuspendedType, .execute?):
            awaited.removeFirst()
        case (BackendMessage.errorType, let head?) where head != .ready:
            // The server skips what follows up to the next Sync.
            while let next = awaited.first, next != .ready { awaited.removeFirst() }
            if awaited.isEmpty { skippingUntilSync = true }
        case (BackendMessage.readyForQueryType, _):
            while let next = awaited.first, next != .ready { awaited.removeFirst() }
            if !awaited.isEmpty { awaited.removeFirst() }
        default:
            break
        }
    }
}
