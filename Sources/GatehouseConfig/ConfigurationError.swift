import Foundation

/// A configuration file that cannot be used, and exactly where and why.
///
/// The description is `<file>:<line>:<col>: <key.path>: <problem>`, the shape editors and CI
/// logs understand. Problems never quote secrets: the file holds none inline, and values of
/// secret-bearing keys (`password_env`, unknown keys) are never echoed.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// 1-based; nil when the problem is not tied to a place in the file (e.g. unreadable file).
    public var line: Int?
    /// 1-based, counted in Unicode scalars.
    public var column: Int?
    /// Where in the document, e.g. `connections[0].upstream.sslmode`; empty for the whole file.
    public var keyPath: String
    public var problem: String

    public init(file: String, line: Int?, column: Int?, keyPath: String, problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return keyPath.isEmpty ? "\(location): \(problem)" : "\(location): \(keyPath): \(problem)"
    }
}

// So `error.localizedDescription` (used by ArgumentParser and logs) shows the same text.
extension ConfigurationError: LocalizedError {
    public var errorDescription: String? { description }
}
