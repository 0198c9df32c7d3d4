import Foundation
import Testing

@testable import GatehouseConfig

@Suite struct SecretSourceTests {
    static let secret = "s3cr3t-Pa55word!"
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func environmentVariableIsRead() throws {
        #expect(try SecretSource.environment("PGPASS").resolve(environment: ["PGPASS": Self.secret]) == Self.secret)
    }

    @Test func missingOrEmptyVariableNamesTheVariableOnly() {
        #expect(throws: SecretResolutionError(source: .environment("PGPASS"), problem: "is not set")) {
            try SecretSource.environment("PGPASS").resolve(environment: [:])
        }
        do {
            _ = try SecretSource.environment("PGPASS").resolve(environment: ["PGPASS": ""])
            Issue.record("an empty password was accepted")
        } catch {
            #expect("\(error)" == "environment variable PGPASS is empty")
        }
    }

    @Test func fileIsReadWithOneTrailingNewlineStripped() throws {
        let path = try fixture.write(Self.secret + "\n", to: "pg-password")
        #expect(try SecretSource.file(path).resolve() == Self.secret)
        let crlf = try fixture.write(Self.secret + "\r\n", to: "pg-password-crlf")
        #expect(try SecretSource.file(crlf).resolve() == Self.secret)
        let bare = try fixture.write(Self.secret, to: "pg-password-bare")
        #expect(try SecretSource.file(bare).resolve() == Self.secret)
        let twoNewlines = try fixture.write(Self.secret + "\n\n", to: "pg-password-two")
        #expect(try SecretSource.file(twoNewlines).resolve() == Self.secret + "\n")
    }

    @Test func fileErrorsNameTheFileNeverTheContent() throws {
        let missing = fixture.directory + "/absent"
        #expect(throws: SecretResolutionError(source: .file(missing), problem: "does not exist")) {
            try SecretSource.file(missing).resolve()
        }
        let empty = try fixture.write("\n", to: "empty")
        #expect(throws: SecretResolutionError(source: .file(empty), problem: "is empty")) {
            try SecretSource.file(empty).resolve()
        }
        var notText = Data(Self.secret.utf8)
        notText.append(contentsOf: [0xFF, 0xFE])
        let binary = fixture.directory + "/binary"
        try notText.write(to: URL(fileURLWithPath: binary))
        do {
            _ = try SecretSource.file(binary).resolve()
            Issue.record("binary secret accepted")
        } catch {
            #expect("\(error)" == "file \(binary) is not UTF-8 text")
            #expect(!"\(error)".contains(Self.secret))
        }
    }

    @Test func descriptionSaysWhereNotWhat() {
        #expect(SecretSource.environment("DEMO_PG_PASSWORD").description == "environment variable DEMO_PG_PASSWORD")
        #expect(SecretSource.file("/run/secrets/pg").description == "file /run/secrets/pg")
    }

    @Test func configuredSecretIsResolvedButNeverShown() throws {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "      user: app\n", with: "      user: app\n      password_env: DEMO_PG_PASSWORD\n")
        let config = try fixture.parse(yaml)
        let source = try #require(config.connections[0].upstream.password)
        #expect(try source.resolve(environment: ["DEMO_PG_PASSWORD": Self.secret]) == Self.secret)
        let summary = config.renderedSummary()
        #expect(summary.contains("password: from environment variable DEMO_PG_PASSWORD"))
        #expect(!summary.contains(Self.secret))
        #expect(!"\(config)".contains(Self.secret))
    }
}
