import Foundation
import GatehouseCore
import Logging

extension BlobGateway {
    /// The request-phase activity of a call.
    func requestActivity(_ call: Call, decision: String, reason: String? = nil) -> BlobActivity {
        BlobActivity(phase: BlobActivity.Phase.request, operation: call.request.operation.rawValue, container: call.request.container,
                     blob: call.displayedBlob, range: call.range, decision: decision, reason: reason)
    }

    /// The response-phase activity: what the client got.
    func responseActivity(_ call: Call, status: Int, fromUpstream: Int?, toClient: Int, sha256: String?, masked: Int? = nil,
                          subjects: [SubjectReference]? = nil) -> BlobActivity {
        BlobActivity(phase: BlobActivity.Phase.response, operation: call.request.operation.rawValue, container: call.request.container,
                     blob: call.displayedBlob, range: call.range, status: status, bytesFromUpstream: fromUpstream,
                     bytesToClient: toClient, sha256: sha256, maskedValues: masked, subjects: subjects,
                     // `masked` counts every distinct identifier; `subjects` keeps the first `limitPerEvent`.
                     subjectsTruncated: (masked ?? 0) > SubjectReference.limitPerEvent ? true : nil)
    }

    func record(_ activity: BlobActivity, _ call: Call) async -> Bool {
        await record(.blob(activity), call)
    }

    /// Records an event of the request's session, as the caller (or `as` an approver); false
    /// when it could not be recorded.
    func record(_ payload: EventPayload, _ call: Call, as principal: Principal? = nil) async -> Bool {
        await record(payload, sessionID: call.sessionID, connection: call.connection.name, principal: principal ?? call.principal,
                     logger: call.logger)
    }

    /// Records one event; false when it could not be (the request must then not proceed).
    func record(_ payload: EventPayload, sessionID: String, connection: String, principal: Principal, logger: Logger) async -> Bool {
        let event = GatehouseEvent(sessionID: sessionID, connection: connection, principal: principal, payload: payload)
        do {
            try await recorder.record([event])
            return true
        } catch {
            logger.error("blob request not recorded; refusing it", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// False when the event could not be recorded: the request must then not proceed.
    func recordRefusedToken(connection: String, reason: String, clientAddress: String?, logger: Logger) async {
        let event = GatehouseEvent(sessionID: UUID().uuidString.lowercased(), connection: connection, principal: nil,
                                   payload: .authentication(.init(accepted: false, reason: reason, clientAddress: clientAddress,
                                                                  clientApplication: "azure-blob")))
        do { try await recorder.record([event]) } catch {
            logger.error("refused blob token not recorded", metadata: ["error": "\(error)"])
        }
    }
}
