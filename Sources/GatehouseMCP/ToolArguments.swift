import Foundation
import MCP

/// A tool call's arguments, read leniently (a number sent as a string is still a number) and
/// kept as JSON for the record.
struct ToolArguments: Sendable {
    let values: [String: Value]

    init(_ values: [String: Value]) {
        self.values = values
    }

    func string(_ name: String) -> String? {
        guard let value = values[name]?.stringValue, !value.isEmpty else { return nil }
        return value
    }

    func integer(_ name: String) -> Int? {
        switch values[name] {
        case .int(let value): value
        case .double(let value) where value.rounded() == value && abs(value) < 1e9: Int(value)
        case .string(let text): Int(text)
        default: nil
        }
    }

    /// The arguments as sorted JSON: what the ledger seals.
    var json: String { QueryToolResult.jsonText(.object(values)) }
}
