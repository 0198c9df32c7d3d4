import Testing

@testable import GatehouseConfig

@Suite struct DefaultsTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func omittedSettingsTakeTheirDocumentedDefaults() throws {
        let config = try fixture.parse(MinimalConfig.text)
        #expect(config.postgresListener.address == "127.0.0.1")
        #expect(config.postgresListener.port == 6432)
        #expect(config.postgresListener.tls == nil)
        #expect(config.postgresListener.allowCleartextTokenOnLoopback == false)
        #expect(config.postgresListener.maxMessageBytes == 64 * 1024 * 1024)
        #expect(config.httpListener.address == "127.0.0.1")
        #expect(config.httpListener.port == 8080)
        #expect(config.httpListener.tls == nil)
        #expect(config.issuers.isEmpty)
        #expect(config.devIssuer == DevIssuerSettings(audience: "gatehouse", tokenTTLSeconds: 3600))

        let upstream = try #require(config.connection(named: "demo")).upstream
        #expect(upstream.port == 5432)
        #expect(upstream.password == nil)
        #expect(upstream.sslMode == .disable)
        #expect(upstream.caFile == nil)
        #expect(config.connection(named: "demo")?.personalData.isEmpty == true)
    }

    @Test func issuerDefaults() throws {
        let yaml = """
            data_dir: data
            identity:
              issuers:
                - issuer: https://issuer.example/tenant/
                  audiences: [gatehouse]
            """ + "\n" + MinimalConfig.connections
        let issuer = try #require(try fixture.parse(yaml).issuers.first)
        #expect(issuer.discoveryURL == nil)
        #expect(issuer.effectiveDiscoveryURL == "https://issuer.example/tenant/.well-known/openid-configuration")
        #expect(issuer.groupsClaim == "groups")
        #expect(issuer.algorithms == ["RS256", "ES256", "EdDSA"])
        #expect(issuer.leewaySeconds == 60)
    }

    @Test func devIssuerIsNilUnlessEnabled() throws {
        let yaml = """
            data_dir: data
            identity:
              issuers:
                - issuer: https://issuer.example
                  audiences: [gatehouse]
              dev_issuer:
                audience: other
            """ + "\n" + MinimalConfig.connections
        #expect(try fixture.parse(yaml).devIssuer == nil)
    }

    @Test func portZeroMeansAnyFreePort() throws {
        let yaml = "data_dir: data\nlisteners:\n  postgres: {port: 0}\n  http: {port: 0}\n" + MinimalConfig.identity + "\n" + MinimalConfig.connections
        let config = try fixture.parse(yaml)
        #expect(config.postgresListener.port == 0)
        #expect(config.httpListener.port == 0)
    }

    @Test func httpIssuerIsAcceptedOnLoopbackOnly() throws {
        let yaml = """
            data_dir: data
            identity:
              issuers:
                - issuer: http://127.0.0.1:9400
                  audiences: [gatehouse]
                - issuer: http://localhost:9401/realm
                  audiences: [gatehouse]
            """ + "\n" + MinimalConfig.connections
        #expect(try fixture.parse(yaml).issuers.map(\.issuer) == ["http://127.0.0.1:9400", "http://localhost:9401/realm"])
    }
}
