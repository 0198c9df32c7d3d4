import Foundation
import GatehouseCore
import GatehouseMasking
import Logging

extension KubeGateway {
    func requestActivity(_ call: Call, decision: String, reason: String? = nil) -> KubeActivity {
        KubeActivity(phase: KubeActivity.Phase.request, operation: call.request.operation.rawValue, path: call.request.upstreamPath,
                     namespace: call.request.namespace, pod: call.request.pod,
                     container: call.request.exec?.container ?? call.request.log?.container,
                     command: call.request.exec?.displayedCommand, tty: call.request.exec?.tty, decision: decision, reason: reason)
    }

    /// The response-phase activity: what the client got.
    func responseActivity(_ call: Call, status: Int, fromUpstream: Int?, toClient: Int, sha256: String?, hits: [SubjectHit] = []) -> KubeActivity {
        KubeActivity(phase: KubeActivity.Phase.response, operation: call.request.operation.rawValue, path: call.request.upstreamPath,
                     namespace: call.request.namespace, pod: call.request.pod,
                     container: call.request.exec?.container ?? call.request.log?.container, status: status,
                     bytesFromUpstream: fromUpstream, bytesToClient: toClient, sha256: sha256, maskedValues: hits.isEmpty ? nil : hits.count,
                     subjects: hits.isEmpty ? nil : hits.prefix(SubjectReference.limitPerEvent).map {
                         SubjectReference(kind: $0.kind.rawValue, digest: $0.digest)
                     },
                     subjectsTruncated: hits.count > SubjectReference.limitPerEvent ? true : nil)
    }

    func record(_ activity: KubeActivity, _ call: Call) async -> Bool {
        await record(.kubernetes(activity), call)
    }

    /// Records an event of the request's session, as the caller.
    func record(_ payload: EventPayload, _ call: Call) async -> Bool {
        await record(payload, sessionID: call.sessionID, connection: call.connection.name, principal: call.principal, logger: call.logger)
    }

    /// Records one event; false when it could not be (the request must then not proceed).
    func record(_ payload: EventPayload, sessionID: String, connection: String, principal: Principal, logger: Logger) async -> Bool {
        do {
            try await recorder.record([GatehouseEvent(sessionID: sessionID, connection: connection, principal: principal, payload: payload)])
            return true
        } catch {
            logger.error("kubernetes request not recorded; refusing it", metadata: ["error": "\(error)"])
            return false
        }
    }

    func recordRefusedToken(connection: String, reason: String, clientAddress: String?, logger: Logger) async {
        let event = GatehouseEvent(sessionID: UUID().uuidString.lowercased(), connection: connection, principal: nil,
                                   payload: .authentication(.init(accepted: false, reason: reason, clientAddress: clientAddress,
                                                                  clientApplication: "kubernetes")))
        do { try await recorder.record([event]) } catch {
            logger.error("refused kubernetes token not recorded", metadata: ["error": "\(error)"])
        }
    }
}
