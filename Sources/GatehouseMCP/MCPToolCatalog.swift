import MCP

/// The tools the endpoint offers (docs/mcp.md): names, descriptions an agent reads, and input
/// schemas. Pure data.
enum MCPToolCatalog {
    static let listConnections = "list_connections"
    static let describe = "describe"
    static let query = "query"
    static let approvalStatus = "approval_status"
    static let blobList = "blob_list"
    static let blobRead = "blob_read"

    /// The tools; the Blob ones when the gateway serves Azure Blob connections.
    static func tools(maxRows: Int, blob: Bool) -> [Tool] {
        postgresTools(maxRows: maxRows) + (blob ? blobTools(maxRows: maxRows) : [])
    }

    static func blobTools(maxRows: Int) -> [Tool] {
        [
            Tool(name: blobList, title: "List containers or blobs",
                 description: "Containers of an Azure Blob connection, or the blobs and folders of one container (names masked "
                    + "where they hold identifiers), at most \(maxRows) entries.",
                 inputSchema: .object([
                    "type": "object",
                    "properties": .object([
                        "connection": .object(["type": "string", "description": "The connection's name (see list_connections)."]),
                        "container": .object(["type": "string", "description": "List this container's blobs (omit to list containers)."]),
                        "prefix": .object(["type": "string", "description": "Only names starting with this (a folder: end it with /)."]),
                    ]),
                    "required": .array(["connection"]), "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true)),
            Tool(name: blobRead, title: "Read a blob",
                 description: "The content of a blob as text, with personal identifiers masked (at most 1 MiB). A blob on a path "
                    + "that holds personal data is held until a human approves: the result then names the approval request; call "
                    + "approval_status with its request_id. State why in `purpose`.",
                 inputSchema: .object([
                    "type": "object",
                    "properties": .object([
                        "connection": .object(["type": "string", "description": "The connection's name (see list_connections)."]),
                        "container": .object(["type": "string"]),
                        "blob": .object(["type": "string", "description": "The blob's name, with its folders."]),
                        "purpose": .object(["type": "string", "description": "Why you need this data: shown to the approver and recorded."]),
                    ]),
                    "required": .array(["connection", "container", "blob"]), "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true)),
        ]
    }

    static func postgresTools(maxRows: Int) -> [Tool] {
        [
            Tool(name: listConnections, title: "List connections",
                 description: "The Gatehouse connections your groups allow, with their type and which MCP tools work on them.",
                 inputSchema: .object(["type": "object", "properties": .object([:]), "additionalProperties": false]),
                 annotations: .init(readOnlyHint: true)),
            Tool(name: describe, title: "Describe a PostgreSQL connection",
                 description: "Tables and columns of a PostgreSQL connection, with the personal-data category of each classified "
                    + "column or table. Shows no values.",
                 inputSchema: .object([
                    "type": "object",
                    "properties": .object([
                        "connection": .object(["type": "string", "description": "The connection's name (see list_connections)."]),
                        "table": .object(["type": "string", "description": "Only this table: name or schema.name."]),
                    ]),
                    "required": .array(["connection"]), "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true)),
            Tool(name: query, title: "Run one SQL statement",
                 description: "Runs one SQL statement on a PostgreSQL connection through Gatehouse and returns the rows, with "
                    + "personal identifiers masked. Read-only unless the connection allows writes. A statement that touches "
                    + "personal data is held until a human approves it: the result then names the approval request; call "
                    + "approval_status with its request_id to get the rows once it is decided. State why in `purpose`.",
                 inputSchema: .object([
                    "type": "object",
                    "properties": .object([
                        "connection": .object(["type": "string", "description": "The connection's name (see list_connections)."]),
                        "sql": .object(["type": "string", "description": "One SQL statement."]),
                        "purpose": .object(["type": "string", "description": "Why you need this data (a ticket, a sentence): shown to the approver and recorded."]),
                        "max_rows": .object(["type": "integer", "minimum": 1, "maximum": .int(maxRows),
                                             "description": .string("Rows to return at most (default and maximum \(maxRows)).")]),
                    ]),
                    "required": .array(["connection", "sql"]), "additionalProperties": false,
                 ]),
                 annotations: .init(destructiveHint: false, openWorldHint: false)),
            Tool(name: approvalStatus, title: "Approval status of a held call",
                 description: "The state of a query held for approval: pending, or its result once an approver decided "
                    + "(the rows, masked, or the refusal).",
                 inputSchema: .object([
                    "type": "object",
                    "properties": .object([
                        "request_id": .object(["type": "string", "description": "The approval request named by the held query's result."]),
                        "wait_seconds": .object(["type": "integer", "minimum": 0, "maximum": 30,
                                                 "description": "Wait this long for a decision before answering pending (default 0)."]),
                    ]),
                    "required": .array(["request_id"]), "additionalProperties": false,
                 ]),
                 annotations: .init(readOnlyHint: true)),
        ]
    }
}
