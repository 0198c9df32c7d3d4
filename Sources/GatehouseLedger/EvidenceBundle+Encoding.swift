/// The bundle file: one canonical JSON object (the same rules as entries, docs/evidence.md), so
/// it has exactly one byte form and any JSON library reads it.
///
///     {"checkpoint": signed note, "entries": [{"entry": base64, "index": n, "proof": [base64…]}…],
///      "format": "gatehouse-evidence-bundle/v1", "keys": {key ID: base64}, "manifest": signed note,
///      "origin": string}
///
/// `keys` only when the exporter included them.
extension EvidenceBundle {
    /// The bundle's canonical bytes (no trailing newline). Throws `CanonicalJSONError` for an
    /// index beyond 2^53-1, which canonical JSON cannot carry.
    public func encoded() throws -> [UInt8] {
        var members: [String: CanonicalJSONValue] = [
            "checkpoint": .string(checkpoint),
            "entries": .array(try entries.map(Self.value(of:))),
            "format": .string(Self.format),
            "manifest": .string(manifest),
            "origin": .string(origin),
        ]
        if let dataKeys {
            members["keys"] = .object(dataKeys.mapValues { .string(NoteBase64.encode($0)) })
        }
        return try CanonicalJSONValue.object(members).canonicalBytes()
    }

    private static func value(of entry: Entry) throws -> CanonicalJSONValue {
        guard entry.index <= UInt64(CanonicalJSONValue.integerRange.upperBound) else {
            throw CanonicalJSONError.integerOutOfRange(offset: nil)
        }
        return .object([
            "entry": .string(NoteBase64.encode(entry.bytes)),
            "index": .integer(Int(entry.index)),
            "proof": .array(entry.proof.map { .string($0.base64) }),
        ])
    }
}
