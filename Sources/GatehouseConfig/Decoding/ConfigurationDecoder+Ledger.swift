import Foundation
import GatehouseCore

extension ConfigurationDecoder {
    private static let ledgerKeys = ["master_key_env", "master_key_file", "signing_key_env", "signing_key_file", "origin", "checkpoint_interval_ms", "checkpoint_sink", "retention_days",
                                           "refused_logins_per_source_per_minute"]
    private static let sinkKeys = ["directory", "file"]
    /// Up to a century: anything longer is a typo, not a retention policy.
    static let retentionDayRange = 1...36_525

    func decodeLedger(_ value: ConfigValue?) throws -> LedgerConfiguration {
        var ledger = LedgerConfiguration()
        guard let value else { return ledger }
        let section = try value.mapping(allowedKeys: Self.ledgerKeys)
        ledger.masterKey = try decodeSecretSource(in: section, environmentKey: "master_key_env", fileKey: "master_key_file", secret: "master key")
        ledger.signingKey = try decodeSecretSource(in: section, environmentKey: "signing_key_env", fileKey: "signing_key_file",
                                                   secret: "signing key")
        if let origin = try section.optional("origin") { ledger.origin = try checkpointOrigin(origin) }
        if let interval = try section.optional("checkpoint_interval_ms") {
            ledger.checkpointIntervalMilliseconds = try interval.integer(in: 10...86_400_000)
        }
        if let sink = try section.optional("checkpoint_sink") { ledger.checkpointSink = try decodeCheckpointSink(sink) }
        if let days = try section.optional("retention_days") { ledger.retentionDays = try days.integer(in: Self.retentionDayRange) }
        if let allowance = try section.optional("refused_logins_per_source_per_minute") {
            ledger.refusedLoginsPerSourcePerMinute = try allowance.integer(in: 1...1_000_000)
        }
        return ledger
    }

    /// C2SP checkpoints: the origin is one line, and as the signing key's name it must not hold
    /// `+` or white space.
    private func checkpointOrigin(_ value: ConfigValue) throws -> String {
        let origin = try value.nonEmptyString()
        guard origin.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && $0 != "+" }) else {
            throw value.error("'\(origin)' must be printable ASCII without spaces or '+' (it names the signing key too), e.g. gatehouse.example.com/ledger")
        }
        return origin
    }

    private func decodeCheckpointSink(_ value: ConfigValue) throws -> CheckpointSink {
        let section = try value.mapping(allowedKeys: Self.sinkKeys)
        let directory = try section.optional("directory")
        let file = try section.optional("file")
        switch (directory, file) {
        case (let directory?, nil): return .directory(try absolutePath(directory))
        case (nil, let file?): return .file(try absolutePath(file))
        case (_?, let file?): throw file.error("directory and file are mutually exclusive")
        case (nil, nil): throw value.error("needs directory or file")
        }
    }
}
