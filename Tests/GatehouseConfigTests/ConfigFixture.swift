import Foundation
import Testing

@testable import GatehouseConfig

/// A temporary directory holding a configuration file's neighbours (certificates, secrets),
/// so path resolution and file checks run against real files.
final class ConfigFixture {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.path + "/gatehouse-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/certs", withIntermediateDirectories: true)
        for name in ["certs/gateway.pem", "certs/gateway.key", "certs/upstream-ca.pem", "certs/http.pem", "certs/http.key"] {
            try write("placeholder \(name)\n", to: name)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var configPath: String { directory + "/gatehouse.yaml" }

    @discardableResult
    func write(_ text: String, to relativePath: String) throws -> String {
        let path = directory + "/" + relativePath
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func parse(_ yaml: String) throws -> GatehouseConfiguration {
        try GatehouseConfiguration.parse(yaml: yaml, sourcePath: configPath)
    }

    /// The ConfigurationError parsing `yaml` gives; records an issue when it parses or fails otherwise.
    func error(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> ConfigurationError? {
        do {
            _ = try parse(yaml)
            Issue.record("expected a ConfigurationError, but the configuration was accepted", sourceLocation: sourceLocation)
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("expected a ConfigurationError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// Asserts the error's line, key path and (part of) its problem.
    func expectError(
        _ yaml: String, line: Int, column: Int? = nil, keyPath: String, problem: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = error(yaml, sourceLocation: sourceLocation) else { return }
        #expect(error.file == configPath, sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        if let column { #expect(error.column == column, "\(error)", sourceLocation: sourceLocation) }
        #expect(error.keyPath == keyPath, "\(error)", sourceLocation: sourceLocation)
        #expect(error.problem.contains(problem), "\(error)", sourceLocation: sourceLocation)
    }
}

/// The smallest valid file; tests append or alter sections of it.
enum MinimalConfig {
    static let identity = """
        identity:
          dev_issuer:
            enabled: true
        """

    static let connections = """
        connections:
          - name: demo
            type: postgres
            upstream:
              host: 127.0.0.1
              database: shop
              user: app
            allowed_groups: [engineers]
        """

    static let text = "data_dir: data\n" + identity + "\n" + connections + "\n"
}
