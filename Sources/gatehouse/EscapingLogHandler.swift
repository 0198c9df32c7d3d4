import GatehouseCore
import Logging

/// The process's log handler: standard error, one line per event, with the message and every
/// metadata value escaped (`LogSafeText`), so client-supplied text cannot forge log lines.
struct EscapingLogHandler: LogHandler {
    private var inner: StreamLogHandler
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    init(label: String) {
        inner = StreamLogHandler.standardError(label: label)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: LogSafeText.escaped(event.message.description))
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        event.metadata = merged.isEmpty ? nil : merged.mapValues(Self.escaped)
        inner.log(event: event)
    }

    private static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): return .string(LogSafeText.escaped(text))
        case .stringConvertible(let convertible): return .string(LogSafeText.escaped(convertible.description))
        case .array(let values): return .array(values.map(escaped))
        case .dictionary(let values): return .dictionary(values.mapValues(escaped))
        }
    }

    /// Once per process, before the first logger is made.
    static let bootstrapped: Void = LoggingSystem.bootstrap { EscapingLogHandler(label: $0) }
}
