import Foundation
import Testing

@testable import GatehouseStore

/// The ledger's files hold every entry and the wrapped data keys: only their owner reads them,
/// whatever the process's umask.
@Suite(.serialized) struct LedgerFilePermissionTests {
    let fixture = LedgerFixture()

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func aNewLedgerIsReadableByItsOwnerOnly() throws {
        let previous = umask(0o022)  // the usual default, which leaves new files world-readable
        defer { umask(previous) }
        let store = try fixture.open()
        try store.append([LedgerFixture.entry(0)])
        #expect(try mode(fixture.directory + "/state") == 0o700)
        for suffix in ["", "-wal", "-shm"] {
            #expect(try mode(fixture.path + suffix) == 0o600, "ledger.sqlite\(suffix)")
        }
        store.close()
    }

    @Test func anExistingWorldReadableLedgerIsNarrowedWhenOpened() throws {
        try fixture.open().close()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: fixture.path)
        let store = try fixture.open()
        defer { store.close() }
        #expect(try mode(fixture.path) == 0o600)
    }
}
