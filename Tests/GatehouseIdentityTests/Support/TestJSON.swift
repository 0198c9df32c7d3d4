import Foundation

/// JSON from dictionaries, for hand-made tokens and documents.
enum TestJSON {
    static func encode(_ object: Any) -> [UInt8] {
        // Test inputs are always valid JSON objects.
        try! Array(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }
}
