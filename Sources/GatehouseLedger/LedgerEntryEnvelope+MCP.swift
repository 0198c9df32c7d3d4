import GatehouseCore

/// The `mcp` kind's clear payload (docs/evidence.md, "`mcp`"): everything but the call's
/// arguments (sealed `text`: a statement can name someone) and what the agent was told of a
/// failure (sealed `errorMessage`: an error can quote data), which `SealedFields` holds.
extension LedgerEntryEnvelope {
    /// `MCPActivity` without `arguments` and `error`.
    public struct MCP: Sendable, Equatable {
        public var activity: MCPActivity

        public init(_ activity: MCPActivity) {
            var clear = activity
            clear.arguments = nil
            clear.error = nil
            self.activity = clear
        }

        func joined(arguments: String?, error: String?) -> MCPActivity {
            var joined = activity
            joined.arguments = arguments
            joined.error = error
            return joined
        }
    }

    static func readMCP(_ fields: inout LedgerEntryFields) throws -> MCP {
        let phase = try fields.string("phase")
        guard MCPActivity.Phase.all.contains(phase) else { throw LedgerEntryError.invalidValue(fields.path(of: "phase")) }
        let decision = try fields.optionalString("decision")
        if let decision, !MCPActivity.Decision.all.contains(decision) { throw LedgerEntryError.invalidValue(fields.path(of: "decision")) }
        let outcome = try fields.optionalString("outcome")
        if let outcome, !MCPActivity.Outcome.all.contains(outcome) { throw LedgerEntryError.invalidValue(fields.path(of: "outcome")) }
        return MCP(MCPActivity(
            phase: phase, tool: try fields.string("tool"), mcpSession: try fields.string("mcpSession"),
            clientName: try fields.optionalString("clientName"), clientVersion: try fields.optionalString("clientVersion"),
            decision: decision, reason: try fields.optionalString("reason"), outcome: outcome,
            approval: try fields.optionalString("approval"), postgresSession: try fields.optionalString("postgresSession"),
            rows: try fields.optionalInteger("rows"), truncated: try fields.optionalBool("truncated")))
    }

    /// The members of an mcp payload (inside its braces), in key order. Throws for a phase,
    /// decision or outcome the format does not define, an empty tool or negative rows: the entry
    /// would not read back (the value rules refuse the last two).
    static func write(_ call: MCP, into writer: inout CanonicalJSONWriter) throws {
        let activity = call.activity
        guard !activity.tool.isEmpty else { throw LedgerEntryError.invalidValue("payload.tool") }
        if let rows = activity.rows, rows < 0 { throw LedgerEntryError.invalidValue("payload.rows") }
        guard MCPActivity.Phase.all.contains(activity.phase) else { throw LedgerEntryError.invalidValue("payload.phase") }
        if let decision = activity.decision, !MCPActivity.Decision.all.contains(decision) {
            throw LedgerEntryError.invalidValue("payload.decision")
        }
        if let outcome = activity.outcome, !MCPActivity.Outcome.all.contains(outcome) { throw LedgerEntryError.invalidValue("payload.outcome") }
        writer.optional("approval", activity.approval)
        writer.optional("clientName", activity.clientName)
        writer.optional("clientVersion", activity.clientVersion)
        writer.optional("decision", activity.decision)
        writer.key("mcpSession")
        writer.string(activity.mcpSession)
        writer.optional("outcome", activity.outcome)
        writer.key("phase")
        writer.string(activity.phase)
        writer.optional("postgresSession", activity.postgresSession)
        writer.optional("reason", activity.reason)
        try writer.optional("rows", activity.rows)
        writer.key("tool")
        writer.string(activity.tool)
        writer.optional("truncated", activity.truncated)
    }
}
