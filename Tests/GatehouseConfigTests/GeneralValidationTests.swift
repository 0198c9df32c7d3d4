import Testing

@testable import GatehouseConfig

/// Rules that apply everywhere: unknown keys, required keys, value types.
@Suite struct GeneralValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func unknownTopLevelKeyIsAnError() {
        fixture.expectError(
            "data_dir: data\n" + MinimalConfig.identity + "\nlistner: {}\n" + MinimalConfig.connections,
            line: 5, column: 1, keyPath: "listner", problem: "unknown key (expected one of data_dir, listeners, identity, connections, masking, ledger, notifications, web, store, mcp)")
    }

    @Test func unknownNestedKeyIsAnError() {
        let yaml = """
            data_dir: data
            listeners:
              postgres:
                port: 6432
                allow_cleartext_token: true
            """ + "\n" + MinimalConfig.identity + "\n" + MinimalConfig.connections
        fixture.expectError(
            yaml, line: 5, column: 5, keyPath: "listeners.postgres.allow_cleartext_token", problem: "unknown key")
    }

    @Test func unknownKeysValueIsNeverPrinted() {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "      user: app", with: "      user: app\n      password: Tr0ub4dor&3")
        guard let error = fixture.error(yaml) else { return }
        #expect(error.line == 12)
        #expect(error.keyPath == "connections[0].upstream.password")
        #expect(!error.description.contains("Tr0ub4dor"))
    }

    @Test func missingRequiredKeyPointsAtItsSection() {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "      database: shop\n", with: "")
        fixture.expectError(yaml, line: 8, column: 5, keyPath: "connections[0].upstream", problem: "'database' is required")
    }

    @Test func dataDirIsRequired() {
        fixture.expectError(
            MinimalConfig.identity + "\n" + MinimalConfig.connections, line: 1, column: 1, keyPath: "",
            problem: "'data_dir' is required")
    }

    @Test func keyWithoutValueIsAnError() {
        let yaml = "data_dir: data\nlisteners:\n  postgres:\n    tls:\n" + MinimalConfig.identity + "\n" + MinimalConfig.connections
        fixture.expectError(yaml, line: 4, keyPath: "listeners.postgres.tls", problem: "has no value")
    }

    @Test func portMustBeANumberInRange() {
        let base = "data_dir: data\nlisteners:\n  postgres:\n    port: PORT\n" + MinimalConfig.identity + "\n" + MinimalConfig.connections
        fixture.expectError(
            base.replacingOccurrences(of: "PORT", with: "65536"), line: 4, keyPath: "listeners.postgres.port",
            problem: "65536 is out of range (0 to 65535)")
        fixture.expectError(
            base.replacingOccurrences(of: "PORT", with: "six"), line: 4, keyPath: "listeners.postgres.port",
            problem: "must be a whole number")
        fixture.expectError(
            base.replacingOccurrences(of: "PORT", with: "\"6432\""), line: 4, keyPath: "listeners.postgres.port",
            problem: "must be a whole number")
        fixture.expectError(
            base.replacingOccurrences(of: "PORT", with: "64.32"), line: 4, keyPath: "listeners.postgres.port",
            problem: "must be a whole number")
    }

    @Test func switchesAcceptOnlyTrueOrFalse() {
        let yaml = "data_dir: data\nlisteners:\n  postgres:\n    allow_cleartext_token_on_loopback: yes\n"
            + MinimalConfig.identity + "\n" + MinimalConfig.connections
        fixture.expectError(
            yaml, line: 4, keyPath: "listeners.postgres.allow_cleartext_token_on_loopback", problem: "must be true or false")
    }

    @Test func sectionMustBeAMapping() {
        let yaml = "data_dir: data\nlisteners: [postgres]\n" + MinimalConfig.identity + "\n" + MinimalConfig.connections
        fixture.expectError(yaml, line: 2, keyPath: "listeners", problem: "must be a mapping of keys to values, not a list")
    }

    @Test func listMustBeAList() {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "allowed_groups: [engineers]", with: "allowed_groups: engineers")
        fixture.expectError(yaml, line: 12, keyPath: "connections[0].allowed_groups", problem: "must be a list")
    }

    @Test func maxMessageBytesHasBounds() {
        let yaml = "data_dir: data\nlisteners:\n  postgres:\n    max_message_bytes: 100\n" + MinimalConfig.identity + "\n" + MinimalConfig.connections
        fixture.expectError(yaml, line: 4, keyPath: "listeners.postgres.max_message_bytes", problem: "out of range")
    }

    @Test func aliasesAreFollowedButMergeKeysAreRefused() throws {
        let shared = MinimalConfig.text.replacingOccurrences(of: "allowed_groups: [engineers]", with: "allowed_groups: &groups [engineers, dba]")
            + "  - name: reporting\n    type: postgres\n    upstream: {host: db2, database: bi, user: app}\n    allowed_groups: *groups\n"
        #expect(try fixture.parse(shared).connection(named: "reporting")?.allowedGroups == ["engineers", "dba"])
        let merged = MinimalConfig.text + "  - <<: {type: postgres}\n    name: other\n"
        fixture.expectError(merged, line: 13, keyPath: "connections[1].<<", problem: "unknown key")
    }

    @Test func descriptionHasFileLineColumnKeyPathAndProblem() {
        let error = ConfigurationError(file: "gatehouse.yaml", line: 14, column: 7, keyPath: "connections[0].upstream.sslmode", problem: "bad")
        #expect(error.description == "gatehouse.yaml:14:7: connections[0].upstream.sslmode: bad")
        #expect(ConfigurationError(file: "f", line: nil, column: nil, keyPath: "", problem: "no such file").description == "f: no such file")
        #expect(ConfigurationError(file: "f", line: 3, column: 1, keyPath: "", problem: "p").description == "f:3:1: p")
    }
}
