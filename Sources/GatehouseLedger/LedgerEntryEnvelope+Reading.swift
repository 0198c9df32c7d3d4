import Foundation
import GatehouseCore

extension LedgerEntryEnvelope {
    /// Reads entry bytes, refusing anything but exactly the bytes `LedgerEntryCodec.encode` writes:
    /// non-canonical JSON, unknown or missing fields, wrong types, `null` for an absent optional,
    /// a non-canonical time or base64, a box where the kind has none (or none where it must).
    /// Throws `LedgerEntryError`.
    public init<Bytes: Collection>(canonicalBytes bytes: Bytes) throws where Bytes.Element == UInt8 {
        let bytes = Array(bytes)
        let value: CanonicalJSONValue
        do {
            value = try CanonicalJSONValue(canonicalBytes: bytes)
        } catch let error as CanonicalJSONError {
            throw LedgerEntryError.notCanonicalJSON(error)
        }
        var fields = try LedgerEntryFields(value, path: "")
        let version = try fields.integer("v")
        guard version == LedgerEntryCodec.formatVersion else { throw LedgerEntryError.unsupportedVersion(version) }
        guard let time = UTCTimestamp.date(from: try fields.string("time")) else { throw LedgerEntryError.invalidValue("time") }
        self.time = time
        sessionID = try fields.string("session")
        connection = try fields.optionalString("connection")
        principal = try fields.optionalObject("principal").map { fields in
            var fields = fields
            let principal = try Self.readPrincipal(&fields)
            try fields.finish()
            return principal
        }
        let kind = try fields.string("kind")
        var payloadFields = try fields.object("payload")
        payload = try Self.readPayload(kind: kind, &payloadFields)
        try payloadFields.finish()
        sealed = try fields.optionalObject("sealed").map { fields in
            var fields = fields
            let box = try Self.readBox(&fields)
            try fields.finish()
            return box
        }
        try fields.finish()
        switch payload {
        case .statement where sealed == nil: throw LedgerEntryError.missingField("sealed")
        case .git(let git) where sealed == nil && !git.commits.isEmpty: throw LedgerEntryError.missingField("sealed")
        case .sessionEnd where sealed != nil, .erasure where sealed != nil, .configuration where sealed != nil,
             .classification where sealed != nil:
            throw LedgerEntryError.unexpectedField("sealed")
        default: break
        }
        try checkValueRules()
        // A backstop: every rule above should already make this hold.
        guard try canonicalBytes() == bytes else { throw LedgerEntryError.invalidValue("(entry)") }
    }

    private static func readPayload(kind: String, _ fields: inout LedgerEntryFields) throws -> Payload {
        switch kind {
        case "authentication":
            return .authentication(Authentication(accepted: try fields.bool("accepted"), reason: try fields.optionalString("reason"),
                                                  clientApplication: try fields.optionalString("clientApplication")))
        case "session_end":
            return .sessionEnd(EventPayload.SessionEnd(reason: try fields.string("reason"), statements: try fields.integer("statements")))
        case "statement":
            var analysis = try fields.object("analysis")
            let statement = Statement(statementID: try fields.integer("statementID"), protocolMode: try fields.string("protocolMode"),
                                      analysis: try readAnalysis(&analysis))
            try analysis.finish()
            return .statement(statement)
        case "outcome":
            guard let status = EventPayload.Outcome.Status(rawValue: try fields.string("status")) else {
                throw LedgerEntryError.invalidValue(fields.path(of: "status"))
            }
            return .outcome(Outcome(statementID: try fields.integer("statementID"), status: status,
                                    commandTag: try fields.optionalString("commandTag"), rows: try fields.optionalInteger("rows"),
                                    errorCode: try fields.optionalString("errorCode"),
                                    durationMicroseconds: try fields.integer("durationMicroseconds"),
                                    maskedValues: try fields.optionalInteger("maskedValues"),
                                    subjectsTruncated: try fields.optionalBool("subjectsTruncated")))
        case "erasure":
            return .erasure(EventPayload.Erasure(scope: try fields.string("scope"), sessions: try readStrings("sessions", &fields),
                                                 reason: try fields.optionalString("reason"),
                                                 requestedBy: try fields.optionalString("requestedBy")))
        case "approval":
            return .approval(try readApproval(&fields))
        case "git":
            return .git(try readGit(&fields))
        case "blob":
            return .blob(try readBlob(&fields))
        case "kubernetes":
            return .kubernetes(try readKubernetes(&fields))
        case "mcp":
            return .mcp(try readMCP(&fields))
        case "configuration":
            return .configuration(EventPayload.Configuration(path: try fields.string("path"), sha256: try fields.string("sha256"),
                                                             connections: try readStrings("connections", &fields)))
        case "classification":
            return .classification(EventPayload.DerivedClassification(
                statementID: try fields.integer("statementID"),
                tables: try fields.objects("tables") { table in
                    var relation = try table.object("relation")
                    let name = try readRelation(&relation)
                    try relation.finish()
                    let columns = try table.objects("columns") { column in (try column.string("name"), try column.string("category")) }
                    // Duplicates (or any order but the writer's) fail the canonical check below.
                    return DataClassification.Table(relation: name, category: try table.optionalString("category"),
                                                    columns: Dictionary(columns, uniquingKeysWith: { first, _ in first }))
                }))
        default:
            throw LedgerEntryError.invalidValue("kind")
        }
    }

    private static func readApproval(_ fields: inout LedgerEntryFields) throws -> Approval {
        guard let step = EventPayload.Approval.Step(rawValue: try fields.string("step")) else {
            throw LedgerEntryError.invalidValue(fields.path(of: "step"))
        }
        let statementsPath = fields.path(of: "statementIDs")
        let statementIDs = try fields.array("statementIDs").enumerated().map { index, element -> Int in
            guard case .integer(let id) = element else { throw LedgerEntryError.wrongType(statementsPath + "[\(index)]") }
            return id
        }
        let grant = try fields.optionalObject("grant").map { grantFields -> EventPayload.Approval.Grant in
            var grantFields = grantFields
            guard let kind = EventPayload.Approval.Grant.Kind(rawValue: try grantFields.string("kind")) else {
                throw LedgerEntryError.invalidValue(grantFields.path(of: "kind"))
            }
            let expires = try grantFields.optionalString("expires").map { text -> Date in
                guard let date = UTCTimestamp.date(from: text) else { throw LedgerEntryError.invalidValue(grantFields.path(of: "expires")) }
                return date
            }
            let blobs = try readOptionalStrings("blobs", &grantFields)
            let grant = EventPayload.Approval.Grant(kind: kind, expires: expires, relations: try grantFields.objects("relations", readRelation),
                                                    repositories: try readOptionalStrings("repositories", &grantFields), blobs: blobs,
                                                    pods: try readOptionalStrings("pods", &grantFields))
            try grantFields.finish()
            return grant
        }
        let blobs = try readOptionalStrings("blobs", &fields)
        return Approval(EventPayload.Approval(
            step: step, requestID: try fields.string("requestID"), statementIDs: statementIDs,
            reasons: try readOptionalStrings("reasons", &fields), relations: try fields.optionalObjects("relations", readRelation),
            categories: try readOptionalStrings("categories", &fields), grant: grant,
            notified: try readOptionalStrings("notified", &fields), repositories: try readOptionalStrings("repositories", &fields),
            blobs: blobs, pods: try readOptionalStrings("pods", &fields)))
    }

    static func readStrings(_ key: String, _ fields: inout LedgerEntryFields) throws -> [String] {
        try strings(fields.array(key), at: fields.path(of: key))
    }

    static func readOptionalStrings(_ key: String, _ fields: inout LedgerEntryFields) throws -> [String]? {
        try fields.optionalArray(key).map { try strings($0, at: fields.path(of: key)) }
    }

    /// `path` is built only for the error: a verification reads millions of arrays.
    private static func strings(_ elements: [CanonicalJSONValue], at path: @autoclosure () -> String) throws -> [String] {
        try elements.enumerated().map { index, element in
            guard case .string(let string) = element else { throw LedgerEntryError.wrongType(path() + "[\(index)]") }
            return string
        }
    }

    private static func readPrincipal(_ fields: inout LedgerEntryFields) throws -> Principal {
        let groups = try readStrings("groups", &fields)
        return Principal(subject: try fields.string("subject"), issuer: try fields.string("issuer"),
                         username: try fields.optionalString("username"), objectID: try fields.optionalString("objectID"),
                         tenantID: try fields.optionalString("tenantID"), agentApplication: try fields.optionalString("agentApplication"),
                         groups: groups)
    }

    private static func readAnalysis(_ fields: inout LedgerEntryFields) throws -> Analysis {
        guard let kind = StatementKind(rawValue: try fields.string("kind")) else { throw LedgerEntryError.invalidValue(fields.path(of: "kind")) }
        let copy = try fields.optionalObject("copy").map { fields in
            var fields = fields
            let copy = try readCopy(&fields)
            try fields.finish()
            return copy
        }
        return Analysis(kind: kind, reads: try fields.objects("reads", readRelation), writes: try fields.objects("writes", readRelation),
                        columns: try fields.objects("columns", readColumn),
                        outputs: try fields.objects("outputs") { output in
                            OutputColumn(name: try output.string("name"), sources: try output.objects("sources", readColumn))
                        },
                        analysable: try fields.bool("analysable"), copy: copy)
    }

    private static func readRelation(_ fields: inout LedgerEntryFields) throws -> RelationName {
        RelationName(schema: try fields.optionalString("schema"), name: try fields.string("name"))
    }

    private static func readColumn(_ fields: inout LedgerEntryFields) throws -> ColumnReference {
        let relation = try fields.optionalObject("relation").map { fields in
            var fields = fields
            let relation = try readRelation(&fields)
            try fields.finish()
            return relation
        }
        return ColumnReference(relation: relation, column: try fields.string("column"))
    }

    private static func readCopy(_ fields: inout LedgerEntryFields) throws -> CopyOptions {
        guard let format = CopyOptions.Format(rawValue: try fields.string("format")) else {
            throw LedgerEntryError.invalidValue(fields.path(of: "format"))
        }
        return CopyOptions(format: format, delimiter: try fields.optionalString("delimiter"), null: try fields.optionalString("null"),
                           quote: try fields.optionalString("quote"), escape: try fields.optionalString("escape"),
                           header: try fields.bool("header"))
    }

    private static func readBox(_ fields: inout LedgerEntryFields) throws -> SealedFieldsBox {
        let keyID = try fields.string("key")
        guard let nonce = NoteBase64.decodeCanonical(try fields.string("nonce")), nonce.count == SealedFieldsBox.nonceByteCount else {
            throw LedgerEntryError.invalidValue(fields.path(of: "nonce"))
        }
        // At least the tag and one byte: the sealed plaintext is a non-empty JSON object.
        guard let box = NoteBase64.decodeCanonical(try fields.string("box")), box.count > SealedFieldsBox.tagByteCount else {
            throw LedgerEntryError.invalidValue(fields.path(of: "box"))
        }
        return SealedFieldsBox(keyID: keyID, nonce: nonce, box: box)
    }
}
