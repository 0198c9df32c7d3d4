import Foundation

/// Makes configured paths absolute: relative ones are relative to the directory holding the
/// configuration file, not to wherever the gateway happens to be started.
struct PathResolver {
    let baseDirectory: String

    init(configurationFile: String) {
        let file = Self.absolute(configurationFile, against: FileManager.default.currentDirectoryPath)
        baseDirectory = Self.parentDirectory(of: file)
    }

    init(baseDirectory: String) {
        self.baseDirectory = baseDirectory
    }

    func absolute(_ path: String) -> String {
        Self.absolute(path, against: baseDirectory)
    }

    static func absolute(_ path: String, against directory: String) -> String {
        normalized(path.hasPrefix("/") ? path : directory + "/" + path)
    }

    /// Removes `.`, `..` and doubled slashes lexically (no symlink resolution, so the result
    /// does not depend on what is on disk).
    static func normalized(_ absolutePath: String) -> String {
        var parts: [Substring] = []
        for part in absolutePath.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func parentDirectory(of absolutePath: String) -> String {
        guard let slash = absolutePath.lastIndex(of: "/"), slash != absolutePath.startIndex else { return "/" }
        return String(absolutePath[..<slash])
    }
}
