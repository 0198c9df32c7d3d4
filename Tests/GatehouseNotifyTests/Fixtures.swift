import Foundation
import Testing
import GatehouseCore
@testable import GatehouseNotify

enum Fixtures {
    static let created = Date(timeIntervalSince1970: 1_795_678_200)  // 2026-11-26T07:30:00Z

    static func notice(
        _ event: ApprovalEvent = .requested, statement: String = "UPDATE public.customers SET email = '***' WHERE id = 42",
        purpose: String? = "fix a bounced address", approvalURL: URL? = URL(string: "https://gatehouse.example.com/approvals/req-123")
    ) -> ApprovalNotice {
        ApprovalNotice(
            event: event, requestID: "req-123", requesterSubject: "00u1abcd", requesterUsername: "alice@example.com",
            agentApplication: "claude-code", connection: "crm-prod", purpose: purpose, maskedStatement: statement,
            tables: ["public.customers"], personalDataCategories: ["contact"],
            reasons: ["writes to a table holding personal data"], createdAt: created,
            deadline: created.addingTimeInterval(900),
            decidedAt: event == .approved || event == .denied ? created.addingTimeInterval(60) : nil,
            decidedBy: event == .approved || event == .denied ? "bob@example.com" : nil,
            approvalURL: approvalURL)
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}
