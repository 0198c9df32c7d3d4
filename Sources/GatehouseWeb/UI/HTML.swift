/// HTML text built by string interpolation, where every interpolated `String` is escaped
/// unless it is itself `HTML`. Pages are assembled from these, so forgetting to escape a value
/// is not possible by accident.
struct HTML: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    let text: String

    init(trusted text: String) { self.text = text }
    init(stringLiteral value: String) { text = value }
    init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    var description: String { text }

    struct Interpolation: StringInterpolationProtocol {
        var text = ""
        init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }
        mutating func appendLiteral(_ literal: String) { text += literal }
        // Disfavoured so that a bare literal (`cond ? "<b>x</b>" : ""`) is taken as HTML, not as a
        // String that would be escaped into visible markup; String values are still escaped.
        @_disfavoredOverload
        mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        mutating func appendInterpolation(_ value: Int) { text += String(value) }
        mutating func appendInterpolation(_ value: UInt64) { text += String(value) }
        mutating func appendInterpolation(_ value: HTML) { text += value.text }
        mutating func appendInterpolation(_ values: [HTML]) { for value in values { text += value.text } }
    }

    /// Escapes the five characters that matter in element content and quoted attributes.
    static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `items` joined, or `empty` when there are none.
    static func list(_ items: [String], empty: String = "none") -> HTML {
        items.isEmpty ? "<span class=\"muted\">\(empty)</span>" : "\(items.joined(separator: ", "))"
    }
}
