/// A configured regular expression (e.g. customer numbers `CUST-\d{6}`). Uses Swift Regex, which
/// is slow compared with the built-in matchers, but only runs when a deployment configures one.
public struct CustomPattern: Sendable {
    public let name: String
    public let regex: String
    let compiled: CompiledRegex

    public init(name: String, regex: String) throws {
        self.name = name
        self.regex = regex
        self.compiled = CompiledRegex(try Regex(regex))
    }

    /// Matches in `text`, as UTF-8 byte ranges. Empty matches are ignored.
    func ranges(in text: String) -> [Range<Int>] {
        let utf8 = text.utf8
        return text.matches(of: compiled.regex).compactMap { match in
            let lower = utf8.distance(from: utf8.startIndex, to: match.range.lowerBound)
            let upper = utf8.distance(from: utf8.startIndex, to: match.range.upperBound)
            return lower < upper ? lower..<upper : nil
        }
    }
}

/// `Regex` is immutable once built but not declared Sendable on every platform.
final class CompiledRegex: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
}
