import GatehouseCore

/// The envelope as canonical JSON. Members are written in sorted key order by hand (the writer
/// does not sort); absent optionals are left out, never written as `null`.
extension LedgerEntryEnvelope {
    /// The entry's canonical bytes, `sealed` included.
    public func canonicalBytes() throws -> [UInt8] {
        var writer = CanonicalJSONWriter()
        _ = try write(into: &writer, includingSealed: true)
        return writer.bytes
    }

    /// The canonical bytes without `sealed`: the associated data of the sealed box.
    func associatedData() throws -> [UInt8] {
        var writer = CanonicalJSONWriter()
        _ = try write(into: &writer, includingSealed: false)
        return writer.bytes
    }

    /// Writes the entry and returns the offset where the member `,"sealed":{…}` goes (or went):
    /// `sealed` sorts between `principal` and `session`, and `kind` always precedes it, so it
    /// always has a comma before it.
    func write(into writer: inout CanonicalJSONWriter, includingSealed: Bool) throws -> Int {
        guard let timeText = UTCTimestamp.string(from: time) else { throw LedgerEntryError.timeOutOfRange }
        writer.beginObject()
        if let connection {
            writer.key("connection")
            writer.string(connection)
        }
        writer.key("kind")
        writer.string(kind)
        writer.key("payload")
        try writePayload(into: &writer)
        if let principal {
            writer.key("principal")
            Self.write(principal, into: &writer)
        }
        let sealedOffset = writer.bytes.count
        if includingSealed, let sealed {
            writer.key("sealed")
            sealed.write(into: &writer)
        }
        writer.key("session")
        writer.string(sessionID)
        writer.key("time")
        writer.string(timeText)
        writer.key("v")
        try writer.integer(LedgerEntryCodec.formatVersion)
        writer.endObject()
        return sealedOffset
    }

    private func writePayload(into writer: inout CanonicalJSONWriter) throws {
        writer.beginObject()
        switch payload {
        case .authentication(let value):
            writer.key("accepted")
            writer.bool(value.accepted)
            if let clientApplication = value.clientApplication {
                writer.key("clientApplication")
                writer.string(clientApplication)
            }
            if let reason = value.reason {
                writer.key("reason")
                writer.string(reason)
            }
        case .sessionEnd(let value):
            writer.key("reason")
            writer.string(value.reason)
            writer.key("statements")
            try writer.integer(value.statements)
        case .statement(let value):
            writer.key("analysis")
            Self.write(value.analysis, into: &writer)
            writer.key("protocolMode")
            writer.string(value.protocolMode)
            writer.key("statementID")
            try writer.integer(value.statementID)
        case .outcome(let value):
            try Self.write(value, into: &writer)
        case .erasure(let value):
            if let reason = value.reason {
                writer.key("reason")
                writer.string(reason)
            }
            if let requestedBy = value.requestedBy {
                writer.key("requestedBy")
                writer.string(requestedBy)
            }
            writer.key("scope")
            writer.string(value.scope)
            writer.key("sessions")
            Self.write(strings: value.sessions, into: &writer)
        case .approval(let value):
            try Self.write(value, into: &writer)
        case .git(let value):
            try Self.write(value, into: &writer)
        case .blob(let value):
            try Self.write(value, into: &writer)
        case .kubernetes(let value):
            try Self.write(value, into: &writer)
        case .mcp(let value):
            try Self.write(value, into: &writer)
        case .configuration(let value):
            writer.key("connections")
            Self.write(strings: value.connections, into: &writer)
            writer.key("path")
            writer.string(value.path)
            writer.key("sha256")
            writer.string(value.sha256)
        case .classification(let value):
            try Self.write(value, into: &writer)
        }
        writer.endObject()
    }

    /// The members of a derived classification (inside its braces): each table's columns as
    /// `{"category", "name"}` objects sorted by name.
    private static func write(_ derived: EventPayload.DerivedClassification, into writer: inout CanonicalJSONWriter) throws {
        writer.key("statementID")
        try writer.integer(derived.statementID)
        writer.key("tables")
        writer.beginArray()
        for table in derived.tables {
            writer.beginObject()
            if let category = table.category {
                writer.key("category")
                writer.string(category)
            }
            writer.key("columns")
            writer.beginArray()
            for (name, category) in table.columns.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
                writer.beginObject()
                writer.key("category")
                writer.string(category)
                writer.key("name")
                writer.string(name)
                writer.endObject()
            }
            writer.endArray()
            writer.key("relation")
            write(table.relation, into: &writer)
            writer.endObject()
        }
        writer.endArray()
    }

    /// The members of an approval payload (inside its braces), in key order.
    private static func write(_ approval: Approval, into writer: inout CanonicalJSONWriter) throws {
        if let blobs = approval.blobs {
            writer.key("blobs")
            write(strings: blobs, into: &writer)
        }
        if let categories = approval.categories {
            writer.key("categories")
            write(strings: categories, into: &writer)
        }
        if let grant = approval.grant {
            writer.key("grant")
            writer.beginObject()
            if let blobs = grant.blobs {
                writer.key("blobs")
                write(strings: blobs, into: &writer)
            }
            if let expires = grant.expires {
                guard let text = UTCTimestamp.string(from: expires) else { throw LedgerEntryError.timeOutOfRange }
                writer.key("expires")
                writer.string(text)
            }
            writer.key("kind")
            writer.string(grant.kind.rawValue)
            if let pods = grant.pods {
                writer.key("pods")
                write(strings: pods, into: &writer)
            }
            writer.key("relations")
            write(grant.relations, into: &writer)
            if let repositories = grant.repositories {
                writer.key("repositories")
                write(strings: repositories, into: &writer)
            }
            writer.endObject()
        }
        if let notified = approval.notified {
            writer.key("notified")
            write(strings: notified, into: &writer)
        }
        if let pods = approval.pods {
            writer.key("pods")
            write(strings: pods, into: &writer)
        }
        if let reasons = approval.reasons {
            writer.key("reasons")
            write(strings: reasons, into: &writer)
        }
        if let relations = approval.relations {
            writer.key("relations")
            write(relations, into: &writer)
        }
        if let repositories = approval.repositories {
            writer.key("repositories")
            write(strings: repositories, into: &writer)
        }
        writer.key("requestID")
        writer.string(approval.requestID)
        writer.key("statementIDs")
        writer.beginArray()
        for id in approval.statementIDs { try writer.integer(id) }
        writer.endArray()
        writer.key("step")
        writer.string(approval.step.rawValue)
    }

    static func write(strings: [String], into writer: inout CanonicalJSONWriter) {
        writer.beginArray()
        for string in strings { writer.string(string) }
        writer.endArray()
    }

    /// The members of an outcome payload (inside its braces).
    private static func write(_ outcome: Outcome, into writer: inout CanonicalJSONWriter) throws {
        if let commandTag = outcome.commandTag {
            writer.key("commandTag")
            writer.string(commandTag)
        }
        writer.key("durationMicroseconds")
        try writer.integer(outcome.durationMicroseconds)
        if let errorCode = outcome.errorCode {
            writer.key("errorCode")
            writer.string(errorCode)
        }
        if let maskedValues = outcome.maskedValues {
            writer.key("maskedValues")
            try writer.integer(maskedValues)
        }
        if let rows = outcome.rows {
            writer.key("rows")
            try writer.integer(rows)
        }
        writer.key("statementID")
        try writer.integer(outcome.statementID)
        writer.key("status")
        writer.string(outcome.status.rawValue)
        if let subjectsTruncated = outcome.subjectsTruncated {
            writer.key("subjectsTruncated")
            writer.bool(subjectsTruncated)
        }
    }

    static func write(_ principal: Principal, into writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        if let agentApplication = principal.agentApplication {
            writer.key("agentApplication")
            writer.string(agentApplication)
        }
        writer.key("groups")
        writer.beginArray()
        for group in principal.groups { writer.string(group) }
        writer.endArray()
        writer.key("issuer")
        writer.string(principal.issuer)
        if let objectID = principal.objectID {
            writer.key("objectID")
            writer.string(objectID)
        }
        writer.key("subject")
        writer.string(principal.subject)
        if let tenantID = principal.tenantID {
            writer.key("tenantID")
            writer.string(tenantID)
        }
        if let username = principal.username {
            writer.key("username")
            writer.string(username)
        }
        writer.endObject()
    }

    static func write(_ analysis: Analysis, into writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        writer.key("analysable")
        writer.bool(analysis.analysable)
        writer.key("columns")
        writer.beginArray()
        for column in analysis.columns { write(column, into: &writer) }
        writer.endArray()
        if let copy = analysis.copy {
            writer.key("copy")
            write(copy, into: &writer)
        }
        writer.key("kind")
        writer.string(analysis.kind.rawValue)
        writer.key("outputs")
        writer.beginArray()
        for output in analysis.outputs {
            writer.beginObject()
            writer.key("name")
            writer.string(output.name)
            writer.key("sources")
            writer.beginArray()
            for source in output.sources { write(source, into: &writer) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("reads")
        write(analysis.reads, into: &writer)
        writer.key("writes")
        write(analysis.writes, into: &writer)
        writer.endObject()
    }

    private static func write(_ relations: [RelationName], into writer: inout CanonicalJSONWriter) {
        writer.beginArray()
        for relation in relations { write(relation, into: &writer) }
        writer.endArray()
    }

    private static func write(_ relation: RelationName, into writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        writer.key("name")
        writer.string(relation.name)
        if let schema = relation.schema {
            writer.key("schema")
            writer.string(schema)
        }
        writer.endObject()
    }

    private static func write(_ column: ColumnReference, into writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        writer.key("column")
        writer.string(column.column)
        if let relation = column.relation {
            writer.key("relation")
            write(relation, into: &writer)
        }
        writer.endObject()
    }

    private static func write(_ copy: CopyOptions, into writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        if let delimiter = copy.delimiter {
            writer.key("delimiter")
            writer.string(delimiter)
        }
        if let escape = copy.escape {
            writer.key("escape")
            writer.string(escape)
        }
        writer.key("format")
        writer.string(copy.format.rawValue)
        writer.key("header")
        writer.bool(copy.header)
        if let null = copy.null {
            writer.key("null")
            writer.string(null)
        }
        if let quote = copy.quote {
            writer.key("quote")
            writer.string(quote)
        }
        writer.endObject()
    }
}

extension SealedFieldsBox {
    /// `{"box":…,"key":…,"nonce":…}`, the bytes in standard base64 with padding.
    func write(into writer: inout CanonicalJSONWriter) {
        writer.beginObject()
        writer.key("box")
        writer.base64String(box)
        writer.key("key")
        writer.string(keyID)
        writer.key("nonce")
        writer.base64String(nonce)
        writer.endObject()
    }
}
