import Foundation
import GatehouseCore

/// The `ledger` section: the evidence ledger's keys, checkpoints and retention. Every key has a
/// default, so an absent section is a working ledger under the data directory.
public struct LedgerConfiguration: Sendable, Equatable {
    /// Under the data directory: the ledger database, and the keys generated on first start.
    public static let databaseFileName = "ledger.sqlite"
    public static let signingKeyFileName = "ledger-signing.key"
    public static let defaultMasterKeyFileName = "ledger-master.key"
    /// The least key material accepted from `master_key_env` or `master_key_file`, in bytes.
    public static let minimumMasterKeyBytes = 32
    /// Six years, leap days included: a common statutory period for business records.
    public static let defaultRetentionDays = 2192

    /// Wraps the per-session data keys; nil means `<data_dir>/ledger-master.key`, generated on
    /// first start.
    public var masterKey: SecretSource?
    /// The checkpoint signing key (a signed-note signer key); nil means
    /// `<data_dir>/ledger-signing.key`, generated on first start.
    public var signingKey: SecretSource?
    /// The checkpoint origin (first line, and the signing key's name). nil: the name in the
    /// signing key file, which is `gatehouse/<host name>` when generated.
    public var origin: String?
    /// How often a checkpoint is signed when the log has grown, in milliseconds.
    public var checkpointIntervalMilliseconds: Int = 1000
    /// Where each signed checkpoint is also written, outside the database.
    public var checkpointSink: CheckpointSink?
    /// How long sealed payloads stay readable, unless a connection sets its own.
    public var retentionDays: Int = Self.defaultRetentionDays
    /// Refused logins from one source recorded one by one per minute; beyond it they are
    /// counted and recorded as one summary when the minute ends (docs/evidence.md).
    public var refusedLoginsPerSourcePerMinute: Int = 10

    public init() {}

    /// Reads the configured master key material now (nil when the default file is used). Errors
    /// name the variable or file, never the value.
    public func resolveConfiguredMasterKey(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [UInt8]? {
        try masterKey?.resolveKeyMaterial(minimumBytes: Self.minimumMasterKeyBytes, purpose: "a ledger master key",
                                          environment: environment)
    }
}
