import Foundation
import Testing

@testable import GatehouseConfig

/// The `store` section: the embedded default, a shared PostgreSQL store, and errors located at
/// the key at fault.
@Suite struct StoreValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    private let masterKey = "ledger:\n  master_key_env: GATEHOUSE_LEDGER_KEY\n  signing_key_env: GATEHOUSE_SIGNING_KEY\n"

    @Test func anAbsentSectionKeepsEverythingInTheDataDirectory() throws {
        #expect(try fixture.parse(MinimalConfig.text).store == .sqlite)
        #expect(try fixture.parse(MinimalConfig.text + "store:\n  type: sqlite\n").store == .sqlite)
    }

    @Test func everyKeyIsRead() throws {
        let ca = try fixture.write("ca", to: "store-ca.pem")
        let configuration = try fixture.parse(MinimalConfig.text + masterKey + """
            store:
              type: postgres
              host: db.internal
              port: 6543
              database: gatehouse
              user: gatehouse
              password_env: GATEHOUSE_STORE_PASSWORD
              sslmode: verify-full
              ca_file: store-ca.pem
              instance: gw-1
            """)
        #expect(configuration.store == .postgres(PostgresStoreConfiguration(
            hosts: [PostgresStoreHost(host: "db.internal", port: 6543)], database: "gatehouse", user: "gatehouse", password: .environment("GATEHOUSE_STORE_PASSWORD"),
            sslMode: .verifyFull, caFile: ca, instance: "gw-1")))
    }

    @Test func theDefaultsVerifyTheServerAndNameTheInstanceAfterTheMachine() throws {
        let configuration = try fixture.parse(MinimalConfig.text + masterKey + "store: {type: postgres, host: db.internal, database: g, user: u}\n")
        guard case .postgres(let store) = configuration.store else { Issue.record("not a postgres store"); return }
        #expect(store.hosts == [PostgresStoreHost(host: "db.internal")] && store.sslMode == .verifyFull && store.caFile == nil && store.password == nil)
        #expect(store.instance == ProcessInfo.processInfo.hostName)
    }

    @Test func mistakesAreLocated() {
        let base = MinimalConfig.text
        let lines = base.split(separator: "\n", omittingEmptySubsequences: false).count
        let keyed = base + masterKey
        let keyedLines = lines + 3
        fixture.expectError(base + "store:\n  type: postgres\n  host: db.internal\n  database: g\n  user: u\n", line: lines, keyPath: "store",
                            problem: "every instance needs the same master key")
        fixture.expectError(base + "ledger:\n  master_key_env: K\nstore:\n  type: postgres\n  host: db.internal\n  database: g\n  user: u\n",
                            line: lines + 2, keyPath: "store", problem: "every instance signs checkpoints with the same key")
        fixture.expectError(keyed + "store:\n  type: mysql\n", line: keyedLines + 1, keyPath: "store.type", problem: "must be sqlite or postgres")
        fixture.expectError(keyed + "store:\n  type: sqlite\n  host: db\n", line: keyedLines + 2, keyPath: "store.host",
                            problem: "only used with type postgres")
        fixture.expectError(keyed + "store:\n  type: postgres\n  database: g\n  user: u\n", line: keyedLines, keyPath: "store",
                            problem: "'host' is required")
        fixture.expectError(keyed + "store: {type: postgres, host: db.internal, database: g, user: u, sslmode: disable}\n", line: keyedLines,
                            keyPath: "store.sslmode", problem: "disable is only for a store on loopback")
        fixture.expectError(keyed + "store: {type: postgres, host: db.internal, database: g, user: u, sslmode: require, ca_file: x}\n",
                            line: keyedLines, keyPath: "store.ca_file", problem: "only used with sslmode verify-full")
        fixture.expectError(keyed + "store: {type: postgres, host: [127.0.0.1, db.internal], database: g, user: u, sslmode: disable}\n",
                            line: keyedLines, keyPath: "store.sslmode", problem: "use require or verify-full for db.internal")
        fixture.expectError(keyed + "store: {type: postgres, host: [], database: g, user: u}\n", line: keyedLines, keyPath: "store.host",
                            problem: "must list at least one host")
        fixture.expectError(keyed + "store: {type: postgres, host: 'db:99999', database: g, user: u}\n", line: keyedLines, keyPath: "store.host",
                            problem: "'99999' is not a port")
        fixture.expectError(keyed + "store: {type: postgres, host: db.internal, database: g, user: u, password: secret}\n", line: keyedLines,
                            keyPath: "store.password", problem: "unknown key")
    }

    @Test func aPrimaryAndItsStandbysAreListedInOrder() throws {
        let configuration = try fixture.parse(MinimalConfig.text + masterKey
            + "store: {type: postgres, host: [db1.internal, 'db2.internal:5433', '[fd00::2]:6000', 'fd00::3'], port: 5444, database: g, user: u}\n")
        guard case .postgres(let store) = configuration.store else { Issue.record("not a postgres store"); return }
        #expect(store.hosts == [PostgresStoreHost(host: "db1.internal", port: 5444), PostgresStoreHost(host: "db2.internal", port: 5433),
                                PostgresStoreHost(host: "fd00::2", port: 6000), PostgresStoreHost(host: "fd00::3", port: 5444)])
        #expect(store.hosts.map(\.description) == ["db1.internal:5444", "db2.internal:5433", "[fd00::2]:6000", "[fd00::3]:5444"])
    }

    @Test func aLoopbackStoreMayGoWithoutTLS() throws {
        let configuration = try fixture.parse(MinimalConfig.text + masterKey
            + "store: {type: postgres, host: 127.0.0.1, database: g, user: u, sslmode: disable}\n")
        guard case .postgres(let store) = configuration.store else { Issue.record("not a postgres store"); return }
        #expect(store.sslMode == .disable)
    }
}
