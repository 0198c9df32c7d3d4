import ArgumentParser
import Foundation
import GatehouseCore
import Logging

/// `--log-format json`: one JSON object per line on standard error, for log pipelines:
/// `{"time", "level", "label", "message", "source", "metadata": {...}}`. JSON's own escaping keeps
/// client-supplied text from forging lines, as `EscapingLogHandler` does for text.
struct JSONLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let label: String

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        var object: [String: Any] = [
            "time": UTCTimestamp.string(from: Date()) ?? "",
            "level": event.level.rawValue,
            "label": label,
            "message": event.message.description,
            "source": event.source,
        ]
        if !merged.isEmpty { object["metadata"] = merged.mapValues(Self.json) }
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        Self.output.write(line)
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): return text
        case .stringConvertible(let convertible): return convertible.description
        case .array(let values): return values.map(json)
        case .dictionary(let values): return values.mapValues(json)
        }
    }

    /// Whole lines from any thread: one write per line, under a lock.
    private static let output = LockedStandardError()
}

private final class LockedStandardError: @unchecked Sendable {
    private let lock = NSLock()

    func write(_ data: Data) {
        lock.withLock { FileHandle.standardError.write(data) }
    }
}

/// How the gateway's log lines are written (`--log-format`).
enum LogFormat: String, CaseIterable, ExpressibleByArgument {
    /// One escaped line per event (the default).
    case text
    /// One JSON object per line.
    case json

    /// Bootstraps the logging system once per process, before the first logger is made.
    func bootstrap() {
        switch self {
        case .text: _ = EscapingLogHandler.bootstrapped
        case .json: _ = Self.jsonBootstrapped
        }
    }

    private static let jsonBootstrapped: Void = LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
}
