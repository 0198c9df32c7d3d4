import Foundation
import GatehouseCore
@testable import GatehouseLedger

/// Realistic events of every kind, with every optional field present in some and absent in others.
enum LedgerEntryEventsForTests {
    /// 2026-11-26T10:00:00.123Z: a whole millisecond, as entries hold time.
    static let time = Date(timeIntervalSince1970: 1_795_687_200.123)
    static let session = "s-7f3a9c21"

    static let alice = Principal(
        subject: "alice@example.com", issuer: "https://login.microsoftonline.com/8f6c2a4e-0000-4000-8000-1234567890ab/v2.0",
        username: "alice@example.com", objectID: "4b1f0e2c-9d8a-4c7b-a6e5-0f1e2d3c4b5a",
        tenantID: "8f6c2a4e-0000-4000-8000-1234567890ab", agentApplication: "claude-code", groups: ["engineers", "oncall"])
    static let bob = Principal(subject: "bob", issuer: "https://dev.gatehouse.local")

    static let emailSubject = SubjectReference(kind: "email", digest: String(repeating: "ab", count: 32))
    static let ibanSubject = SubjectReference(kind: "iban", digest: String(repeating: "0f", count: 32))

    static let statementText = "SELECT id, email FROM public.customers WHERE name = 'Zoë Quartermain' AND note = 'tab\there'"

    static let selectAnalysis = StatementAnalysis(
        text: statementText, kind: .select, reads: [RelationName(schema: "public", name: "customers")],
        columns: [ColumnReference(relation: RelationName(schema: "public", name: "customers"), column: "id"),
                  ColumnReference(relation: RelationName(schema: "public", name: "customers"), column: "email"),
                  ColumnReference(relation: nil, column: "name")],
        outputs: [OutputColumn(name: "id", sources: [ColumnReference(relation: RelationName(schema: "public", name: "customers"), column: "id")]),
                  OutputColumn(name: "email", sources: [ColumnReference(relation: RelationName(name: "customers"), column: "email")])])

    static func event(_ payload: EventPayload, principal: Principal? = alice, connection: String? = "shop") -> GatehouseEvent {
        GatehouseEvent(time: time, sessionID: session, connection: connection, principal: principal, payload: payload)
    }

    static let acceptedAuthentication = event(.authentication(.init(
        accepted: true, reason: nil, clientAddress: "203.0.113.7:52144", clientApplication: "psql")))
    static let refusedAuthentication = event(.authentication(.init(
        accepted: false, reason: "token rejected: the token expired at 2026-11-26T09:59:00Z", clientAddress: "[2001:db8::7]:40022",
        clientApplication: nil)), principal: nil, connection: nil)
    /// Nothing to seal: no box.
    static let authenticationWithoutAddress = event(.authentication(.init(
        accepted: true, reason: nil, clientAddress: nil, clientApplication: "pgbench")), principal: bob)

    static let simpleStatement = event(.statement(.init(
        statementID: 1, protocolMode: "simple", text: statementText, parameters: [], analysis: selectAnalysis, subjects: [emailSubject])))
    /// Analysis text different from the text, a limitation, COPY options, NULL and binary parameters.
    static let extendedStatement = event(.statement(.init(
        statementID: 2, protocolMode: "extended", text: "COPY customers (email, \"Name\") TO STDOUT WITH (FORMAT csv, HEADER)",
        parameters: ["42", nil, "\\x00ff10", "Zoë \"quoted\" \\ back\nslash \u{01} 😀"],
        analysis: StatementAnalysis(
            text: "COPY customers (email, \"Name\") TO STDOUT", kind: .copy, reads: [RelationName(name: "customers")],
            writes: [RelationName(schema: "audit", name: "exports")],
            columns: [ColumnReference(relation: RelationName(name: "customers"), column: "Name")],
            analysable: false, limitation: "calls function pg_catalog.lo_export; syntax error at or near \"alice\"",
            copy: CopyOptions(format: .csv, delimiter: ";", null: "\\N", quote: "'", escape: "\\", header: true)),
        subjects: [emailSubject, ibanSubject])))
    /// Statement text empty, no parameters, no subjects: still sealed (text and parameters always are).
    static let emptyStatement = event(.statement(.init(
        statementID: 3, protocolMode: "simple", text: "", parameters: [],
        analysis: StatementAnalysis(text: "", kind: .empty))))

    static let completedOutcome: GatehouseEvent = {
        var outcome = EventPayload.Outcome(statementID: 1, status: .completed, commandTag: "SELECT 5", rows: 5, errorCode: nil,
                                           durationMicroseconds: 1_834)
        outcome.maskedValues = 5
        outcome.subjects = [emailSubject]
        outcome.subjectsTruncated = false
        return event(.outcome(outcome))
    }()
    static let failedOutcome = event(.outcome(.init(
        statementID: 2, status: .failed, commandTag: nil, rows: nil, errorCode: "23505", durationMicroseconds: 412,
        errorMessage: "duplicate key value violates unique constraint \"customers_email_key\": Key (email)=([EMAIL]) already exists.")))
    /// Nothing to seal: no box.
    static let notExecutedOutcome = event(.outcome(.init(
        statementID: 3, status: .notExecuted, commandTag: nil, rows: nil, errorCode: nil, durationMicroseconds: 0)))

    static let sessionEnd = event(.sessionEnd(.init(reason: "client closed the connection", statements: 3)))

    /// Clear only: who erased which sessions, and why.
    static let erasure = GatehouseEvent(time: time, sessionID: "erasure-1", connection: nil, principal: nil,
                                        payload: .erasure(.init(scope: "subject", sessions: ["s-1", "s-2"], reason: "DSAR-2026-17",
                                                                requestedBy: "dpo")))
    static let derivedClassification = event(.classification(.init(statementID: 4, tables: [
        DataClassification.Table(relation: RelationName(schema: "public", name: "gh_stash"), category: nil,
                                 columns: ["contact": "contact", "Zoë": "name", "a b": "name"]),
        DataClassification.Table(relation: RelationName(schema: "pg_temp", name: "scratch"), category: "financial", columns: [:]),
    ])))

    static let configuration = GatehouseEvent(time: time, sessionID: "gateway-1", connection: nil, principal: nil,
                                              payload: .configuration(.init(path: "/etc/gatehouse/gatehouse.yaml",
                                                                            sha256: String(repeating: "0f", count: 32),
                                                                            connections: ["shop", "shop_masked"])))

    /// An approval request, with the requester's purpose sealed.
    static let approvalRequested = event(.approval(.init(
        step: .requested, requestID: "apr_0123456789abcdef", statementIDs: [4],
        reasons: ["reads classified table public.customers (contact)"], relations: [RelationName(schema: "public", name: "customers")],
        categories: ["contact"], purpose: "TICKET-123 fix duplicate invoices",
        statement: "SELECT email FROM customers WHERE id = $1")))
    /// Its decision by an approver, with a time-boxed grant and the approver's reason sealed.
    static let approvalApproved = event(.approval(.init(
        step: .approved, requestID: "apr_0123456789abcdef", statementIDs: [4],
        grant: .init(kind: .timeBoxed, expires: Date(timeIntervalSince1970: 1_795_687_800.123),
                     relations: [RelationName(schema: "public", name: "customers")]),
        comment: "ok for the invoice fix")), principal: bob)
    /// Nothing free-text: no box. Recorded as the requester, as every step but a decision is.
    static let approvalNotified = event(.approval(.init(step: .notified, requestID: "apr_0123456789abcdef", statementIDs: [4],
                                                        notified: ["slack", "webhook"])))

    /// A held Git fetch: the repository instead of relations.
    static let gitApprovalRequested = event(.approval(.init(
        step: .requested, requestID: "apr_00112233445566aa", statementIDs: [],
        reasons: ["fetches from hr/people.git, classified as holding personal data by pattern hr/** (employee)"],
        categories: ["employee"], purpose: "HR-42", statement: "git fetch hr/people.git: want 1f2e", repositories: ["hr/people.git"])))
    /// A time-boxed Git grant used: its repositories.
    static let gitGrantUsed = event(.approval(.init(
        step: .grantUsed, requestID: "apr_00112233445566aa", statementIDs: [],
        grant: .init(kind: .timeBoxed, expires: Date(timeIntervalSince1970: 1_795_687_800), relations: [],
                     repositories: ["hr/people.git"]))))

    /// By name, so parameterised tests print a short argument.
    static let byName: [String: GatehouseEvent] = [
        "acceptedAuthentication": acceptedAuthentication, "refusedAuthentication": refusedAuthentication,
        "authenticationWithoutAddress": authenticationWithoutAddress, "simpleStatement": simpleStatement,
        "extendedStatement": extendedStatement, "emptyStatement": emptyStatement, "completedOutcome": completedOutcome,
        "failedOutcome": failedOutcome, "notExecutedOutcome": notExecutedOutcome, "sessionEnd": sessionEnd,
        "erasure": erasure, "configuration": configuration, "approvalRequested": approvalRequested,
        "approvalApproved": approvalApproved, "approvalNotified": approvalNotified,
        "gitApprovalRequested": gitApprovalRequested, "gitGrantUsed": gitGrantUsed,
        "derivedClassification": derivedClassification,
    ]
    static let names = byName.keys.sorted()

    static let key = DataKey.generate(id: session)
}
