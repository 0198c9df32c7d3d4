import Foundation
import Testing

@testable import GatehouseConfig

/// The configured masking secret: read when asked, at least 32 bytes, never shown.
@Suite struct MaskingKeyTests {
    static let key = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c"  // 32 bytes of text
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func defaultKeyIsNotConfiguredKeyMaterial() throws {
        #expect(try MaskingConfiguration().resolveConfiguredKey(environment: [:]) == nil)
    }

    @Test func environmentVariableGivesItsUTF8Bytes() throws {
        let masking = MaskingConfiguration(key: .environment("GATEHOUSE_MASKING_KEY"))
        #expect(try masking.resolveConfiguredKey(environment: ["GATEHOUSE_MASKING_KEY": Self.key]) == Array(Self.key.utf8))
    }

    @Test func fileLosesOneTrailingNewline() throws {
        let path = try fixture.write(Self.key + "\n", to: "masking-key")
        #expect(try MaskingConfiguration(key: .file(path)).resolveConfiguredKey() == Array(Self.key.utf8))
    }

    @Test func shortKeyIsRefusedWithoutShowingIt() {
        let masking = MaskingConfiguration(key: .environment("GATEHOUSE_MASKING_KEY"))
        let short = String(Self.key.dropLast())
        do {
            _ = try masking.resolveConfiguredKey(environment: ["GATEHOUSE_MASKING_KEY": short])
            Issue.record("a 31-byte key was accepted")
        } catch {
            #expect("\(error)".hasPrefix("environment variable GATEHOUSE_MASKING_KEY is too short for a masking key: at least 32 bytes"))
            #expect(!"\(error)".contains(short))
        }
    }

    @Test func missingVariableNamesTheVariable() {
        let masking = MaskingConfiguration(key: .environment("GATEHOUSE_MASKING_KEY"))
        #expect(throws: SecretResolutionError(source: .environment("GATEHOUSE_MASKING_KEY"), problem: "is not set")) {
            try masking.resolveConfiguredKey(environment: [:])
        }
    }

    @Test func configuredKeyIsNeverShown() throws {
        let config = try fixture.parse(MinimalConfig.text + "masking:\n  key_env: GATEHOUSE_MASKING_KEY\n")
        #expect(try config.masking.resolveConfiguredKey(environment: ["GATEHOUSE_MASKING_KEY": Self.key]) != nil)
        let summary = config.renderedSummary()
        #expect(summary.contains("  key: from environment variable GATEHOUSE_MASKING_KEY"))
        #expect(!summary.contains(Self.key))
        #expect(!"\(config)".contains(Self.key))
    }
}
