import Testing

@testable import GatehouseConfig

@Suite struct IdentityValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// An identity section with one issuer whose entry ends with `extra` (from line 6 on).
    func withIssuer(_ extra: String) -> String {
        """
        data_dir: data
        identity:
          issuers:
            - issuer: https://issuer.example
              audiences: [gatehouse]

        """ + extra + MinimalConfig.connections
    }

    @Test func anIssuerOrTheDevIssuerIsRequired() {
        let disabled = "data_dir: data\nidentity:\n  dev_issuer:\n    enabled: false\n" + MinimalConfig.connections
        fixture.expectError(
            disabled, line: 2, keyPath: "identity", problem: "at least one issuer, or the dev issuer, must be configured")
        let emptyList = "data_dir: data\nidentity:\n  issuers: []\n" + MinimalConfig.connections
        fixture.expectError(
            emptyList, line: 2, keyPath: "identity", problem: "at least one issuer, or the dev issuer, must be configured")
        fixture.expectError(
            "data_dir: data\n" + MinimalConfig.connections, line: 1, keyPath: "",
            problem: "'identity' is required: at least one issuer, or the dev issuer, must be configured")
    }

    @Test func algorithmsRejectHMACAndNone() {
        fixture.expectError(
            withIssuer("      algorithms: [RS256, HS256]\n"), line: 6, keyPath: "identity.issuers[0].algorithms[1]",
            problem: "'HS256' is not allowed (only RS256, ES256, EdDSA)")
        fixture.expectError(
            withIssuer("      algorithms:\n        - ES256\n        - none\n"), line: 8, column: 11,
            keyPath: "identity.issuers[0].algorithms[1]", problem: "'none' is not allowed")
        fixture.expectError(
            withIssuer("      algorithms: []\n"), line: 6, keyPath: "identity.issuers[0].algorithms",
            problem: "must list at least one algorithm")
    }

    @Test func algorithmsSubsetIsAccepted() throws {
        #expect(try fixture.parse(withIssuer("      algorithms: [EdDSA]\n")).issuers[0].algorithms == ["EdDSA"])
    }

    @Test func audiencesAreRequiredAndNonEmpty() {
        let yaml = "data_dir: data\nidentity:\n  issuers:\n    - issuer: https://issuer.example\n      audiences: []\n"
            + MinimalConfig.connections
        fixture.expectError(yaml, line: 5, keyPath: "identity.issuers[0].audiences", problem: "must list at least one audience")
        let missing = "data_dir: data\nidentity:\n  issuers:\n    - issuer: https://issuer.example\n" + MinimalConfig.connections
        fixture.expectError(missing, line: 4, keyPath: "identity.issuers[0]", problem: "'audiences' is required")
    }

    @Test func issuerMustBeHTTPS() {
        let yaml = "data_dir: data\nidentity:\n  issuers:\n    - issuer: http://issuer.example\n      audiences: [a]\n"
            + MinimalConfig.connections
        fixture.expectError(yaml, line: 4, keyPath: "identity.issuers[0].issuer", problem: "must use https")
        fixture.expectError(
            withIssuer("      discovery_url: not a url\n"), line: 6, keyPath: "identity.issuers[0].discovery_url",
            problem: "is not a URL")
    }

    @Test func issuersAreUnique() {
        let yaml = withIssuer("    - issuer: https://issuer.example\n      audiences: [other]\n")
        fixture.expectError(yaml, line: 6, keyPath: "identity.issuers[1].issuer", problem: "is configured twice")
    }

    @Test func leewayAndTTLHaveBounds() {
        fixture.expectError(
            withIssuer("      leeway_seconds: -1\n"), line: 6, keyPath: "identity.issuers[0].leeway_seconds",
            problem: "out of range (0 to 300)")
        let ttl = "data_dir: data\nidentity:\n  dev_issuer:\n    enabled: true\n    token_ttl_seconds: 0\n" + MinimalConfig.connections
        fixture.expectError(ttl, line: 5, keyPath: "identity.dev_issuer.token_ttl_seconds", problem: "out of range (1 to 86400)")
    }

    @Test func theDevIssuerIsServedOnlyOnLoopback() {
        let devIssuer = "data_dir: data\nidentity:\n  dev_issuer:\n    enabled: true\n" + MinimalConfig.connections
        fixture.expectError("listeners:\n  http:\n    address: 0.0.0.0\n" + devIssuer, line: 6, keyPath: "identity.dev_issuer",
                            problem: "the dev issuer is for development on one machine and needs a loopback HTTP listener, but "
                                + "listeners.http.address is '0.0.0.0': use 127.0.0.1, or a real issuer")
        fixture.expectError(devIssuer + "\nweb:\n  public_url: \"https://gatehouse.example.com\"\n", line: 3, keyPath: "identity.dev_issuer",
                            problem: "the dev issuer is for development on one machine, but web.public_url 'https://gatehouse.example.com' "
                                + "is not on loopback: configure a real issuer")
        #expect(throws: Never.self) {
            try fixture.parse("listeners:\n  http:\n    address: \"::1\"\n" + devIssuer + "\nweb:\n  public_url: \"http://localhost:8080\"\n")
        }
    }
}
