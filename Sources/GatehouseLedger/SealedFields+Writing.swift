import GatehouseCore

extension SealedFields {
    /// The plaintext of the box: the canonical JSON object of the present fields.
    func canonicalBytes() -> [UInt8] {
        var writer = CanonicalJSONWriter(capacity: 64 + (text?.utf8.count ?? 0) + (data?.utf8.count ?? 0))
        writer.beginObject()
        if let analysisText {
            writer.key("analysisText")
            writer.string(analysisText)
        }
        if let clientAddress {
            writer.key("clientAddress")
            writer.string(clientAddress)
        }
        if let comment {
            writer.key("comment")
            writer.string(comment)
        }
        if let commits {
            writer.key("commits")
            writer.beginArray()
            for commit in commits {
                writer.beginObject()
                writer.key("authorEmail")
                writer.string(commit.authorEmail)
                writer.key("authorName")
                writer.string(commit.authorName)
                writer.key("committerEmail")
                writer.string(commit.committerEmail)
                writer.key("committerName")
                writer.string(commit.committerName)
                writer.key("message")
                writer.string(commit.message)
                writer.endObject()
            }
            writer.endArray()
        }
        if let data {
            writer.key("data")
            writer.string(data)
        }
        if let errorMessage {
            writer.key("errorMessage")
            writer.string(errorMessage)
        }
        if let limitation {
            writer.key("limitation")
            writer.string(limitation)
        }
        if let parameters {
            writer.key("parameters")
            writer.beginArray()
            for parameter in parameters {
                if let parameter { writer.string(parameter) } else { writer.null() }
            }
            writer.endArray()
        }
        if let purpose {
            writer.key("purpose")
            writer.string(purpose)
        }
        if let statement {
            writer.key("statement")
            writer.string(statement)
        }
        if let subjects {
            writer.key("subjects")
            writer.beginArray()
            for subject in subjects {
                writer.beginObject()
                writer.key("digest")
                writer.string(subject.digest)
                writer.key("kind")
                writer.string(subject.kind)
                writer.endObject()
            }
            writer.endArray()
        }
        if let text {
            writer.key("text")
            writer.string(text)
        }
        writer.endObject()
        return writer.bytes
    }
}
