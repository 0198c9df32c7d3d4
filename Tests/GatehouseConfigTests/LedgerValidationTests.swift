import Foundation
import Testing

@testable import GatehouseConfig

/// The `ledger` section: defaults, each key, and errors located at the key at fault.
@Suite struct LedgerValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    @Test func anAbsentSectionGivesTheDefaults() throws {
        let configuration = try fixture.parse(MinimalConfig.text)
        #expect(configuration.ledger == LedgerConfiguration())
        #expect(configuration.ledger.checkpointIntervalMilliseconds == 1000 && configuration.ledger.retentionDays == 2192)
        #expect(configuration.ledgerDatabasePath == fixture.directory + "/data/ledger.sqlite")
        #expect(configuration.defaultLedgerMasterKeyPath == fixture.directory + "/data/ledger-master.key")
        #expect(configuration.retentionDays(for: configuration.connections[0]) == 2192)
    }

    @Test func everyKeyIsRead() throws {
        let configuration = try fixture.parse(MinimalConfig.text + """
            ledger:
              master_key_env: GATEHOUSE_LEDGER_KEY
              signing_key_file: ledger-signer.key
              origin: gatehouse.example.com/ledger
              checkpoint_interval_ms: 250
              checkpoint_sink:
                directory: checkpoints
              retention_days: 3650
            """)
        var expected = LedgerConfiguration()
        expected.masterKey = .environment("GATEHOUSE_LEDGER_KEY")
        expected.signingKey = .file(fixture.directory + "/ledger-signer.key")
        expected.origin = "gatehouse.example.com/ledger"
        expected.checkpointIntervalMilliseconds = 250
        expected.checkpointSink = .directory(fixture.directory + "/checkpoints")
        expected.retentionDays = 3650
        #expect(configuration.ledger == expected)
    }

    @Test func aConnectionMaySetItsOwnRetention() throws {
        let yaml = MinimalConfig.text.replacingOccurrences(of: "allowed_groups: [engineers]", with: "allowed_groups: [engineers]\n    retention_days: 30")
        let configuration = try fixture.parse(yaml)
        #expect(configuration.connections[0].retentionDays == 30)
        #expect(configuration.retentionDays(for: configuration.connections[0]) == 30)
    }

    @Test func mistakesAreLocated() {
        let base = MinimalConfig.text
        let lines = base.split(separator: "\n", omittingEmptySubsequences: false).count
        fixture.expectError(base + "ledger:\n  origin: has space\n", line: lines + 1, keyPath: "ledger.origin", problem: "without spaces or '+'")
        fixture.expectError(base + "ledger:\n  checkpoint_interval_ms: 0\n", line: lines + 1, keyPath: "ledger.checkpoint_interval_ms", problem: "out of range (10 to 86400000)")
        fixture.expectError(base + "ledger:\n  retention_days: 0\n", line: lines + 1, keyPath: "ledger.retention_days", problem: "out of range (1 to 36525)")
        fixture.expectError(base + "ledger:\n  checkpoint_sink: {directory: a, file: b}\n", line: lines + 1, keyPath: "ledger.checkpoint_sink.file",
                            problem: "mutually exclusive")
        fixture.expectError(base + "ledger:\n  checkpoint_sink: {}\n", line: lines + 1, keyPath: "ledger.checkpoint_sink", problem: "needs directory or file")
        fixture.expectError(base + "ledger:\n  master_key_env: GATEHOUSE_KEY\n  master_key_file: k\n", line: lines + 2,
                            keyPath: "ledger.master_key_file", problem: "mutually exclusive")
        fixture.expectError(base + "ledger:\n  master_key: x\n", line: lines + 1, keyPath: "ledger.master_key", problem: "unknown key")
    }

    @Test func aShortMasterKeyIsRefusedWithoutShowingIt() throws {
        var ledger = LedgerConfiguration()
        ledger.masterKey = .environment("GATEHOUSE_LEDGER_KEY")
        let short = String(repeating: "k", count: 31)
        do {
            _ = try ledger.resolveConfiguredMasterKey(environment: ["GATEHOUSE_LEDGER_KEY": short])
            Issue.record("a 31-byte master key was accepted")
        } catch {
            #expect("\(error)".contains("too short for a ledger master key") && !"\(error)".contains(short))
        }
        #expect(try ledger.resolveConfiguredMasterKey(environment: ["GATEHOUSE_LEDGER_KEY": short + "k"]) == Array((short + "k").utf8))
    }
}
