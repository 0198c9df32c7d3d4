import Testing

@testable import GatehouseConfig

@Suite struct SummaryTests {
    @Test func summaryCoversListenersIssuersAndConnections() throws {
        let fixture = try ConfigFixture()
        let summary = try fixture.parse(FullExampleTests.yaml).renderedSummary()
        let dir = fixture.directory
        let expectedLines = [
            "Configuration \(fixture.configPath)",
            "  data directory: \(dir)/gatehouse-data",
            "  postgres: 127.0.0.1:6432, TLS (certificate \(dir)/certs/gateway.pem, key \(dir)/certs/gateway.key)",
            "    cleartext token on loopback: refused",
            "  http: 127.0.0.1:8080, TLS (certificate \(dir)/certs/http.pem, key \(dir)/certs/http.key)",
            "  issuer https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
            "    audiences: api://gatehouse",
            "    groups claim: groups; algorithms: RS256, ES256, EdDSA; leeway: 60 s",
            "  dev issuer: enabled, audience gatehouse, tokens valid 3600 s",
            "  demo (postgres)",
            "    upstream: 127.0.0.1:5432, database shop, user gatehouse_demo, sslmode verify-full, CA \(dir)/certs/upstream-ca.pem",
            "    password: from environment variable DEMO_PG_PASSWORD",
            "    allowed groups: engineers",
            "    personal data: 2 table(s) classified (1 as a whole), 6 column(s)",
        ]
        let lines = summary.split(separator: "\n").map(String.init)
        for expected in expectedLines {
            #expect(lines.contains(expected), "missing line: \(expected)\n\(summary)")
        }
    }
}
