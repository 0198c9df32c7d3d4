import Testing

@testable import GatehouseConfig

@Suite struct ConnectionValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// MinimalConfig with the upstream's `user: app` line (line 11) followed by `extra` lines.
    func withUpstream(_ extra: String) -> String {
        MinimalConfig.text.replacingOccurrences(of: "      user: app\n", with: "      user: app\n" + extra)
    }

    @Test func theBackstopKeysAreRead() throws {
        let upstream = try fixture.parse(withUpstream("      approved_role: app_approved\n      accept_risk: \"staging copy\"\n"))
            .connections[0].upstream
        #expect(upstream.approvedRole == "app_approved")
        #expect(upstream.acceptedRisk == "staging copy")
        let plain = try fixture.parse(MinimalConfig.text).connections[0].upstream
        #expect(plain.approvedRole == nil && plain.acceptedRisk == nil)
    }

    @Test func theApprovedRoleIsAnotherRole() {
        fixture.expectError(withUpstream("      approved_role: app\n"), line: 12, column: 7, keyPath: "connections[0].upstream.approved_role",
                            problem: "must be another role than user")
    }

    @Test func anAcceptedRiskNeedsAReason() {
        fixture.expectError(withUpstream("      accept_risk: \"\"\n"), line: 12, keyPath: "connections[0].upstream.accept_risk",
                            problem: "must not be empty")
    }

    @Test func sslmodeMustBeKnown() {
        fixture.expectError(
            withUpstream("      sslmode: maybe\n"), line: 12, column: 7, keyPath: "connections[0].upstream.sslmode",
            problem: "'maybe' is not one of disable, require, verify-full")
    }

    @Test func connectionNameMustNotBeEmpty() {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "name: demo", with: "name: \"\"")
        fixture.expectError(yaml, line: 6, keyPath: "connections[0].name", problem: "must not be empty")
    }

    @Test func connectionNameMustMatchThePattern() {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "name: demo", with: "name: my shop")
        fixture.expectError(yaml, line: 6, keyPath: "connections[0].name", problem: "'my shop' must match [A-Za-z0-9_.-]+")
        let accepted = MinimalConfig.text.replacingOccurrences(of: "name: demo", with: "name: Shop_1.eu-west")
        #expect((try? fixture.parse(accepted))?.connections.first?.name == "Shop_1.eu-west")
    }

    @Test func connectionNamesAreUnique() {
        let second = """
              - name: demo
                type: postgres
                upstream: {host: db2, database: shop, user: app}
                allowed_groups: [admins]
            """
        fixture.expectError(
            MinimalConfig.text + second, line: 13, keyPath: "connections[1].name",
            problem: "connection name 'demo' is already used on line 6")
    }

    @Test func passwordEnvAndFileAreMutuallyExclusive() {
        let yaml = withUpstream("      password_env: PGPASSWORD\n      password_file: secrets/pg\n")
        fixture.expectError(
            yaml, line: 13, keyPath: "connections[0].upstream.password_file",
            problem: "password_env and password_file are mutually exclusive")
    }

    @Test func passwordEnvMustBeAVariableNameAndIsNeverEchoed() {
        guard let error = fixture.error(withUpstream("      password_env: \"hunter2 is my password\"\n")) else { return }
        #expect(error.line == 12)
        #expect(error.keyPath == "connections[0].upstream.password_env")
        #expect(!error.description.contains("hunter2"))
    }

    @Test func passwordFileResolvesAgainstTheConfigDirectory() throws {
        let config = try fixture.parse(withUpstream("      password_file: secrets/../secrets/pg-password\n"))
        #expect(config.connections[0].upstream.password == .file(fixture.directory + "/secrets/pg-password"))
    }

    @Test func verifyFullWithoutCAFileUsesTheSystemTrustStore() throws {
        let config = try fixture.parse(withUpstream("      sslmode: verify-full\n"))
        #expect(config.connections[0].upstream.sslMode == .verifyFull)
        #expect(config.connections[0].upstream.caFile == nil)
    }

    @Test func caFileOnlyWithVerifyFull() {
        fixture.expectError(
            withUpstream("      sslmode: require\n      ca_file: certs/upstream-ca.pem\n"), line: 13,
            keyPath: "connections[0].upstream.ca_file", problem: "is only used with sslmode verify-full")
        fixture.expectError(
            withUpstream("      ca_file: certs/upstream-ca.pem\n"), line: 12,
            keyPath: "connections[0].upstream.ca_file", problem: "is only used with sslmode verify-full")
    }

    @Test func caFileMustExist() {
        fixture.expectError(
            withUpstream("      sslmode: verify-full\n      ca_file: certs/missing.pem\n"), line: 13,
            keyPath: "connections[0].upstream.ca_file", problem: "file \(fixture.directory)/certs/missing.pem does not exist")
    }

    @Test func typeMustBeKnown() {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "type: postgres", with: "type: mysql")
        fixture.expectError(yaml, line: 7, keyPath: "connections[0].type", problem: "'mysql' is not one of postgres")
    }

    @Test func allowedGroupsMustListAGroup() {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "allowed_groups: [engineers]", with: "allowed_groups: []")
        fixture.expectError(yaml, line: 12, keyPath: "connections[0].allowed_groups", problem: "must list at least one group")
    }

    @Test func atLeastOneConnection() {
        let yaml = "data_dir: data\n" + MinimalConfig.identity + "\nconnections: []\n"
        fixture.expectError(yaml, line: 5, keyPath: "connections", problem: "must list at least one connection")
    }

    @Test func upstreamPortMustBeInRange() {
        fixture.expectError(
            withUpstream("      port: 0\n"), line: 12, keyPath: "connections[0].upstream.port", problem: "out of range (1 to 65535)")
    }
}
