/// Which commands exec may run: refused patterns always win; when `allowed` is not empty, only
/// commands matching one of its patterns run. Patterns match the command as displayed (words
/// joined by spaces, quoted as a shell would show them); `*` matches any run of characters,
/// spaces and `/` included. Applies to the command kubectl starts: an interactive shell is one
/// command (`sh`), and what is typed into it is recorded and masked, not matched.
public struct CommandRules: Sendable, Equatable {
    public var allowed: [CommandPattern]
    public var refused: [CommandPattern]

    public init(allowed: [String] = [], refused: [String] = []) {
        self.allowed = allowed.map(CommandPattern.init)
        self.refused = refused.map(CommandPattern.init)
    }

    /// Why the command may not run, or nil.
    public func refusal(for options: ExecOptions) -> String? {
        let command = options.displayedCommand
        if let pattern = refused.first(where: { $0.matches(command) }) {
            return "the command '\(command)' matches the refused pattern '\(pattern.text)'"
        }
        if !allowed.isEmpty, !allowed.contains(where: { $0.matches(command) }) {
            return "the command '\(command)' matches none of the allowed patterns"
        }
        return nil
    }
}

/// A glob over a whole command line: `*` is any run of characters, everything else literal.
public struct CommandPattern: Sendable, Equatable {
    public let text: String
    private let parts: [Substring]

    public init(_ text: String) {
        self.text = text
        parts = text.split(separator: "*", omittingEmptySubsequences: false)
    }

    public func matches(_ command: String) -> Bool {
        guard parts.count > 1 else { return command == text }
        guard command.hasPrefix(parts[0]) else { return false }
        var rest = command.dropFirst(parts[0].count)
        for (index, part) in parts.enumerated().dropFirst() {
            if index == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) && rest.count >= part.count }
            guard !part.isEmpty else { continue }
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }
}
