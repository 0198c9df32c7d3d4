/// A path pattern as the configuration writes them for repositories and branches: `*` matches
/// any characters except `/`, `**` any characters including `/`; everything else is literal.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private let tokens: [Token]

    private enum Token: Hashable {
        case literal(Character)
        case segmentWildcard
        case anyWildcard
    }

    public init(_ text: String) {
        self.text = text
        var tokens: [Token] = []
        var characters = Array(text)[...]
        while let first = characters.popFirst() {
            if first == "*" {
                if characters.first == "*" {
                    characters.removeFirst()
                    tokens.append(.anyWildcard)
                } else {
                    tokens.append(.segmentWildcard)
                }
            } else {
                tokens.append(.literal(first))
            }
        }
        self.tokens = tokens
    }

    public var description: String { text }

    public func matches(_ path: String) -> Bool {
        Self.match(tokens[...], Array(path)[...])
    }

    /// Backtracking match; patterns are short, and `**`/`*` runs are few.
    private static func match(_ pattern: ArraySlice<Token>, _ path: ArraySlice<Character>) -> Bool {
        guard let token = pattern.first else { return path.isEmpty }
        let rest = pattern.dropFirst()
        switch token {
        case .literal(let character):
            return path.first == character && match(rest, path.dropFirst())
        case .segmentWildcard, .anyWildcard:
            var candidate = path
            while true {
                if match(rest, candidate) { return true }
                guard let next = candidate.first, token == .anyWildcard || next != "/" else { return false }
                candidate = candidate.dropFirst()
            }
        }
    }
}
