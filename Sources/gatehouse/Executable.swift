import Foundation

/// This program's own path, for what it prints or writes for others to run.
enum Executable {
    /// The absolute path of this executable (for the kubeconfig's exec plugin).
    static func path() -> String {
        let invoked = CommandLine.arguments[0]
        if invoked.contains("/") { return URL(fileURLWithPath: invoked).standardizedFileURL.resolvingSymlinksInPath().path }
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? invoked
    }

    /// How a user's shell runs this executable: `gatehouse` when that is what PATH finds,
    /// else its absolute path (the demo's printed commands must work as pasted).
    static func shellCommand() -> String {
        let own = path()
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/gatehouse"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            return URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path == own ? "gatehouse" : own
        }
        return own
    }
}
