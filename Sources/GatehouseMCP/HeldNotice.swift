import GatehousePostgresWire

/// The gateway's notice that an approval request holds a statement (SQLSTATE GH004,
/// docs/approvals.md, "The held statement"), read back by the `query` tool so it can answer the
/// agent at once instead of waiting out the hold.
struct HeldNotice: Sendable, Equatable {
    let requestID: String
    let approvalURL: String?

    init(requestID: String, approvalURL: String?) {
        self.requestID = requestID
        self.approvalURL = approvalURL
    }

    init?(_ notice: ErrorFields) {
        guard notice.code == SQLState.approvalPending,
              let start = notice.message.range(of: "approval request ")?.upperBound else { return nil }
        let id = notice.message[start...].prefix { !$0.isWhitespace }
        guard !id.isEmpty else { return nil }
        requestID = String(id)
        approvalURL = notice.hint.flatMap { hint in
            hint.range(of: "decides at ").map { String(hint[$0.upperBound...].prefix { !$0.isWhitespace }) }
        }
    }
}
