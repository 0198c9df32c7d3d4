import Foundation
import GatehousePostgres
import GatehousePostgresWire
import MCP

/// How a tool's answer reaches the agent: the structured result (rows as JSON) and the same as
/// text for clients that read only text, or a tool error the agent can read (MCP reports tool
/// failures as results with `isError`, not as protocol errors).
enum QueryToolResult {
    /// A finished statement: its rows, or the error the gateway or the server answered.
    static func rendered(_ result: SimpleQueryResult, maxRows: Int) -> (result: CallTool.Result, outcome: String, error: String?) {
        if let error = result.error {
            let text = describe(error)
            let denied = error.code == SQLState.approvalDenied || error.code == SQLState.approvalTimedOut
            return (failure(text), denied ? "denied" : "error", text)
        }
        let rows: [Value] = result.rows.map { row in .array(row.map { $0.map(Value.string) ?? .null }) }
        var structured: [String: Value] = [
            "columns": .array(result.columns.map(Value.string)),
            "rows": .array(rows),
            "row_count": .int(result.rowCount),
            "truncated": .bool(result.truncated),
        ]
        if let tag = result.commandTag { structured["command"] = .string(tag) }
        var text = jsonText(.object(structured))
        if result.truncated {
            let notice = "Truncated: \(result.rows.count) of \(result.rowCount) rows returned (max_rows is \(maxRows), and at most 4 MiB of values are returned)."
            structured["notice"] = .string(notice)
            text = notice + "\n" + jsonText(.object(structured))
        }
        return (CallTool.Result(content: [.text(text)], structuredContent: .object(structured), isError: false), "ok", nil)
    }

    /// A held statement: which request holds it, where it is decided, how to get the result.
    static func held(_ notice: HeldNotice) -> CallTool.Result {
        var structured: [String: Value] = [
            "status": "pending",
            "request_id": .string(notice.requestID),
            "next_step": .string("Call approval_status with request_id \(notice.requestID) (wait_seconds up to 30) to get the result once an approver decides."),
        ]
        if let url = notice.approvalURL { structured["approval_url"] = .string(url) }
        let text = "Held for approval: approval request \(notice.requestID) holds this statement until an approver decides"
            + (notice.approvalURL.map { " at \($0)" } ?? "") + ". Call approval_status with request_id \(notice.requestID) to get the result."
        return CallTool.Result(content: [.text(text)], structuredContent: .object(structured), isError: false)
    }

    static func pending(_ requestID: String, approvalURL: String?) -> CallTool.Result {
        var structured: [String: Value] = ["status": "pending", "request_id": .string(requestID)]
        if let approvalURL { structured["approval_url"] = .string(approvalURL) }
        return CallTool.Result(content: [.text("Approval request \(requestID) is still waiting for a decision.")],
                               structuredContent: .object(structured), isError: false)
    }

    /// A structured answer, and the same JSON as text.
    static func success(_ structured: Value) -> CallTool.Result {
        let content: Value? = structured
        return CallTool.Result(content: [.text(jsonText(structured))], structuredContent: content, isError: false)
    }

    static func failure(_ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(message)], isError: true)
    }

    /// An error as psql would show it, on one line per field.
    static func describe(_ error: ErrorFields) -> String {
        var lines = ["\(error.severity) \(error.code): \(error.message)"]
        if let detail = error.detail { lines.append("DETAIL: \(detail)") }
        if let hint = error.hint { lines.append("HINT: \(hint)") }
        return lines.joined(separator: "\n")
    }

    static func jsonText(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}
