import GatehouseMasking
import NIOCore

/// Masks the payload of a NotificationResponse (`NOTIFY channel, 'payload'`) with the
/// detectors, or whole when the sending backend ran a statement that read personal data and
/// could notify (its payload may be anything it read); the process ID and channel name are kept.
public struct NotificationPayloadMasker: Sendable {
    public let engine: MaskingEngine

    public init(engine: MaskingEngine) {
        self.engine = engine
    }

    /// Masks a NotificationResponse body (int32 process ID, NUL-terminated channel,
    /// NUL-terminated payload); nil when nothing was found. Throws `PostgresMaskingError` on a
    /// malformed body.
    ///
    /// `senderCategory` answers, for the sending backend's process ID, the category to mask the
    /// payload whole with (nil: the detectors).
    public func mask(body: ByteBuffer, senderCategory: (Int32) -> String? = { _ in nil }) throws -> (body: ByteBuffer, hits: [SubjectHit])? {
        let sender = body.getInteger(at: body.readerIndex, as: Int32.self)
        return try body.withUnsafeReadableBytes { raw in
            guard raw.count >= 4, let channelEnd = raw[4...].firstIndex(of: 0) else {
                throw PostgresMaskingError(.notification, "truncated process ID or channel")
            }
            let payloadStart = channelEnd + 1
            guard payloadStart < raw.count, let payloadEnd = raw[payloadStart...].firstIndex(of: 0) else {
                throw PostgresMaskingError(.notification, "unterminated payload")
            }
            guard payloadEnd == raw.count - 1 else {
                throw PostgresMaskingError(.notification, "unexpected bytes after the payload")
            }
            let payload = UnsafeRawBufferPointer(rebasing: raw[payloadStart..<payloadEnd])
            let result = sender.flatMap(senderCategory).map { engine.maskClassifiedValue(payload, category: $0) } ?? engine.mask(payload)
            guard let output = result.output else { return nil }
            var masked = ByteBuffer()
            masked.reserveCapacity(payloadStart + output.count + 1)
            masked.writeBytes(UnsafeRawBufferPointer(rebasing: raw[..<payloadStart]))
            masked.writeBytes(output)
            masked.writeInteger(UInt8(0))
            return (masked, result.hits)
        }
    }

    /// Masks a payload string; nil when nothing was found.
    public func mask(payload: String) -> (payload: String, hits: [SubjectHit])? {
        var payload = payload
        let result = payload.withUTF8 { engine.mask(UnsafeRawBufferPointer($0)) }
        guard let output = result.output else { return nil }
        return (String(decoding: output, as: UTF8.self), result.hits)
    }
}
