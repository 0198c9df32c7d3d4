import Foundation
import GatehouseCore
import GatehousePostgresWire
import GatehousePostgres
import MCP
import Testing
@testable import GatehouseMCP

@Suite struct ProtectedResourceMetadataTests {
    func settings(_ resource: String) -> MCPSettings {
        MCPSettings(resourceURL: resource, authorizationServers: ["https://login.example/tenant/v2.0"], allowedHosts: [], allowedOrigins: [],
                    maxRows: 100, sessionIdleSeconds: 60)
    }

    @Test func theMetadataPathIsInsertedBeforeTheResourcePath() {
        #expect(settings("https://gh.example/mcp").metadataURL == "https://gh.example/.well-known/oauth-protected-resource/mcp")
        #expect(settings("https://gh.example:8443/gate/mcp").metadataURL
            == "https://gh.example:8443/.well-known/oauth-protected-resource/gate/mcp")
    }

    @Test func theDocumentNamesTheResourceAndTheIssuers() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: ProtectedResourceMetadata.json(settings("https://gh.example/mcp"))) as? [String: Any])
        #expect(document["resource"] as? String == "https://gh.example/mcp")
        #expect(document["authorization_servers"] as? [String] == ["https://login.example/tenant/v2.0"])
        #expect(document["bearer_methods_supported"] as? [String] == ["header"])
    }

    @Test func aRefusedTokensChallengeStaysOneQuotedString() {
        let challenge = ProtectedResourceMetadata.challenge(settings("https://gh.example/mcp"), invalidTokenReason: "bad \"aud\"\nx\\y")
        #expect(challenge == "Bearer resource_metadata=\"https://gh.example/.well-known/oauth-protected-resource/mcp\", "
            + "error=\"invalid_token\", error_description=\"bad audxy\"")
        #expect(ProtectedResourceMetadata.challenge(settings("https://gh.example/mcp"))
            == "Bearer resource_metadata=\"https://gh.example/.well-known/oauth-protected-resource/mcp\"")
    }
}

@Suite struct HeldNoticeTests {
    @Test func theGatewaysHoldNoticeIsRead() {
        let notice = ErrorFields(severity: "NOTICE", code: SQLState.approvalPending,
                                 message: "gatehouse: approval request apr_0123abcd holds this statement until an approver decides (at most 60 s)",
                                 hint: "An approver decides at https://gh.example/ui/approvals/apr_0123abcd")
        #expect(HeldNotice(notice) == HeldNotice(requestID: "apr_0123abcd", approvalURL: "https://gh.example/ui/approvals/apr_0123abcd"))
    }

    @Test func anyOtherNoticeIsNotAHold() {
        #expect(HeldNotice(ErrorFields(severity: "NOTICE", code: "00000", message: "gatehouse: approval request apr_1 holds")) == nil)
        #expect(HeldNotice(ErrorFields(severity: "NOTICE", code: SQLState.approvalPending, message: "something else")) == nil)
    }
}

@Suite struct QueryToolResultTests {
    @Test func rowsComeAsTextWithNullsAndTheCutIsSaid() {
        let answer = QueryToolResult.rendered(.init(columns: ["id", "email"], rows: [["1", nil]], rowCount: 3, commandTag: "SELECT 3"), maxRows: 1)
        #expect(answer.outcome == "ok")
        let structured = answer.result.structuredContent?.objectValue
        #expect(structured?["rows"] == Value.array([.array([.string("1"), .null])]))
        #expect(structured?["truncated"] == .bool(true))
        #expect(structured?["row_count"] == .int(3))
        guard case .text(let text, _, _) = answer.result.content.first else { Issue.record("no text"); return }
        #expect(text.hasPrefix("Truncated: 1 of 3 rows"))
    }

    @Test func aDenialIsItsOwnOutcome() {
        let denied = QueryToolResult.rendered(.init(error: ErrorFields(code: SQLState.approvalDenied, message: "gatehouse: denied",
                                                                       hint: "see apr_1")), maxRows: 10)
        #expect(denied.outcome == "denied")
        #expect(denied.result.isError == true)
        #expect(denied.error == "ERROR GH001: gatehouse: denied\nHINT: see apr_1")
        #expect(QueryToolResult.rendered(.init(error: ErrorFields(code: "42P01", message: "no")), maxRows: 10).outcome == "error")
    }
}

@Suite struct DescribedTablesTests {
    @Test func columnsCarryTheirCategoryAndTablesTheirs() throws {
        let classification = DataClassification(tables: [
            .init(relation: RelationName(schema: "public", name: "customers"), category: nil, columns: ["email": "contact"]),
            .init(relation: RelationName(schema: "public", name: "notes"), category: "free-text", columns: [:]),
        ])
        let described = DescribedTables(rows: [
            ["public", "customers", "r", "id", "integer"], ["public", "customers", "r", "email", "text"],
            ["public", "notes", "v", "body", "text"],
        ], classification: classification)
        let tables = try #require(described.value(truncated: false).objectValue?["tables"]?.arrayValue)
        #expect(tables.count == 2)
        let columns = try #require(tables[0].objectValue?["columns"]?.arrayValue)
        #expect(columns.map { $0.objectValue?["personal_data"] } == [.null, .string("contact")])
        #expect(tables[1].objectValue?["personal_data"] == .string("free-text"))
        #expect(tables[1].objectValue?["kind"] == .string("view"))
    }
}

@Suite struct RelationNameArgumentTests {
    @Test func onlyPlainIdentifiersAreAccepted() {
        #expect(MCPTools.relationName("customers") == RelationName(name: "customers"))
        #expect(MCPTools.relationName("public.customers") == RelationName(schema: "public", name: "customers"))
        #expect(MCPTools.relationName("_t$1") == RelationName(name: "_t$1"))
        for bad in ["", "a.b.c", "x'; DROP TABLE y; --", "1abc", "a b", "\"quoted\"", "a.", "é"] {
            #expect(MCPTools.relationName(bad) == nil, "\(bad)")
        }
    }
}
