import Foundation
import GatehouseApproval
import GatehouseCore
import GatehousePolicy

/// A JSON value the approvals API writes: explicit `null`s, so every documented field is always
/// present, and sorted keys, so the output is stable.
enum APIJSON: Sendable, Equatable, Encodable, ExpressibleByStringLiteral {
    case null
    case bool(Bool)
    case number(Int)
    case string(String)
    case array([APIJSON])
    case object([String: APIJSON])

    init(stringLiteral value: String) { self = .string(value) }

    static func optional(_ value: String?) -> APIJSON { value.map(APIJSON.string) ?? .null }

    static func strings(_ values: [String]) -> APIJSON { .array(values.map(APIJSON.string)) }

    /// `2026-11-26T07:30:00.123Z` (`UTCTimestamp`).
    static func timestamp(_ date: Date) -> APIJSON {
        .string(UTCTimestamp.string(from: date) ?? ISO8601DateFormatter().string(from: date))
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    func serialized() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers and containers of them cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("null".utf8))
    }
}

extension ApprovalAPI {
    /// A request as the API shows it: never the raw statement text, only the masked one.
    func requestJSON(_ request: ApprovalRequest) -> APIJSON {
        .object([
            "id": .string(request.id),
            "state": .string(request.state.rawValue),
            "connection": .string(request.connection),
            "requester": Self.principalJSON(request.requester),
            "purpose": request.purpose.map { .object(["text": .string($0.text), "source": .string($0.source.rawValue)]) } ?? .null,
            "maskedStatement": .string(request.maskedStatement),
            "tables": .strings(request.relations.map(\.description)),
            "columns": .strings(request.columns.map(\.description)),
            "categories": .strings(request.categories),
            "kinds": .strings(request.scope.kinds.map(\.rawValue)),
            "analysable": .bool(request.scope.analysable),
            "repositories": .strings(request.repositories),
            "blobs": .strings(request.blobs),
            "pods": .strings(request.pods),
            "operations": .strings(request.scope.gitOperations.map(\.rawValue) + request.scope.blobOperations + request.scope.kubeOperations),
            "reasons": .strings(request.reasons),
            "createdAt": .timestamp(request.createdAt),
            "deadline": .timestamp(request.deadline),
            "decisions": .array(request.decisions.map(Self.decisionJSON)),
            "approvalURL": .string(approvalURL(request.id)),
        ])
    }

    /// A grant without its one-time statement text (approvers see the masked statement instead).
    func grantJSON(_ grant: ApprovalGrant) -> APIJSON {
        var fields: [String: APIJSON] = [
            "id": .string(grant.id),
            "requestID": .string(grant.requestID),
            "connection": .string(grant.connection),
            "subject": .string(grant.subject),
            "approvers": .array(grant.approvers.map(Self.principalJSON)),
            "grantedAt": .timestamp(grant.grantedAt),
            "expiresAt": .timestamp(grant.expiresAt),
        ]
        switch grant.coverage {
        case .oneTime:
            fields["kind"] = "one-time"
        case .timeBoxed(let relations, let kinds):
            fields["kind"] = "time-boxed"
            fields["tables"] = .strings(relations.map(\.description))
            fields["kinds"] = .strings(kinds.map(\.rawValue))
        case .gitRequest(_, let repository):
            fields["kind"] = "one-time"
            fields["repositories"] = .strings([repository])
        case .gitRepositories(let repositories, let operations):
            fields["kind"] = "time-boxed"
            fields["repositories"] = .strings(repositories)
            fields["operations"] = .strings(operations.map(\.rawValue))
        case .blobRequest(_, let blob):
            fields["kind"] = "one-time"
            fields["blobs"] = .strings([blob])
        case .blobPrefixes(let prefixes, let operations):
            fields["kind"] = "time-boxed"
            fields["blobs"] = .strings(prefixes)
            fields["operations"] = .strings(operations)
        case .podRequest(_, let pod):
            fields["kind"] = "one-time"
            fields["pods"] = .strings([pod])
        case .podNamespaces(let namespaces, let operations):
            fields["kind"] = "time-boxed"
            fields["namespaces"] = .strings(namespaces)
            fields["operations"] = .strings(operations)
        }
        return .object(fields)
    }

    static func principalJSON(_ principal: Principal) -> APIJSON {
        .object([
            "issuer": .string(principal.issuer),
            "subject": .string(principal.subject),
            "username": .optional(principal.username),
            "agentApplication": .optional(principal.agentApplication),
            "groups": .strings(principal.groups),
        ])
    }

    static func decisionJSON(_ decision: ApprovalDecision) -> APIJSON {
        .object([
            "approver": principalJSON(decision.approver),
            "approved": .bool(decision.approved),
            "reason": .optional(decision.reason),
            "grant": decision.grant.map(grantChoiceJSON) ?? .null,
            "decidedAt": .timestamp(decision.decidedAt),
        ])
    }

    static func grantChoiceJSON(_ choice: GrantChoice) -> APIJSON {
        switch choice {
        case .oneTime: .object(["kind": "one-time"])
        case .timeBoxed(let minutes): .object(["kind": "time-boxed", "minutes": .number(minutes)])
        }
    }
}

/// The body of `approve` and `deny`: `{"reason": "...", "grant": {"kind": "one-time"}}` or
/// `{"kind": "time-boxed", "minutes": 10}`. The reason is required (it is the evidence of why);
/// the grant is optional and defaults to one-time, the narrowest; deny ignores it.
struct DecisionBody: Sendable, Equatable {
    var reason: String
    var grant: GrantChoice

    struct Problem: Error, Equatable {
        let message: String
    }

    private struct Wire: Decodable {
        struct Grant: Decodable {
            var kind: String
            var minutes: Int?
        }
        var reason: String?
        var grant: Grant?
    }

    static func parse(_ data: Data, approve: Bool) -> Result<DecisionBody, Problem> {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: data)
        } catch {
            return .failure(Problem(message: "the body must be a JSON object: {\"reason\": string, \"grant\": {\"kind\": \"one-time\"} or {\"kind\": \"time-boxed\", \"minutes\": integer}}"))
        }
        return make(reason: wire.reason, grantKind: wire.grant?.kind, minutes: wire.grant?.minutes, approve: approve)
    }

    /// The rules both the API and the UI's form apply: a reason, and a grant that is one of the two kinds.
    static func make(reason: String?, grantKind: String?, minutes: Int?, approve: Bool) -> Result<DecisionBody, Problem> {
        let reason = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            return .failure(Problem(message: "a non-empty \"reason\" is required: it is recorded as evidence of the decision"))
        }
        guard reason.count <= ApprovalAPI.maximumReasonLength else {
            return .failure(Problem(message: "\"reason\" is longer than \(ApprovalAPI.maximumReasonLength) characters"))
        }
        guard approve, let grantKind else { return .success(DecisionBody(reason: reason, grant: .oneTime)) }
        switch grantKind {
        case "one-time":
            return .success(DecisionBody(reason: reason, grant: .oneTime))
        case "time-boxed":
            guard let minutes else {
                return .failure(Problem(message: "a time-boxed grant needs \"minutes\" (an integer)"))
            }
            return .success(DecisionBody(reason: reason, grant: .timeBoxed(minutes: minutes)))
        default:
            return .failure(Problem(message: "\"grant.kind\" must be \"one-time\" or \"time-boxed\""))
        }
    }
}
