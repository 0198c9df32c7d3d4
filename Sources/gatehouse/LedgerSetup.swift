import Crypto
import Foundation
import GatehouseConfig
import GatehouseCore
import GatehouseLedger
import GatehouseStore
import GatehouseStorePostgres
import Logging

/// The evidence ledger's files and keys from the configuration, for `serve`, `demo` and `audit`:
/// `<data_dir>/ledger.sqlite`, the signing key `<data_dir>/ledger-signing.key` and the master
/// key (`ledger.master_key_env`, `ledger.master_key_file`, or `<data_dir>/ledger-master.key`).
/// The keys are created on first use.
enum LedgerSetup {
    /// HKDF `info` turning configured master key material into the 32-byte master key.
    static let masterKeyInfo = "gatehouse ledger master key v1"

    /// Opens (creating if needed) and verifies the ledger database: with `store: postgres`, this
    /// instance's index of the shared log, brought up to date with it.
    static func openStore(_ configuration: GatehouseConfiguration, logger: Logger) throws -> SQLiteLedgerStore {
        do {
            return try store(at: configuration.ledgerDatabasePath, configuration, logger: logger)
        } catch let error as LedgerStoreError {
            throw ValidationFailure("the ledger \(configuration.ledgerDatabasePath) is refused: \(error)")
        }
    }

    private static func store(at path: String, _ configuration: GatehouseConfiguration, logger: Logger,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> SQLiteLedgerStore {
        guard let sharedLog = try sharedLog(configuration, logger: logger, environment: environment) else {
            return try SQLiteLedgerStore(path: path, logger: logger)
        }
        do {
            return try SQLiteLedgerStore(path: path, sharedLog: sharedLog, logger: logger)
        } catch {
            sharedLog.close()
            throw error
        }
    }

    /// The shared store's log (`store: postgres`), connected, with this configuration's master
    /// key claimed in it; nil for the embedded default.
    static func sharedLog(_ configuration: GatehouseConfiguration, logger: Logger,
                          environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresLedgerLog? {
        guard let settings = try storeSettings(configuration, environment: environment) else { return nil }
        let sharedLog = try PostgresLedgerLog(settings: settings, logger: logger)
        do {
            try sharedLog.claimMasterKey(fingerprint: masterKey(configuration, environment: environment).fingerprint)
        } catch {
            sharedLog.close()
            throw error
        }
        return sharedLog
    }

    /// How to reach the shared store (`store: postgres`), its password resolved; nil for the embedded default.
    static func storeSettings(_ configuration: GatehouseConfiguration,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresStoreSettings? {
        guard case .postgres(let settings) = configuration.store else { return nil }
        let password: String?
        do {
            password = try settings.password?.resolve(environment: environment)
        } catch {
            throw ValidationFailure("\(configuration.sourcePath): store password: \(error)")
        }
        return PostgresStoreSettings(hosts: settings.hosts.map { ($0.host, $0.port) }, database: settings.database, user: settings.user,
                                     password: password, tls: PostgresStoreSettings.TLSMode(rawValue: settings.sslMode.rawValue)!,
                                     caFile: settings.caFile, instanceName: settings.instance)
    }

    /// What approved writes classified before this start, per connection (the ledger's
    /// `classification` entries). An entry that cannot be read stops the start: without it a
    /// copy of personal data would be read as unclassified.
    static func derivedClassification(_ store: SQLiteLedgerStore) throws -> [String: DataClassification] {
        do {
            return try LedgerDerivedClassification.load(from: store)
        } catch {
            throw ValidationFailure("the ledger's derived classification cannot be read: \(error)")
        }
    }

    /// The recorder the gateway writes through.
    static func recorder(_ configuration: GatehouseConfiguration, store: SQLiteLedgerStore,
                         environment: [String: String] = ProcessInfo.processInfo.environment) throws -> LedgerEventRecorder {
        LedgerEventRecorder(store: store, masterKey: try masterKey(configuration, environment: environment))
    }

    /// The master key wrapping every data key: HKDF-SHA256 (no salt, info `masterKeyInfo`) of the
    /// configured material or of the default file's 32 random bytes.
    static func masterKey(_ configuration: GatehouseConfiguration,
                          environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MasterKey {
        let configured: [UInt8]?
        do {
            configured = try configuration.ledger.resolveConfiguredMasterKey(environment: environment)
        } catch {
            throw ValidationFailure("\(configuration.sourcePath): ledger master key: \(error)")
        }
        let material = try configured ?? GeneratedKeyFile.ledgerMasterKey.loadOrCreate(path: configuration.defaultLedgerMasterKeyPath)
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: material), info: Data(masterKeyInfo.utf8),
                                             outputByteCount: 32)
        return try derived.withUnsafeBytes { try MasterKey(bytes: Array($0)) }
    }

    /// The checkpoint notes copied outside the database: `override` (a sink directory or file),
    /// else the configured `ledger.checkpoint_sink`. A configured sink never written (no checkpoint
    /// yet) is no failure; an explicit one that cannot be read is.
    static func externalCheckpoints(_ configuration: GatehouseConfiguration, override: String? = nil) throws -> [LedgerExternalCheckpointNote] {
        let configured: String? = configuration.ledger.checkpointSink.map { sink in
            switch sink {
            case .directory(let path), .file(let path): path
            }
        }
        guard let path = override ?? configured else { return [] }
        guard override != nil || FileManager.default.fileExists(atPath: path) else { return [] }
        return try LedgerExternalCheckpointNote.load(path: path)
    }

    /// Verifies the whole stored log (`gatehouse audit verify`, the UI's Verify button) through a
    /// store of its own: opening it re-verifies the tree, and the gateway's own store keeps
    /// appending meanwhile. `checkpoints` overrides the configured sink's copies.
    static func verifyWholeLog(
        _ configuration: GatehouseConfiguration, verifier: Ed25519NoteVerifier, checkpoints: String? = nil
    ) throws -> LedgerLogVerificationSummary {
        let origin = configuration.ledger.origin ?? verifier.keyName
        let external = try externalCheckpoints(configuration, override: checkpoints)
        let path = configuration.ledgerDatabasePath
        if configuration.store == .sqlite {
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationFailure("no ledger at \(path)") }
        }
        var logger = Logger(label: "gatehouse.verify")
        logger.logLevel = .critical  // failures are reported to whoever asked
        let store: SQLiteLedgerStore
        do {
            store = try Self.store(at: path, configuration, logger: logger)
        } catch let error as LedgerStoreError {
            throw LedgerLogVerificationFailure(openError: error)
        }
        defer { store.close() }
        return try LedgerLogVerification(store: store, verifier: verifier, origin: origin).verify(externalCheckpoints: external)
    }

    /// The log's checkpoint signer (a signed-note signer key, `PRIVATE+KEY+<name>+<id>+<key>`):
    /// `ledger.signing_key_env` / `_file` (one key for every instance of a shared store), else
    /// `<data_dir>/ledger-signing.key`, generated on first use and named after the configured
    /// origin, or `gatehouse/<host name>`.
    static func signer(_ configuration: GatehouseConfiguration,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Ed25519NoteSigner {
        if let configured = configuration.ledger.signingKey {
            let text: String
            do {
                text = try configured.resolve(environment: environment).trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw ValidationFailure("\(configuration.sourcePath): ledger signing key: \(error)")
            }
            guard let signer = try? Ed25519NoteSigner(signerKey: text) else {
                throw ValidationFailure("\(configuration.sourcePath): ledger signing key (\(configured)) is not a signed-note Ed25519 signer key "
                                        + "(PRIVATE+KEY+name+id+key); `gatehouse audit key --new` prints one")
            }
            return signer
        }
        let path = configuration.ledgerSigningKeyPath
        let keyFile = GeneratedKeyFile(
            noun: "ledger signing key", expected: "a signed-note Ed25519 signer key (PRIVATE+KEY+name+id+key)",
            remedy: "restore the original file: checkpoints signed by another key do not verify against the published key",
            isValid: { bytes in (try? Ed25519NoteSigner(signerKey: String(decoding: bytes, as: UTF8.self))) != nil })
        let bytes = try keyFile.loadOrCreate(path: path) {
            Array(try Ed25519NoteSigner.generate(keyName: configuration.ledger.origin ?? defaultOrigin()).signerKey.utf8)
        }
        return try Ed25519NoteSigner(signerKey: String(decoding: bytes, as: UTF8.self))
    }

    /// The origin line of this log's checkpoints.
    static func origin(_ configuration: GatehouseConfiguration, signer: Ed25519NoteSigner) -> String {
        configuration.ledger.origin ?? signer.keyName
    }

    /// The `configuration` event recorded at every start: which file, its SHA-256, its connections.
    static func configurationEvent(_ configuration: GatehouseConfiguration) throws -> GatehouseEvent {
        guard let bytes = FileManager.default.contents(atPath: configuration.sourcePath) else {
            throw ValidationFailure("cannot read \(configuration.sourcePath) to record its digest")
        }
        return GatehouseEvent(sessionID: "gateway-" + UUID().uuidString.lowercased(), connection: nil, principal: nil,
                              payload: .configuration(.init(path: configuration.sourcePath, sha256: hexString(SHA256.hash(data: bytes)),
                                                            connections: configuration.connections.map(\.name).sorted())))
    }

    private static func defaultOrigin() -> String {
        let host = ProcessInfo.processInfo.hostName.unicodeScalars.filter { $0.value > 0x20 && $0.value < 0x7f && $0 != "+" }
        return "gatehouse/" + (host.isEmpty ? "localhost" : String(String.UnicodeScalarView(host)))
    }
}
