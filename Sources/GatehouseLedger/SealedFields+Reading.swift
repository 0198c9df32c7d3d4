import GatehouseCore

extension SealedFields {
    /// The opened plaintext of an entry of `kind`, refusing fields the kind does not seal, a
    /// statement without `text` or `parameters`, an `analysisText` equal to `text` (the encoder
    /// omits it then) and an empty object (the encoder writes no box then).
    init(canonicalBytes bytes: [UInt8], kind: String) throws {
        let value: CanonicalJSONValue
        do {
            value = try CanonicalJSONValue(canonicalBytes: bytes)
        } catch let error as CanonicalJSONError {
            throw LedgerEntryError.notCanonicalJSON(error)
        }
        var fields = try LedgerEntryFields(value, path: "sealed")
        self.init()
        switch kind {
        case "authentication":
            clientAddress = try fields.optionalString("clientAddress")
        case "statement":
            text = try fields.string("text")
            let parametersPath = fields.path(of: "parameters")
            parameters = try fields.array("parameters").enumerated().map { index, element in
                switch element {
                case .string(let parameter): return parameter
                case .null: return nil
                default: throw LedgerEntryError.wrongType(parametersPath + "[\(index)]")
                }
            }
            subjects = try Self.readSubjects(&fields)
            analysisText = try fields.optionalString("analysisText")
            if let analysisText, let text, analysisText.utf8.elementsEqual(text.utf8) {
                throw LedgerEntryError.invalidValue(fields.path(of: "analysisText"))
            }
            limitation = try fields.optionalString("limitation")
        case "outcome":
            errorMessage = try fields.optionalString("errorMessage")
            subjects = try Self.readSubjects(&fields)
        case "approval":
            purpose = try fields.optionalString("purpose")
            statement = try fields.optionalString("statement")
            comment = try fields.optionalString("comment")
        case "git":
            commits = try fields.optionalObjects("commits") { commit in
                CommitPeople(authorEmail: try commit.string("authorEmail"), authorName: try commit.string("authorName"),
                             committerEmail: try commit.string("committerEmail"), committerName: try commit.string("committerName"),
                             message: try commit.string("message"))
            }
            if commits?.isEmpty == true { throw LedgerEntryError.invalidValue(fields.path(of: "commits")) }
            subjects = try Self.readSubjects(&fields)
        case "blob":
            subjects = try Self.readSubjects(&fields)
        case "kubernetes":
            data = try fields.optionalString("data")
            subjects = try Self.readSubjects(&fields)
            text = try fields.optionalString("text")
        case "mcp":
            errorMessage = try fields.optionalString("errorMessage")
            text = try fields.optionalString("text")
        default:
            break
        }
        try fields.finish()
        guard !isEmpty else { throw LedgerEntryError.invalidValue("sealed") }
    }

    private static func readSubjects(_ fields: inout LedgerEntryFields) throws -> [SubjectReference]? {
        try fields.optionalObjects("subjects") { subject in
            SubjectReference(kind: try subject.string("kind"), digest: try subject.string("digest"))
        }
    }
}
