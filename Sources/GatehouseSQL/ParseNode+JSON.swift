import Foundation

/// Why the parser's JSON could not be turned into a tree.
struct ParseTreeReadError: Error, CustomStringConvertible {
    var description: String
}

extension ParseNode {
    /// Reads libpg_query's JSON output. Foundation's reader refuses nesting deeper than 512
    /// levels, which also bounds how deep the walks over the tree can recurse.
    init(json: String) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            if detail.contains("nested") {
                throw ParseTreeReadError(description: "statement nests too deeply to analyse")
            }
            throw ParseTreeReadError(description: "parse tree could not be read: \(detail)")
        }
        self.init(foundationValue: object)
    }

    private init(foundationValue value: Any) {
        switch value {
        case let fields as [String: Any]:
            self = .object(fields.mapValues { ParseNode(foundationValue: $0) })
        case let elements as [Any]:
            self = .array(elements.map { ParseNode(foundationValue: $0) })
        case let text as String:
            self = .string(text)
        case let number as NSNumber:
            // Booleans arrive as NSNumber too and read as 1 or 0.
            self = .integer(number.intValue)
        default:
            self = .null
        }
    }
}
