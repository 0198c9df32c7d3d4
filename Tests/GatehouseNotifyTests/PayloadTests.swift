import Foundation
import Testing
@testable import GatehouseNotify

@Suite struct NotifyPayloadTests {
    @Test func genericWebhookHasEveryDocumentedField() throws {
        let json = try Fixtures.object(GenericWebhookPayload.body(Fixtures.notice()))
        #expect(Set(json.keys) == ["id", "type", "schema_version", "occurred_at", "approval"])
        #expect(json["type"] as? String == "approval.requested")
        #expect(json["schema_version"] as? Int == 1)
        #expect((json["id"] as? String)?.hasPrefix("ntf_") == true)
        #expect((json["id"] as? String)?.count == 36)
        #expect(json["occurred_at"] as? String == "2026-11-26T07:30:00.000Z")

        let approval = try #require(json["approval"] as? [String: Any])
        #expect(Set(approval.keys) == [
            "request_id", "status", "requester", "agent_application", "connection", "purpose", "statement",
            "statement_truncated", "tables", "personal_data_categories", "reasons", "created_at", "deadline",
            "decided_at", "decided_by", "approval_url",
        ])
        #expect(approval["request_id"] as? String == "req-123")
        #expect(approval["status"] as? String == "pending")
        let requester = try #require(approval["requester"] as? [String: Any])
        #expect(requester["subject"] as? String == "00u1abcd")
        #expect(requester["username"] as? String == "alice@example.com")
        #expect(approval["agent_application"] as? String == "claude-code")
        #expect(approval["connection"] as? String == "crm-prod")
        #expect(approval["purpose"] as? String == "fix a bounced address")
        #expect(approval["statement"] as? String == "UPDATE public.customers SET email = '***' WHERE id = 42")
        #expect(approval["statement_truncated"] as? Bool == false)
        #expect(approval["tables"] as? [String] == ["public.customers"])
        #expect(approval["personal_data_categories"] as? [String] == ["contact"])
        #expect(approval["reasons"] as? [String] == ["writes to a table holding personal data"])
        #expect(approval["created_at"] as? String == "2026-11-26T07:30:00.000Z")
        #expect(approval["deadline"] as? String == "2026-11-26T07:45:00.000Z")
        #expect(approval["decided_at"] is NSNull, "absent fields are present as null")
        #expect(approval["decided_by"] is NSNull)
        #expect(approval["approval_url"] as? String == "https://gatehouse.example.com/approvals/req-123")
    }

    @Test func eventsMapToTypesAndStatuses() throws {
        let expected: [ApprovalEvent: (String, String)] = [
            .requested: ("approval.requested", "pending"), .approved: ("approval.approved", "approved"),
            .denied: ("approval.denied", "denied"), .expired: ("approval.expired", "expired"),
        ]
        var ids = Set<String>()
        for (event, (type, status)) in expected {
            let json = try Fixtures.object(GenericWebhookPayload.body(Fixtures.notice(event)))
            #expect(json["type"] as? String == type)
            #expect((json["approval"] as? [String: Any])?["status"] as? String == status)
            ids.insert(try #require(json["id"] as? String))
        }
        #expect(ids.count == 4, "each event of a request has its own id")

        let approved = try Fixtures.object(GenericWebhookPayload.body(Fixtures.notice(.approved)))
        let approval = try #require(approved["approval"] as? [String: Any])
        #expect(approval["decided_by"] as? String == "bob@example.com")
        #expect(approval["decided_at"] as? String == "2026-11-26T07:31:00.000Z")
        #expect(approved["occurred_at"] as? String == "2026-11-26T07:31:00.000Z")
        let expired = try Fixtures.object(GenericWebhookPayload.body(Fixtures.notice(.expired)))
        #expect(expired["occurred_at"] as? String == "2026-11-26T07:45:00.000Z")
    }

    @Test func idIsStableForTheSameRequestAndEvent() {
        #expect(Fixtures.notice().id == Fixtures.notice(statement: "other").id)
        #expect(GenericWebhookPayload.body(Fixtures.notice()) == GenericWebhookPayload.body(Fixtures.notice()),
                "the same notice serialises to the same bytes")
    }

    @Test func longStatementsAreTruncated() throws {
        let long = String(repeating: "x", count: 5000)
        let notice = Fixtures.notice(statement: long)
        #expect(notice.statementTruncated)
        #expect(notice.maskedStatement.count == ApprovalNotice.maximumStatementCharacters + 1)
        #expect(notice.maskedStatement.hasSuffix("…"))
        let approval = try #require(try Fixtures.object(GenericWebhookPayload.body(notice))["approval"] as? [String: Any])
        #expect(approval["statement_truncated"] as? Bool == true)
        #expect(!Fixtures.notice().statementTruncated)
    }

    @Test func controlCharactersSurviveTheJSONRoundTrip() throws {
        let tricky = "SELECT '\u{1}\"\\\n\t\u{2028}é😀'"
        let approval = try #require(try Fixtures.object(GenericWebhookPayload.body(Fixtures.notice(statement: tricky)))["approval"] as? [String: Any])
        #expect(approval["statement"] as? String == tricky)
    }

    @Test func slackHasFallbackTextBlocksAndAButtonToTheApprovalPage() throws {
        let json = try Fixtures.object(SlackPayload.body(Fixtures.notice()))
        let text = try #require(json["text"] as? String)
        #expect(text.contains("Approval needed on crm-prod"))
        #expect(text.contains("<https://gatehouse.example.com/approvals/req-123|Review request>"))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "section", "section", "section", "actions"])
        let actions = try #require(blocks.last?["elements"] as? [[String: Any]])
        #expect(actions.count == 1)
        #expect(actions[0]["type"] as? String == "button")
        #expect(actions[0]["url"] as? String == "https://gatehouse.example.com/approvals/req-123")
        #expect((actions[0]["text"] as? [String: Any])?["type"] as? String == "plain_text")
        let statement = try #require((blocks[3]["text"] as? [String: Any])?["text"] as? String)
        #expect(statement.contains("```UPDATE public.customers SET email = '***' WHERE id = 42```"))
        let fields = try #require(blocks[2]["fields"] as? [[String: Any]])
        #expect(fields.count <= 10)
        #expect(fields.contains { ($0["text"] as? String) == "*Requester*\nalice@example.com" })
    }

    @Test func slackEscapesMentionsAndCannotBeBrokenOutOfTheCodeBlock() throws {
        let notice = Fixtures.notice(statement: "SELECT '<!channel>' ``` <https://evil|x> & 1", purpose: "<!here> now")
        let body = String(decoding: SlackPayload.body(notice), as: UTF8.self)
        #expect(!body.contains("<!channel>"))
        #expect(!body.contains("<!here>"))
        #expect(!body.contains("<https://evil"))
        #expect(body.contains("&lt;!channel&gt;"))
        let json = try Fixtures.object(Array(body.utf8))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        let statement = try #require((blocks[3]["text"] as? [String: Any])?["text"] as? String)
        #expect(statement.components(separatedBy: "```").count == 3, "only the block's own fences")
    }

    @Test func noApprovalURLMeansNoButton() throws {
        let json = try Fixtures.object(SlackPayload.body(Fixtures.notice(.expired, approvalURL: nil)))
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(!blocks.contains { $0["type"] as? String == "actions" })
        let teams = try Fixtures.object(TeamsPayload.body(Fixtures.notice(.expired, approvalURL: nil)))
        let card = try #require(((teams["attachments"] as? [[String: Any]])?.first)?["content"] as? [String: Any])
        #expect(card["actions"] == nil)
    }

    @Test func teamsIsAnAdaptiveCardWithAnOpenUrlAction() throws {
        let json = try Fixtures.object(TeamsPayload.body(Fixtures.notice()))
        #expect(json["type"] as? String == "message")
        let attachments = try #require(json["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        #expect(attachments[0]["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachments[0]["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        #expect(card["version"] as? String == "1.4")
        #expect(card["$schema"] as? String == "http://adaptivecards.io/schemas/adaptive-card.json")
        let actions = try #require(card["actions"] as? [[String: Any]])
        #expect(actions.count == 1)
        #expect(actions[0]["type"] as? String == "Action.OpenUrl")
        #expect(actions[0]["url"] as? String == "https://gatehouse.example.com/approvals/req-123")

        let body = try #require(card["body"] as? [[String: Any]])
        #expect(body.allSatisfy { $0["type"] as? String == "RichTextBlock" }, "no Markdown-reading TextBlock or FactSet")
        let lines = try body.map { block in
            try #require(block["inlines"] as? [[String: Any]]).map { run in
                #expect(run["type"] as? String == "TextRun")
                return run["text"] as? String ?? ""
            }.joined()
        }
        #expect(lines.first == "Approval needed on crm-prod")
        let lineSet = Set(lines)
        #expect(lineSet.isSuperset(of: ["Connection: crm-prod", "Personal data: contact", "Deadline: 2026-11-26 07:45 UTC"]))
        #expect(lines.last == "UPDATE public.customers SET email = '***' WHERE id = 42")
        let statementRun = try #require((body.last?["inlines"] as? [[String: Any]])?.first)
        #expect(statementRun["fontType"] as? String == "Monospace")
    }

    @Test func payloadsCarryOnlyTheMaskedStatement() {
        // The notice has no field for tokens or raw statements; what goes in is what comes out.
        let notice = Fixtures.notice(statement: "SELECT * FROM t WHERE email = '***'")
        for body in [GenericWebhookPayload.body(notice), SlackPayload.body(notice), TeamsPayload.body(notice)] {
            let text = String(decoding: body, as: UTF8.self)
            #expect(text.contains("***"))
            #expect(!text.lowercased().contains("bearer"))
        }
    }
}
