/// Strict reading of the bundle file: canonical JSON only, every member the format defines with
/// its type and nothing else, canonical base64, and at least one entry. Order and proofs are the
/// verifier's job (`EvidenceBundleVerifier`), so it can name the entry at fault.
extension EvidenceBundle {
    public init<Bytes: Collection>(parsing bytes: Bytes) throws where Bytes.Element == UInt8 {
        let value: CanonicalJSONValue
        do {
            value = try CanonicalJSONValue(canonicalBytes: bytes)
        } catch let error as CanonicalJSONError {
            throw EvidenceBundleError.notCanonicalJSON(error)
        }
        var top = try BundleMembers(value, path: "")
        let format = try top.string("format")
        guard format == Self.format else { throw EvidenceBundleError.unsupportedFormat(format) }
        let origin = try top.string("origin")
        let checkpoint = try top.string("checkpoint")
        let manifest = try top.string("manifest")
        guard case .array(let entryValues)? = try top.take("entries") else { throw EvidenceBundleError.wrongType("entries") }
        guard !entryValues.isEmpty else { throw EvidenceBundleError.noEntries }
        let entries = try entryValues.enumerated().map { offset, value in try Self.entry(value, path: "entries[\(offset)]") }
        let dataKeys = try top.optional("keys").map(Self.dataKeys)
        try top.finish()
        self.init(origin: origin, checkpoint: checkpoint, manifest: manifest, entries: entries, dataKeys: dataKeys)
    }

    private static func entry(_ value: CanonicalJSONValue, path: String) throws -> Entry {
        var members = try BundleMembers(value, path: path)
        guard let bytes = NoteBase64.decodeCanonical(try members.string("entry")) else {
            throw EvidenceBundleError.invalidValue(path + ".entry")
        }
        guard case .integer(let index)? = try members.take("index") else { throw EvidenceBundleError.wrongType(path + ".index") }
        guard index >= 0 else { throw EvidenceBundleError.invalidValue(path + ".index") }
        guard case .array(let proofValues)? = try members.take("proof") else { throw EvidenceBundleError.wrongType(path + ".proof") }
        let proof = try proofValues.enumerated().map { offset, value -> MerkleHash in
            guard case .string(let text) = value else { throw EvidenceBundleError.wrongType(path + ".proof[\(offset)]") }
            guard let hash = MerkleHash(base64: text) else { throw EvidenceBundleError.invalidValue(path + ".proof[\(offset)]") }
            return hash
        }
        try members.finish()
        return Entry(index: UInt64(index), bytes: bytes, proof: proof)
    }

    private static func dataKeys(_ value: CanonicalJSONValue) throws -> [String: [UInt8]] {
        guard case .object(let members) = value else { throw EvidenceBundleError.wrongType("keys") }
        return try members.reduce(into: [:]) { keys, member in
            guard case .string(let text) = member.value else { throw EvidenceBundleError.wrongType("keys.\(member.key)") }
            guard let bytes = NoteBase64.decodeCanonical(text), bytes.count == DataKey.byteCount else {
                throw EvidenceBundleError.invalidValue("keys.\(member.key)")
            }
            keys[member.key] = bytes
        }
    }
}

/// The members of one bundle object, taken one by one; `finish` refuses any left over.
private struct BundleMembers {
    private var members: [String: CanonicalJSONValue]
    private let path: String

    init(_ value: CanonicalJSONValue, path: String) throws {
        guard case .object(let members) = value else { throw EvidenceBundleError.wrongType(path.isEmpty ? "(bundle)" : path) }
        self.members = members
        self.path = path
    }

    mutating func take(_ key: String) throws -> CanonicalJSONValue? {
        guard let value = members.removeValue(forKey: key) else { throw EvidenceBundleError.missingMember(full(key)) }
        return value
    }

    mutating func optional(_ key: String) -> CanonicalJSONValue? {
        members.removeValue(forKey: key)
    }

    mutating func string(_ key: String) throws -> String {
        guard case .string(let text)? = try take(key) else { throw EvidenceBundleError.wrongType(full(key)) }
        return text
    }

    func finish() throws {
        if let extra = members.keys.sorted().first { throw EvidenceBundleError.unexpectedMember(full(extra)) }
    }

    private func full(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
}
