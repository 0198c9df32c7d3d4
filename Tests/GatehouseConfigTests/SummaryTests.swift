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

    @Test func summaryDescribesMaskingWithoutKeyMaterial() throws {
        let fixture = try ConfigFixture()
        try fixture.write("Carol Example\n", to: "vip.txt")
        let yaml = MinimalConfig.text + """
                masking:
                  strategies: {email: partial}
            masking:
              key_file: secrets/masking.key
              detectors: [email, iban]
              strategies: {email: pseudonym, iban: partial}
              categories: {free-text: detect, name: pseudonym}
              custom_patterns:
                - {name: order-ref, regex: 'ORD-[0-9]{8}'}
              dictionaries:
                - {name: vip-customer, terms: [Alice Example, Bob Example]}
                - {name: vip-file, file: vip.txt}
            """ + "\n"
        let summary = try fixture.parse(yaml).renderedSummary()
        let dir = fixture.directory
        let expectedLines = [
            "    masking overrides: strategies email partial",
            "Masking",
            "  key: from file \(dir)/secrets/masking.key",
            "  detectors: email, iban",
            "  strategies: default redact; email pseudonym, iban partial",
            "  categories: free-text detect, name pseudonym",
            "  custom patterns: order-ref",
            "  dictionaries: vip-customer (2 term(s)), vip-file (file \(dir)/vip.txt)",
        ]
        let lines = summary.split(separator: "\n").map(String.init)
        for expected in expectedLines {
            #expect(lines.contains(expected), "missing line: \(expected)\n\(summary)")
        }
        #expect(!summary.contains("Alice"))
        #expect(!summary.contains("Carol"))
    }

    @Test func summaryShowsTheMaskingDefaults() throws {
        let fixture = try ConfigFixture()
        let summary = try fixture.parse(MinimalConfig.text).renderedSummary()
        let lines = summary.split(separator: "\n").map(String.init)
        #expect(lines.contains("  key: file \(fixture.directory)/data/masking.key (generated on first start if missing)"), "\(summary)")
        #expect(lines.contains("  detectors: all built-in (email, payment-card, iban, us-ssn, phone, ipv4, ipv6, de-tax-id, nl-bsn, es-dni, fr-nir, it-codice-fiscale, pl-pesel, be-national-number, pt-nif, se-personnummer, dk-cpr, fi-hetu, at-svnr, uk-nino, ie-ppsn)"))
        #expect(lines.contains("  strategies: default redact"))
        #expect(lines.contains("  categories: none (each category uses the default strategy)"))
        #expect(!lines.contains { $0.hasPrefix("    masking overrides") })
    }
}
