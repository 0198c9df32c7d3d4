import Testing

@testable import GatehouseConfig

@Suite struct ListenerValidationTests {
    let fixture: ConfigFixture
    init() throws { fixture = try ConfigFixture() }

    /// `listeners:` on line 2, then `section` from line 3 on.
    func withListeners(_ section: String) -> String {
        "data_dir: data\nlisteners:\n" + section + MinimalConfig.identity + "\n" + MinimalConfig.connections
    }

    @Test func tlsNeedsBothCertAndKey() {
        fixture.expectError(
            withListeners("  postgres:\n    tls:\n      cert: certs/gateway.pem\n"), line: 4,
            keyPath: "listeners.postgres.tls", problem: "'key' is required")
        fixture.expectError(
            withListeners("  http:\n    tls: {key: certs/http.key}\n"), line: 4, keyPath: "listeners.http.tls",
            problem: "'cert' is required")
    }

    @Test func tlsFilesMustExist() {
        fixture.expectError(
            withListeners("  postgres:\n    tls:\n      cert: certs/gateway.pem\n      key: certs/missing.key\n"), line: 6,
            column: 7, keyPath: "listeners.postgres.tls.key",
            problem: "file \(fixture.directory)/certs/missing.key does not exist")
        fixture.expectError(
            withListeners("  http:\n    tls:\n      cert: certs\n      key: certs/http.key\n"), line: 5,
            keyPath: "listeners.http.tls.cert", problem: "is a directory, not a file")
    }

    @Test func listenersMustNotShareAPort() {
        fixture.expectError(
            withListeners("  postgres: {port: 7000}\n  http:\n    port: 7000\n"), line: 5, keyPath: "listeners.http.port",
            problem: "port 7000 is already used by listeners.postgres")
        #expect((try? fixture.parse(withListeners("  postgres: {port: 0}\n  http: {port: 0}\n"))) != nil)
        let differentAddresses = withListeners("  postgres: {address: 127.0.0.1, port: 7000}\n  http: {address: 127.0.0.2, port: 7000}\n")
        #expect((try? fixture.parse(differentAddresses)) != nil)
    }
}
