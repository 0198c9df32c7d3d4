import Foundation
import Testing

@testable import GatehouseConfig

/// Inputs that are not a configuration at all must be refused with a ConfigurationError,
/// never a crash (untyped `Yams.load` crashed on `{{}}`).
@Suite struct MalformedInputTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func nestedEmptyFlowMappingIsRefused() {
        let error = fixture.error("{{}}")
        #expect(error?.line == 1)
        #expect(error?.problem.contains("keys must be plain names") == true)
    }

    @Test func emptyInputIsRefused() {
        #expect(fixture.error("")?.problem == "the file is empty")
        #expect(fixture.error("# only a comment\n")?.problem == "the file is empty")
    }

    @Test func syntaxErrorNamesTheLine() {
        let error = fixture.error("data_dir: data\nlisteners:\n  postgres: [6432\n  http: {}\n")
        #expect(error?.line == 4)
        #expect(error?.problem.hasPrefix("YAML syntax error") == true)
        #expect(error?.description.hasPrefix(fixture.configPath + ":4:") == true)
    }

    @Test func mappingValueInPlainScalarIsASyntaxError() {
        let error = fixture.error("data_dir: data\nidentity: a: b\n")
        #expect(error?.line == 2)
    }

    @Test func listAtTheRootIsRefused() {
        let error = fixture.error("- data_dir: data\n- connections: []\n")
        #expect(error?.line == 1)
        #expect(error?.keyPath == "")
        #expect(error?.problem.contains("must be a mapping") == true)
    }

    @Test func scalarAtTheRootIsRefused() {
        #expect(fixture.error("just text")?.problem.contains("must be a mapping") == true)
        #expect(fixture.error("~")?.problem.contains("must be a mapping") == true)
    }

    @Test func binaryGarbageIsRefused() {
        let garbage = String(decoding: [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x7F, 0x1B, 0x5B, 0x7B, 0x7B, 0x0A, 0x00], as: UTF8.self)
        #expect(fixture.error(garbage) != nil)
        #expect(fixture.error("data_dir: data\n\u{07}\u{01}")?.line == 2)
    }

    @Test func invalidUTF8FileIsRefused() throws {
        let path = fixture.directory + "/garbage.yaml"
        try Data([0xC3, 0x28, 0xA0, 0xA1, 0xFF, 0x00, 0x7B, 0x7B]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigurationError(file: path, line: nil, column: nil, keyPath: "", problem: "the file is not UTF-8 text")) {
            try GatehouseConfiguration.load(path: path)
        }
    }

    @Test func missingFileIsAConfigurationError() {
        let path = fixture.directory + "/absent.yaml"
        #expect(throws: ConfigurationError(file: path, line: nil, column: nil, keyPath: "", problem: "no such file")) {
            try GatehouseConfiguration.load(path: path)
        }
    }

    @Test func severalDocumentsAreRefused() {
        let error = fixture.error(MinimalConfig.text + "---\ndata_dir: other\n")
        #expect(error?.problem.contains("YAML syntax error") == true)
    }

    @Test func duplicateKeysNameTheLine() {
        let error = fixture.error("data_dir: a\ndata_dir: b\n")
        #expect(error?.line == 1)
        #expect(error?.problem.contains("duplicate key 'data_dir'") == true)
    }

    @Test func undefinedAliasIsRefused() {
        #expect(fixture.error("data_dir: *nothing\n")?.line == 1)
    }

    @Test func deeplyNestedInputIsRefused() {
        let depth = 5000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(fixture.error("data_dir: \(nested)\n") != nil)
    }
}
