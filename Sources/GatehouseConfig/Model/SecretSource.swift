import Foundation

/// Where a secret (an upstream password) comes from. The configuration only ever holds the
/// place, never the value, so printing a configuration cannot leak it.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    /// The name of an environment variable.
    case environment(String)
    /// An absolute path to a file holding the secret.
    case file(String)

    /// Reads the secret now. Errors name the variable or file, never the value. A file's
    /// trailing newline is stripped (editors and `echo` add one).
    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name] else { throw SecretResolutionError(source: self, problem: "is not set") }
            guard !value.isEmpty else { throw SecretResolutionError(source: self, problem: "is empty") }
            return value
        case .file(let path):
            return try readSecretFile(at: path)
        }
    }

    /// Reads key material now: the UTF-8 bytes of the secret, at least `minimumBytes` of them.
    /// `purpose` names the key in the error ("a masking key"); errors never show the value.
    public func resolveKeyMaterial(minimumBytes: Int, purpose: String,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8] {
        let material = Array(try resolve(environment: environment).utf8)
        guard material.count >= minimumBytes else {
            throw SecretResolutionError(
                source: self,
                problem: "is too short for \(purpose): at least \(minimumBytes) bytes are needed (e.g. the output of `openssl rand -hex 32`)")
        }
        return material
    }

    public var description: String {
        switch self {
        case .environment(let name): return "environment variable \(name)"
        case .file(let path): return "file \(path)"
        }
    }

    private func readSecretFile(at path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SecretResolutionError(source: self, problem: "does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretResolutionError(source: self, problem: "cannot be read")
        }
        guard var value = String(data: data, encoding: .utf8) else {
            throw SecretResolutionError(source: self, problem: "is not UTF-8 text")
        }
        // Exactly one line ending goes; anything else is part of the secret. ("\r\n" is a
        // single Character in Swift, so one removeLast drops it whole.)
        if value.hasSuffix("\n") || value.hasSuffix("\r\n") { value.removeLast() }
        guard !value.isEmpty else { throw SecretResolutionError(source: self, problem: "is empty") }
        return value
    }
}

/// A secret that cannot be read. Names where it was looked for, never any value.
public struct SecretResolutionError: Error, CustomStringConvertible, Equatable {
    public var source: SecretSource
    public var problem: String

    public init(source: SecretSource, problem: String) {
        self.source = source
        self.problem = problem
    }

    public var description: String { "\(source) \(problem)" }
}

extension SecretResolutionError: LocalizedError {
    public var errorDescription: String? { description }
}
