import GatehouseCore
import Foundation
import Testing

@testable import GatehouseConfig

/// docs/configuration.md is the reference operators copy from: its example must stay valid.
@Suite struct DocumentedExampleTests {
    static let documentPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/configuration.md").path

    /// The first ```yaml block, with its `...` placeholders filled in.
    static func documentedExample() throws -> String {
        let markdown = try String(contentsOfFile: documentPath, encoding: .utf8)
        let start = try #require(markdown.range(of: "```yaml\n"))
        let end = try #require(markdown.range(of: "\n```", range: start.upperBound..<markdown.endIndex))
        return String(markdown[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "<tenant-id>", with: "72f988bf-86f1-41af-91ab-2d7cd011db47")
            .replacingOccurrences(of: "tls: { cert: ..., key: ... }", with: "tls: { cert: certs/http.pem, key: certs/http.key }")
            .replacingOccurrences(of: "discovery_url: ...", with: "discovery_url: https://login.example/.well-known/openid-configuration")
    }

    @Test func documentedExampleIsAccepted() throws {
        let fixture = try ConfigFixture()
        let config = try fixture.parse(try Self.documentedExample())
        let classification = try #require(config.connection(named: "demo")?.personalData)
        #expect(classification.tables.count == 3)
        #expect(classification.jsonFields(of: ColumnReference(relation: RelationName(name: "support_tickets"), column: "metadata"))
                == ["$.caller.name": "name", "$.reply_to": "contact"])
        #expect(config.devIssuer != nil)
        #expect(config.issuers.count == 1)
        #expect(config.masking.key == .environment("GATEHOUSE_MASKING_KEY"))
        #expect(config.masking.rules.detectOnlyCategories == ["free-text"])
        #expect(config.connection(named: "demo")?.masking.isEmpty == false)
    }
}
