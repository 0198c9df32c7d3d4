import Foundation
import GatehouseCore

/// The `event` column: the whole event as JSON with sorted keys (stable text, easy to diff
/// and hash) and dates in the same millisecond ISO 8601 form as the `time` column.
enum EventJSON {
    // JSONEncoder/JSONDecoder are safe to share once configured.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            guard let text = UTCTimestamp.string(from: date) else {
                throw EncodingError.invalidValue(date, .init(codingPath: encoder.codingPath, debugDescription: "date out of range"))
            }
            var container = encoder.singleValueContainer()
            try container.encode(text)
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = UTCTimestamp.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UTC ISO 8601 time with milliseconds")
            }
            return date
        }
        return decoder
    }()

    static func encode(_ event: GatehouseEvent) throws -> String {
        String(decoding: try encoder.encode(event), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> GatehouseEvent {
        try decoder.decode(GatehouseEvent.self, from: Data(text.utf8))
    }
}
